"""Fixtures for the gallery and curation tests: decided works to rank and show."""

from __future__ import annotations

import pytest

from art_tasks.models import Submission
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.curation.factories import decided_work


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
        return decided_work(
            task=task or roomy_task,
            artist=artist,
            title=title,
            curators=curators,
            scores=scores,
        )

    return build
