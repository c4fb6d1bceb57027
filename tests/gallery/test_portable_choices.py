"""The gallery's filter choices on a database without PostgreSQL's JSON.

`make run` serves the demo from SQLite; there the home page's tag and task
pickers come from `portable_filter_choices`. These tests call it directly
(the suite runs on PostgreSQL) and hold it to the PostgreSQL query's answer.
"""

import pytest

from gallery import selectors
from moderation.services import hide_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_gallery(staff, curators):
    """Tasks with 3, 2, 2 and 0 works shown; tags on tasks and on works."""

    def accept(task, title, tags=()):
        artist = UserFactory(username=title.replace(" ", "-"))
        return decided_work(
            task=task, artist=artist, curators=curators, title=title, tags=tags
        )

    def task(title, tag=None):
        found = OpenTaskFactory(created_by=staff, title=title, slots=20)
        if tag:
            found.tags.create(name=tag)
        return found

    harbour = task("Harbour", tag="sea")
    dunes = task("Dunes", tag="sand")
    cliffs = task("Cliffs")
    quiet = task("Quiet", tag="silence")
    for i in range(3):
        accept(harbour, f"harbour {i}")
    hidden = accept(dunes, "dunes 0", tags=("wind",))
    accept(dunes, "dunes 1")
    accept(dunes, "dunes 2")
    accept(cliffs, "cliffs 0", tags=("chalk",))
    accept(cliffs, "cliffs 1")
    submitted_work(
        artist=UserFactory(), task=quiet, title="in review", tags=("draft-only",)
    )
    hide_work(submission=hidden, actor=staff, reason="Reported as a copy.")
    return {"harbour": harbour, "dunes": dunes, "cliffs": cliffs}


def test_the_portable_choices_list_tags_by_name_and_busiest_tasks_first(
    busy_gallery,
):
    choices = selectors.portable_filter_choices()

    assert [t["name"] for t in choices["tags"]] == ["chalk", "sand", "sea"]
    # Harbour shows three works; Dunes and Cliffs two each: ties go by title.
    assert choices["tasks"] == [
        {"pk": busy_gallery[name].pk, "title": busy_gallery[name].title}
        for name in ("harbour", "cliffs", "dunes")
    ]


def test_the_portable_choices_match_the_postgresql_query(busy_gallery):
    assert selectors.portable_filter_choices() == selectors.gallery_filter_choices()


def test_the_picker_keeps_the_busiest_tasks_of_the_latest_window(
    busy_gallery, monkeypatch
):
    monkeypatch.setattr(selectors, "PICKER_TASKS", 1)
    monkeypatch.setattr(selectors, "PICKER_WINDOW", 2)

    # The two newest accepted works are both Cliffs'.
    expected = {"pk": busy_gallery["cliffs"].pk, "title": "Cliffs"}
    assert selectors.portable_filter_choices()["tasks"] == [expected]
    assert selectors.gallery_filter_choices()["tasks"] == [expected]


def test_an_empty_gallery_offers_no_choices():
    assert selectors.portable_filter_choices() == {"tags": [], "tasks": []}
