"""Live pages: the fragments the studio, the bell and the review queue poll.

Each fragment answers with what the page shows now and when to ask again:
soon after a change, twice as late after each unchanged answer (see
core/live.py). They are each person's own, cost a fixed number of queries,
and a poll from a page whose session ended reloads it rather than swapping
a sign-in form into the page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from art_tasks.services import process_submission
from community.models import Notification
from community.services.notifications import notify
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _poll(html: str, element_id: str) -> tuple[str, int]:
    """Return the URL and interval of the polled element `element_id`."""
    tag = re.search(rf'<[a-z]+ id="{element_id}"[^>]*>', html).group(0)
    url = re.search(r'hx-get="([^"]+)"', tag).group(1).replace("&amp;", "&")
    every = int(re.search(r'hx-trigger="every (\d+)s"', tag).group(1))
    assert 'hx-swap="outerHTML"' in tag
    return url, every


def _every(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["every"][0])


# The studio ---------------------------------------------------------------------


@pytest.fixture
def processing(artist):
    return submitted_work(
        task=OpenTaskFactory(title="Harbour"),
        artist=artist,
        title="Lights",
        process=False,
    )


def test_the_studio_follows_processing_into_review_without_a_reload(
    client, artist, processing
):
    client.force_login(artist)
    page = client.get("/studio/").content.decode()
    url, every = _poll(page, "studio-submissions")
    assert "Processing" in page
    assert every == 3

    quiet = client.get(url, **HTMX).content.decode()
    url2, every2 = _poll(quiet, "studio-submissions")
    assert "Processing" in quiet
    assert every2 == 6  # nothing changed: ask later
    process_submission(submission=processing)
    changed = client.get(url2, **HTMX).content.decode()

    assert "In review" in changed
    assert "Processing" not in changed
    assert _poll(changed, "studio-submissions")[1] == 3  # changed: ask soon again
    assert "<html" not in changed  # a fragment, not a page


def test_while_something_processes_the_studio_asks_at_least_every_ten_seconds(
    client, artist, processing
):
    client.force_login(artist)
    url = "/studio/submissions/?v=x&every=3"
    for _ in range(6):
        html = client.get(url, **HTMX).content.decode()
        url, every = _poll(html, "studio-submissions")
    assert every == 10
    process_submission(submission=processing)
    for _ in range(8):
        html = client.get(url, **HTMX).content.decode()
        url, every = _poll(html, "studio-submissions")
    assert every == 60


def test_the_studio_fragment_shows_only_ones_own_work(client, artist, processing):
    client.force_login(UserFactory(username="nosy"))

    html = client.get("/studio/submissions/", **HTMX).content.decode()

    assert "Lights" not in html
    assert "Nothing submitted yet." in html


def test_the_studio_fragment_costs_two_queries_however_much_is_shown(
    client, artist, django_assert_num_queries
):
    submitted_work(artist=artist, title="One")
    client.force_login(artist)
    # The session comes from the cache: the user, then the submissions.
    with django_assert_num_queries(2):
        client.get("/studio/submissions/", **HTMX)
    for i in range(4):
        submitted_work(artist=artist, title=f"More {i}")
    with django_assert_num_queries(2):
        html = client.get("/studio/submissions/", **HTMX).content.decode()
    assert html.count("hidden until decided") == 5


def test_the_studio_lists_the_latest_submissions_and_says_where_the_rest_are(
    client, artist, monkeypatch
):
    from art_tasks import views

    monkeypatch.setattr(views, "STUDIO_SUBMISSIONS", 2)
    works = [submitted_work(artist=artist, title=f"Piece {i}") for i in range(3)]
    client.force_login(artist)
    html = client.get("/studio/").content.decode()
    assert "Piece 2" in html
    assert "Piece 1" in html
    assert "Piece 0" not in html
    assert f'href="/art/{works[2].pk}/"' in html
    assert f'href="/tasks/{works[2].task_id}/"' in html
    assert "Your latest 2 submissions" in html
    assert f'href="/artists/{artist.username}/">your artist page' in html
    fragment = client.get("/studio/submissions/", **HTMX).content.decode()
    assert "Piece 0" not in fragment
    assert "Your latest 2 submissions" in fragment


# The bell -----------------------------------------------------------------------


def test_every_page_polls_the_bell_and_the_count_follows(client, artist):
    client.force_login(artist)
    page = client.get("/tasks/").content.decode()
    url, every = _poll(page, "bell")
    assert every == 15
    assert "data-unread" not in page

    quiet = client.get(url, **HTMX).content.decode()
    url, every = _poll(quiet, "bell")
    assert every == 30
    assert "data-unread" not in quiet
    for n in range(2):
        notify(recipient=artist, kind=Notification.Kind.MODERATION, text=f"News {n}")
    news = client.get(url, **HTMX).content.decode()

    assert '<span class="badge" data-unread>2</span>' in news
    assert 'aria-label="Notifications: 2 unread"' in news
    assert _poll(news, "bell")[1] == 15


def test_the_bell_counts_only_ones_own_and_costs_two_queries(
    client, artist, django_assert_num_queries
):
    notify(recipient=artist, kind=Notification.Kind.MODERATION, text="Yours")
    other = UserFactory(username="other")
    client.force_login(other)

    with django_assert_num_queries(2):  # user, the unread count
        html = client.get("/notifications/bell/", **HTMX).content.decode()

    assert "data-unread" not in html
    assert 'aria-label="Notifications: 0 unread"' in html


def test_the_bell_slows_to_two_minutes_when_nothing_happens(client, artist):
    client.force_login(artist)
    url = "/notifications/bell/?v=0&every=15"
    for _ in range(5):
        url, every = _poll(client.get(url, **HTMX).content.decode(), "bell")
    assert every == 120


def test_a_poll_after_the_session_ended_reloads_the_page(client):
    for url in ("/notifications/bell/", "/studio/submissions/", "/curate/count/"):
        response = client.get(url, **HTMX)
        assert response.status_code == 204, url
        assert response["HX-Refresh"] == "true"
        plain = client.get(url)
        assert plain.status_code == 302
        assert "/accounts/login/" in plain["Location"]


def test_fragments_are_never_cached(client, artist):
    client.force_login(artist)

    response = client.get("/notifications/bell/", **HTMX)

    assert "no-cache" in response["Cache-Control"]


# The review queue ---------------------------------------------------------------


def test_the_queue_count_follows_new_work_while_a_curator_votes(
    client, curators, roomy_task
):
    submitted_work(task=roomy_task, artist=UserFactory(username="a1"))
    client.force_login(curators[0])
    page = client.get("/curate/").content.decode()
    url, every = _poll(page, "queue-count")
    assert "1 waiting for your vote" in page
    assert every == 10
    assert "empty" not in url

    submitted_work(task=roomy_task, artist=UserFactory(username="a2"))
    response = client.get(url, **HTMX)
    html = response.content.decode()

    assert "2 waiting for your vote" in html
    assert "HX-Refresh" not in response  # the comment being typed stays
    assert _poll(html, "queue-count")[1] == 10


def test_new_work_on_a_clear_queue_brings_the_page_back(client, curators, roomy_task):
    client.force_login(curators[0])
    page = client.get("/curate/").content.decode()
    url, _ = _poll(page, "queue-count")
    assert "The queue is clear" in page
    assert "empty=1" in url

    quiet = client.get(url, **HTMX)
    assert "HX-Refresh" not in quiet
    assert "Nothing is waiting for your vote" in quiet.content.decode()
    url, every = _poll(quiet.content.decode(), "queue-count")
    assert every == 20
    submitted_work(task=roomy_task, artist=UserFactory(username="a1"), title="Tide")
    arrived = client.get(url, **HTMX)

    assert arrived["HX-Refresh"] == "true"
    assert "New work is waiting for your vote" in arrived.content.decode()
    assert '<h1 id="review-title">Tide</h1>' in client.get("/curate/").content.decode()


def test_the_queue_count_leaves_out_ones_own_and_skipped_work(
    client, curators, roomy_task
):
    curator = curators[0]
    submitted_work(task=roomy_task, artist=curator, title="Mine")
    skipped = submitted_work(task=roomy_task, artist=UserFactory(username="a1"))
    submitted_work(task=roomy_task, artist=UserFactory(username="a2"))
    client.force_login(curator)
    client.post(f"/curate/{skipped.pk}/skip/")

    html = client.get("/curate/count/", **HTMX).content.decode()

    assert "1 waiting for your vote · 1 skipped" in html


def test_the_queue_count_is_for_curators_and_costs_two_queries(
    client, curators, roomy_task, django_assert_num_queries
):
    submitted_work(task=roomy_task, artist=UserFactory(username="a1"))
    client.force_login(UserFactory(username="member"))
    assert client.get("/curate/count/", **HTMX).status_code == 403

    client.force_login(curators[0])
    with django_assert_num_queries(2):  # the user with their role, the count
        assert client.get("/curate/count/", **HTMX).status_code == 200
