"""List selectors cost the same number of queries for one row as for many.

Each case builds a small and a larger list, reads every field its page
shows, and pins the number of queries: a page that grew an N+1 would fail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from art_tasks import selectors as task_selectors
from art_tasks.models import Tag
from community import selectors as community_selectors
from community.models import Notification
from community.services.notifications import notify
from curation import selectors as curation_selectors
from gallery import selectors as gallery_selectors
from gallery.models import Collection, CollectionItem
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work

pytestmark = pytest.mark.django_db


def _tasks(n: int) -> Callable[[], list]:
    for i in range(n):
        task = OpenTaskFactory(title=f"Task {i}")
        task.tags.add(Tag.objects.create(name=f"tag{i}"))

    def read() -> list:
        rows = list(task_selectors.task_list())
        for task in rows:
            _ = (task.held, task.created_by.username, list(task.tags.all()))
            _ = [seed.thumbnail.name for seed in task.seeds.all()]
        return rows

    return read


def _review_queue(n: int) -> Callable[[], list]:
    curator = CuratorFactory(username="reader")
    task = OpenTaskFactory(slots=50)
    for i in range(n):
        submitted_work(task=task, artist=UserFactory(username=f"queued{i}"))

    def read() -> list:
        rows = list(curation_selectors.review_queue(curator=curator))
        for work in rows:
            _ = (work.artist.username, work.task.title, work.seed.index)
        return rows

    return read


def _collections(n: int) -> Callable[[], list]:
    staff = UserFactory(username="keeper", is_staff=True)
    task = OpenTaskFactory(slots=50)
    for i in range(n):
        work = submitted_work(task=task, artist=UserFactory(username=f"shown{i}"))
        collection = Collection.objects.create(
            slug=f"c{i}", title=f"C {i}", curated_by=staff, published=True, cover=work
        )
        CollectionItem.objects.create(
            collection=collection, submission=work, position=1
        )

    def read() -> list:
        rows = list(gallery_selectors.collection_list())
        for collection in rows:
            _ = (collection.work_count, collection.curated_by.username)
            _ = collection.cover.title if collection.cover else None
        return rows

    return read


def _inbox(n: int) -> Callable[[], list]:
    person = UserFactory(username="reader")
    for i in range(n):
        notify(
            recipient=person,
            kind=Notification.Kind.MODERATION,
            text=f"News {i}",
            key=f"news-{i}",
        )

    def read() -> list:
        rows = list(community_selectors.inbox(user=person)[:50])
        for notification in rows:
            _ = (notification.text, notification.url, notification.read_at)
        return rows

    return read


CASES = {
    "task list": (_tasks, 3),  # tasks with held slots, tags, seeds
    "review queue": (_review_queue, 1),
    "collections": (_collections, 1),
    "inbox": (_inbox, 1),
}


@pytest.mark.parametrize("rows", [1, 6])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_selector_costs_the_same_queries_for_any_length(
    name, rows, django_assert_num_queries
):
    build, queries = CASES[name]
    read = build(rows)
    with django_assert_num_queries(queries):
        assert len(read()) == rows
