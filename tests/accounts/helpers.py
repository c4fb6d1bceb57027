"""Builders for community tests: decided work on chosen seeds, bred seeds."""

from __future__ import annotations

import io

from art_tasks.models import CreationTask, SeedImage, Submission
from art_tasks.services import claim_task, process_submission, submit_work
from curation.services import cast_vote
from tests.art_tasks.factories import OpenTaskFactory
from tests.images import png_bytes


def decided_work(
    *,
    artist,
    curators,
    scores=(4, 4, 4),
    seed: SeedImage | None = None,
    task: CreationTask | None = None,
    title: str = "A work",
    comments=(),
) -> Submission:
    """Submit a work by `artist` on `seed` (or the task's first) and vote on it.

    Goes through the real services; the curators' votes decide it.
    """
    task = seed.task if seed is not None else task or OpenTaskFactory()
    seed = seed or task.seeds.first()
    claim = claim_task(task=task, user=artist)
    upload = io.BytesIO(png_bytes((96, 64)))
    upload.name = "work.png"
    work = submit_work(
        claim=claim,
        user=artist,
        seed=seed,
        image=upload,
        title=title,
        license=task.license,
    )
    work = process_submission(submission=work)
    comments = list(comments) + [""] * len(scores)
    for curator, score, comment in zip(curators, scores, comments, strict=False):
        cast_vote(submission=work, curator=curator, score=score, comment=comment)
    work.refresh_from_db()
    return work


def bred_seed(*parents: SeedImage) -> SeedImage:
    """Return the first seed of a new open task, recorded as bred from `parents`."""
    seed = OpenTaskFactory(seed_count=1).seeds.get()
    seed.parents.set(parents)
    return seed
