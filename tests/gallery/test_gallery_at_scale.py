"""The gallery's shared caches and fast cards: what a visitor would notice."""

import pytest

from rest_framework.test import APIClient

from gallery.api import GalleryWorkOutput
from gallery.selectors import GalleryQuery, gallery_filter_choices, gallery_page
from gallery.services import like_work
from moderation.services import hide_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work

pytestmark = pytest.mark.django_db


def _choices(client) -> tuple[list[str], list[str]]:
    context = client.get("/").context
    return [t["name"] for t in context["tags"]], [t["title"] for t in context["tasks"]]


def test_filter_choices_list_only_tasks_and_tags_with_accepted_work(
    client, staff, roomy_task, accepted_work, artist, django_capture_on_commit_callbacks
):
    roomy_task.tags.create(name="harbour")
    quiet = OpenTaskFactory(created_by=staff, title="Quiet task")
    quiet.tags.create(name="silence")
    submitted_work(artist=artist, task=quiet, title="still in review")
    assert _choices(client) == ([], [])
    with django_capture_on_commit_callbacks(execute=True):
        work = accepted_work("harbour lights")
    # The page's choices are shared, and forgotten when a work is accepted.
    assert _choices(client) == (["harbour"], [roomy_task.title])
    with django_capture_on_commit_callbacks(execute=True):
        hide_work(submission=work, actor=staff, reason="Reported as a copy.")
    assert _choices(client) == ([], [])
    assert gallery_filter_choices() == {"tags": [], "tasks": []}


def test_the_shared_api_page_never_carries_a_viewers_likes(accepted_work):
    work = accepted_work("liked by one")
    fan = UserFactory(username="the-fan")
    like_work(submission=work, user=fan)
    signed_in = APIClient()
    signed_in.force_authenticate(fan)

    def liked(client) -> list[bool]:
        return [w["liked"] for w in client.get("/api/v1/gallery/").json()["results"]]

    assert liked(signed_in) == [True]
    assert liked(APIClient()) == [False]  # cached now
    assert liked(signed_in) == [True]
    assert liked(APIClient()) == [False]


def test_a_hidden_work_leaves_the_cached_api_page_at_once(
    staff, accepted_work, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        work = accepted_work("soon hidden")
        accepted_work("stays")

    def titles() -> list[str]:
        results = APIClient().get("/api/v1/gallery/?order=new").json()["results"]
        return sorted(w["title"] for w in results)

    assert titles() == ["soon hidden", "stays"]
    with django_capture_on_commit_callbacks(execute=True):
        hide_work(submission=work, actor=staff, reason="Reported as a copy.")
    assert titles() == ["stays"]


@pytest.mark.parametrize("who", ["anonymous", "artist", "staff", "stranger"])
def test_api_cards_match_the_documented_serializer(
    who, staff, accepted_work, artist, rf
):
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    work = accepted_work("card", artist=artist)
    like_work(submission=work, user=staff)
    viewer = {
        "anonymous": AnonymousUser(),
        "artist": artist,
        "staff": staff,
        "stranger": UserFactory(username="stranger"),
    }[who]
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(viewer)
    cards = client.get("/api/v1/gallery/").json()["results"]
    request = Request(rf.get("/api/v1/gallery/"))
    request.user = viewer
    page = gallery_page(query=GalleryQuery(), viewer=viewer)
    expected = GalleryWorkOutput(
        page.items, many=True, context={"request": request}
    ).data
    assert cards == [dict(card) for card in expected]
    assert (cards[0]["original"] is not None) == (who in ("artist", "staff"))
