"""Every API list answers in cursor pages: bounded, stable, followed by `next`."""

from datetime import timedelta

import pytest

from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from art_tasks.selectors import TASK_SORTS, task_list
from art_tasks.services import claim_task
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory

pytestmark = pytest.mark.django_db


def _follow(client: APIClient, url: str) -> list[list[dict]]:
    """Return every page of the list at `url`, following `next`."""
    pages = []
    while url:
        body = client.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        pages.append(body["results"])
        url = body["next"]
    return pages


@pytest.fixture
def staff():
    return UserFactory(username="pager-staff", is_staff=True)


@pytest.fixture
def tasks(staff):
    """Seven open tasks: some share a deadline, some have none, one is full."""
    now = timezone.now()
    rows = CreationTask.objects.bulk_create(
        [
            CreationTask(
                title=f"Task {i}",
                brief="Paging.",
                created_by=staff,
                state=CreationTask.State.OPEN,
                opened_at=now - timedelta(hours=i % 3),
                deadline=None if i % 3 == 0 else now + timedelta(days=1 + i % 2),
                slots=1 + i % 4,
                claim_ttl=timedelta(hours=2),
            )
            for i in range(7)
        ]
    )
    claim_task(task=rows[0], user=UserFactory(username="holder"))
    return rows


@pytest.mark.parametrize("sort", list(TASK_SORTS))
def test_the_task_pages_follow_on_in_each_order_without_gaps_or_repeats(tasks, sort):
    pages = _follow(APIClient(), f"/api/v1/tasks/?sort={sort}&page_size=2")
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    titles = [t["title"] for page in pages for t in page]
    assert titles == [t.title for t in task_list(sort=sort)]


def test_a_page_size_past_the_limit_is_cut_to_one_hundred(staff):
    CreationTask.objects.bulk_create(
        [
            CreationTask(
                title=f"Many {i}",
                brief="Paging.",
                created_by=staff,
                state=CreationTask.State.OPEN,
                opened_at=timezone.now(),
                slots=1,
                claim_ttl=timedelta(hours=2),
            )
            for i in range(101)
        ]
    )
    body = APIClient().get("/api/v1/tasks/?page_size=1000").json()
    assert len(body["results"]) == 100
    assert body["next"] is not None
    assert len(APIClient().get("/api/v1/tasks/").json()["results"]) == 30


def test_my_claims_come_in_pages_newest_first():
    person = UserFactory(username="pager")
    tasks = [OpenTaskFactory(seed_count=1, title=f"Claimed {i}") for i in range(3)]
    for task in tasks:
        claim_task(task=task, user=person)
    client = APIClient()
    client.force_authenticate(person)
    pages = _follow(client, "/api/v1/claims/?page_size=2")
    assert [[c["task"] for c in page] for page in pages] == [
        [tasks[2].pk, tasks[1].pk],
        [tasks[0].pk],
    ]


def test_a_bad_cursor_is_a_clear_404():
    response = APIClient().get("/api/v1/collections/?cursor=not-a-cursor")
    assert response.status_code == 404


def test_the_moderation_lists_come_in_pages_past_the_first_hundred():
    """Reported and hidden works page on; none is cut off after a fixed count."""
    from moderation.services import hide_work, report_work
    from tests.accounts.factories import CuratorFactory
    from tests.curation.factories import decided_work

    curators = [CuratorFactory(username=f"pager-judge{i}") for i in range(3)]
    task = OpenTaskFactory(slots=10)
    works = [
        decided_work(
            artist=UserFactory(username=f"pager-artist{i}"),
            curators=curators,
            task=task,
            title=f"W{i}",
        )
        for i in range(5)
    ]
    for i, work in enumerate(works):  # W0 most reported, then W1, ...
        for n in range(5 - i):
            report_work(
                submission=work,
                reporter=UserFactory(username=f"pager-reporter{i}-{n}"),
                reason="spam",
            )
    client = APIClient()
    client.force_authenticate(curators[0])
    pages = _follow(client, "/api/v1/moderation/reports/?page_size=2")
    assert [[w["title"] for w in page] for page in pages] == [
        ["W0", "W1"],
        ["W2", "W3"],
        ["W4"],
    ]
    for work in works:
        hide_work(submission=work, actor=curators[0], reason="Spam.")
    pages = _follow(client, "/api/v1/moderation/hidden/?page_size=2")
    assert [[w["title"] for w in page] for page in pages] == [
        ["W4", "W3"],
        ["W2", "W1"],
        ["W0"],
    ]
