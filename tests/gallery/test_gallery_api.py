"""The public gallery API: cursor pages, orders and filters."""

import pytest

from rest_framework.test import APIClient

from curation.services import cast_vote
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(open_task, curators):
    """Five accepted works scoring 5.0, 4.67, 4.33, 4.0 and 3.67."""
    scores = [[5, 5, 5], [5, 5, 4], [5, 4, 4], [4, 4, 4], [4, 4, 3]]
    return [
        decided_work(
            task=open_task,
            artist=UserFactory(username=f"g{i}"),
            title=f"w{i}",
            curators=curators,
            scores=triple,
        )
        for i, triple in enumerate(scores)
    ]


def test_cursor_pages_walk_the_whole_gallery_without_repeats(accepted):
    client = APIClient()
    url = "/api/v1/gallery/?order=top&page_size=2"
    titles = []
    while url:
        page = client.get(url).json()
        titles += [w["title"] for w in page["results"]]
        url = page["next"]
    assert titles == ["w0", "w1", "w2", "w3", "w4"]


def test_newest_order_and_filters(accepted, curators):
    client = APIClient()
    newest = client.get("/api/v1/gallery/?order=new").json()["results"]
    assert [w["title"] for w in newest] == ["w4", "w3", "w2", "w1", "w0"]
    by_artist = client.get("/api/v1/gallery/?artist=g2").json()["results"]
    assert [w["title"] for w in by_artist] == ["w2"]
    other = OpenTaskFactory(title="Other")
    work = submitted_work(task=other, artist=UserFactory(username="solo"), title="solo")
    for curator in curators:
        cast_vote(submission=work, curator=curator, score=5)
    by_task = client.get(f"/api/v1/gallery/?task={other.pk}").json()["results"]
    assert [w["title"] for w in by_task] == ["solo"]


def test_gallery_entries_carry_license_attribution_and_images(accepted):
    entry = APIClient().get("/api/v1/gallery/").json()["results"][0]
    assert entry["license"] == "CC-BY-4.0"
    assert "by G0" in entry["attribution"]
    assert entry["web"].startswith("http://testserver/files/web/")
    assert entry["score"] == pytest.approx(5.0)


def test_tag_filtered_trending_pages_follow_the_full_order_through_ties(
    accepted_work, staff
):
    """Most works' trending score has decayed to 0: pages walk that run of
    equal scores by id, with no work repeated or skipped."""
    from art_tasks.models import Submission, Tag
    from gallery.selectors import GalleryQuery, gallery_page

    harbour = Tag.objects.create(name="harbour")
    tagged = [OpenTaskFactory(created_by=staff, slots=20) for _ in range(2)]
    for task in tagged:
        task.tags.add(harbour)
    other = OpenTaskFactory(created_by=staff, slots=20)
    works = [
        accepted_work(f"t{i}", task=(tagged[0], tagged[1], other)[i % 3])
        for i in range(12)
    ]
    scores = [0.0] * 12
    scores[1], scores[4], scores[9] = 2.5, 7.0, 2.5  # the rest have faded
    for work, score in zip(works, scores, strict=True):
        Submission.objects.filter(pk=work.pk).update(trend_score=score)
    expected = [
        w.title
        for w, s in sorted(
            zip(works, scores, strict=True), key=lambda p: (-p[1], -p[0].pk)
        )
        if w.task_id != other.pk
    ]
    assert len(expected) == 8

    client = APIClient()
    url, walked = "/api/v1/gallery/?order=trending&tag=harbour&page_size=3", []
    while url:
        page = client.get(url).json()
        walked += [w["title"] for w in page["results"]]
        url = page["next"]
    assert walked == expected

    query = GalleryQuery.from_params({"order": "trending", "tag": "harbour"})
    cursor, cards = None, []
    while True:
        page = gallery_page(query=query, cursor=cursor, size=2, cards_only=True)
        cards += [w.title for w in page.items]
        if not (cursor := page.next_cursor):
            break
    assert cards == expected
