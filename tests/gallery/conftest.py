"""Builders for curation tests: works through the real services."""

from __future__ import annotations

import io

import pytest

from art_tasks.models import Submission
from art_tasks.services import claim_task, process_submission, submit_work
from curation.services import cast_vote
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.images import png_bytes


def make_work(
    *,
    task,
    artist,
    title: str = "A work",
    image: bytes | None = None,
    filename: str = "work.png",
    seed_index: int = 0,
) -> Submission:
    """Claim, submit and process a work; it ends up in review."""
    claim = claim_task(task=task, user=artist)
    upload = io.BytesIO(image if image is not None else png_bytes((96, 64)))
    upload.name = filename
    submission = submit_work(
        claim=claim,
        user=artist,
        seed=task.seeds.get(index=seed_index),
        image=upload,
        title=title,
        license=task.license,
    )
    return process_submission(submission=submission)


def vote_all(work: Submission, curators, scores) -> Submission:
    """Cast one vote per curator, in order; return the refreshed work."""
    for curator, score in zip(curators, scores, strict=False):
        cast_vote(submission=work, curator=curator, score=score)
    work.refresh_from_db()
    return work


@pytest.fixture
def many_curators(db):
    return [CuratorFactory(username=f"judge{i}") for i in range(1, 6)]


@pytest.fixture
def roomy_task(db, staff):
    """An open task with room for many contributors."""
    from tests.art_tasks.factories import OpenTaskFactory

    return OpenTaskFactory(created_by=staff, title="Roomy", slots=200)


@pytest.fixture
def accepted_work(roomy_task, curators):
    """Build decided works: `accepted_work("title", [4, 4, 4], artist=...)`."""

    def build(title: str, scores=(4, 4, 4), *, artist=None, task=None) -> Submission:
        artist = artist or UserFactory(username=f"by-{title}".lower()[:30])
        work = make_work(task=task or roomy_task, artist=artist, title=title)
        return vote_all(work, curators, scores)

    return build
