"""The Following feed: new accepted work by the artists a person follows."""

from datetime import timedelta

import pytest

from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.models import Submission
from community.selectors import following_page
from community.services import follow_artist, unfollow_artist
from moderation.services import hide_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.curation.factories import accepted_work_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def fan(db):
    return UserFactory(username="fan")


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", display_name="Ada")


@pytest.fixture
def bo(db):
    return UserFactory(username="bo", display_name="Bo")


def _accepted(artist, title, hours_ago):
    """An accepted work by `artist`, accepted `hours_ago` hours ago."""
    work = accepted_work_by(artist, title=title)
    decided = timezone.now() - timedelta(hours=hours_ago)
    Submission.objects.filter(pk=work.pk).update(decided_at=decided)
    return work


def _titles(html: str, titles) -> list[str]:
    found = [(html.index(t), t) for t in titles if t in html]
    return [t for _, t in sorted(found)]


def test_the_feed_shows_followed_artists_accepted_work_newest_accepted_first(
    client, fan, ada, bo
):
    _accepted(ada, "Ada early", 5)
    _accepted(bo, "Bo middle", 3)
    _accepted(ada, "Ada late", 1)
    stranger = UserFactory(username="stranger")
    _accepted(stranger, "Not followed", 0)
    follow_artist(follower=fan, artist=ada)
    follow_artist(follower=fan, artist=bo)
    client.force_login(fan)
    page = client.get("/following/").content.decode()
    shown = _titles(page, ["Ada early", "Bo middle", "Ada late", "Not followed"])
    assert shown == ["Ada late", "Bo middle", "Ada early"]
    unfollow_artist(follower=fan, artist=bo)
    page = client.get("/following/").content.decode()
    assert "Bo middle" not in page


def test_hidden_and_unaccepted_work_never_reaches_the_feed(client, fan, ada):
    from tests.art_tasks.factories import OpenTaskFactory, submitted_work

    kept = _accepted(ada, "Still shown", 2)
    gone = _accepted(ada, "Taken down", 1)
    submitted_work(task=OpenTaskFactory(), artist=ada, title="Under review")
    hide_work(submission=gone, actor=CuratorFactory(), reason="Copied.")
    follow_artist(follower=fan, artist=ada)
    client.force_login(fan)
    page = client.get("/following/").content.decode()
    assert kept.title in page
    assert "Taken down" not in page
    assert "Under review" not in page
    api = APIClient()
    api.force_authenticate(fan)
    titles = [w["title"] for w in api.get("/api/v1/feed/").json()["results"]]
    assert titles == ["Still shown"]


def test_the_feed_pages_by_cursor_on_the_page_and_in_the_api(
    client, fan, ada, settings
):
    settings.ATELIER_GALLERY_PAGE_SIZE = 2
    for hours in range(5):
        _accepted(ada, f"Work {hours}", hours)
    follow_artist(follower=fan, artist=ada)
    client.force_login(fan)
    first = client.get("/following/").content.decode()
    assert _titles(first, [f"Work {i}" for i in range(5)]) == ["Work 0", "Work 1"]
    assert "data-next-page" in first
    api = APIClient()
    api.force_authenticate(fan)
    seen, url = [], "/api/v1/feed/?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [w["title"] for w in body["results"]]
        url = body["next"]
    assert seen == [f"Work {i}" for i in range(5)]
    damaged = api.get("/api/v1/feed/?cursor=not-a-cursor")
    assert damaged.status_code == 400
    assert "damaged" in damaged.json()["detail"]


def test_someone_who_follows_nobody_is_offered_the_top_artists(client, fan, ada):
    _accepted(ada, "Ada's best", 1)
    client.force_login(fan)
    page = client.get("/following/").content.decode()
    assert "You follow nobody yet" in page
    assert 'href="/artists/ada/"' in page
    follow_artist(follower=fan, artist=UserFactory(username="quiet"))
    page = client.get("/following/").content.decode()
    assert "Nothing new yet" in page


def test_the_feed_is_for_signed_in_people_only(client):
    assert client.get("/following/").status_code == 302
    assert APIClient().get("/api/v1/feed/").status_code == 403


def test_a_feed_page_is_one_query_however_many_artists_are_followed(
    fan, django_assert_num_queries
):
    for n in range(4):
        artist = UserFactory(username=f"painter{n}")
        _accepted(artist, f"Piece {n}", n)
        follow_artist(follower=fan, artist=artist)
    with django_assert_num_queries(1):
        page = following_page(user=fan)
        cards = [(w.title, w.artist.shown_name, w.task.title) for w in page.items]
    assert len(cards) == 4
