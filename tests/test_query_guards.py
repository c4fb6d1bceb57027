"""Hand-made query strings and page links get a clear 4xx, never a 500."""

import base64
import json

import pytest

from rest_framework.test import APIClient

from moderation.services import report_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import submitted_work
from tests.curation.factories import cast_votes

pytestmark = pytest.mark.django_db

API_LISTS = [
    "/api/v1/gallery/?tag=%00",
    "/api/v1/gallery/?artist=%00",
    "/api/v1/gallery/?order=new&cursor=%00",
    "/api/v1/tasks/?tag=%00",
    "/api/v1/leaderboard/?period=%00",
    "/api/v1/notifications/?unread=%00",
    "/api/v1/review/next/?skip=%00",
    "/api/v1/submissions/?x%00=1",
    "/api/v1/artists/%00/",
]
PAGES = [
    "/?tag=%00",
    "/?artist=%00",
    "/?colour=%00",
    "/tasks/?tag=%00",
    "/leaderboard/?period=%00",
    "/notifications/?page=%00",
    "/moderation/log/?page=%00",
    "/artists/%00/",
    "/curate/?next=%00",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_a_nul_byte_in_an_api_query_is_a_clear_400(url):
    client = APIClient()
    client.force_authenticate(CuratorFactory(username="reader", is_staff=True))
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("url", PAGES)
def test_a_nul_byte_in_a_page_query_is_a_clear_400(client, url):
    client.force_login(CuratorFactory(username="reader", is_staff=True))
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_byte_in_a_form_post_is_a_clear_400(client, open_task, artist, curators):

    work = submitted_work(task=open_task, artist=artist)
    client.force_login(curators[0])
    url = f"/curate/{work.pk}/vote/"
    vote = client.post(url, {"score": "4", "comment": "a\x00"})  # multipart
    assert vote.status_code == 400
    plain = client.post(
        url,
        "score=4&comment=a%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert plain.status_code == 400
    assert not work.votes.exists()
    cast_votes(work, curators, [5, 5, 5])
    fan = UserFactory(username="fan")
    report = report_work(submission=work, reporter=fan, reason="spam")
    hide = client.post(f"/moderation/works/{work.pk}/hide/", {"reason": "\x00"})
    assert hide.status_code == 400
    report.refresh_from_db()
    assert report.state == "open"


def test_a_visitor_gets_the_same_400(client):
    response = client.get("/?tag=%00")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def crafted(values) -> str:
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CRAFTED = {
    "text for a number": ("top", ["high", 1]),
    "text for a moment": ("new", ["yesterday", 1]),
    "number for a moment": ("new", [5, 1]),
    "naive moment": ("new", [{"t": "2026-01-01T00:00:00"}, 1]),
    "no such month": ("new", [{"t": "2026-13-01T00:00:00+00:00"}, 1]),
    "moment for a number": ("top", [{"t": "2026-01-01T00:00:00+00:00"}, 1]),
    "nul in text": ("top", ["\u0000", 1]),
    "nul in an id": ("top", [4.0, "1\u0000"]),
    "huge id": ("popular", [0.5, 10**30]),
    "huge rank": ("discover", [10**30, 1]),
    "infinite id": ("trending", [1.0, 1e999]),
    "fractional id": ("top", [4.0, "1.5"]),
    "nested list": ("top", [[4.0], 1]),
    "null": ("top", [None, 1]),
    "too short": ("top", [4.0]),
    "not a list": ("top", {"a": 1}),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_gallery_cursor_is_a_400_in_the_api(name):
    order, values = CRAFTED[name]
    response = APIClient().get(
        "/api/v1/gallery/", {"order": order, "cursor": crafted(values)}
    )
    assert response.status_code == 400
    assert "first page" in response.json()["detail"]


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_gallery_cursor_sends_the_page_back_to_the_start(client, name):
    order, values = CRAFTED[name]
    response = client.get("/", {"order": order, "cursor": crafted(values)})
    assert response.status_code == 302
    assert response["Location"] == f"/?order={order}"


def test_a_sound_cursor_still_pages(client):
    cursor = crafted([{"t": "2026-01-01T00:00:00+00:00"}, 7])
    assert client.get("/", {"order": "new", "cursor": cursor}).status_code == 200
    response = APIClient().get(
        "/api/v1/gallery/", {"order": "top", "cursor": crafted([3.5, 7])}
    )
    assert response.status_code == 200


ODD_NUMBERS = [
    "/api/v1/gallery/?task=%C2%B2",
    "/api/v1/gallery/?page_size=%C2%B2",
    "/api/v1/gallery/?task=99999999999999999999999",
    "/api/v1/review/next/?skip=%C2%B2,99999999999999999999999",
    "/?task=%C2%B2",
    "/?task=99999999999999999999999",
]


@pytest.mark.parametrize("url", ODD_NUMBERS)
def test_odd_numbers_in_a_query_are_ignored_like_other_junk(url):
    client = APIClient()
    client.force_login(CuratorFactory(username="reader"))
    assert client.get(url).status_code in (200, 204)


def test_a_superscript_score_is_refused_with_a_message(client, open_task, artist):
    work = submitted_work(task=open_task, artist=artist)
    client.force_login(CuratorFactory(username="judge"))
    page = client.post(f"/curate/{work.pk}/vote/", {"score": "²"}, follow=True)
    assert page.status_code == 200
    assert "whole number from 1 to 5" in page.content.decode()
    assert not work.votes.exists()
