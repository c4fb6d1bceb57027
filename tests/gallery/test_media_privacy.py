"""Submission files are private: every request is checked, hiding is instant.

The public sees the web variants of accepted work only; originals go to
their artist, staff, and curators while the work is in review; nothing of a
submission is under the public /media/ tree.
"""

from __future__ import annotations

import pytest

from rest_framework.test import APIClient

from art_tasks.models import Submission
from moderation.services import hide_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work
from tests.curation.factories import cast_votes

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.fixture
def in_review(open_task, artist):
    return submitted_work(task=open_task, artist=artist, title="Quiet harbour")


@pytest.fixture
def accepted(in_review, curators):
    return cast_votes(in_review, curators, [5, 4, 4])


def test_no_submission_file_is_under_public_media(in_review, media_root, client):
    for field in (in_review.original, in_review.web, in_review.thumbnail):
        assert not (media_root / field.name).exists()
        assert client.get(f"/media/{field.name}").status_code == 404


def test_the_original_is_only_for_the_artist_staff_and_curators_in_review(
    in_review, curators, staff, client
):
    url = in_review.original.url
    assert url.startswith("/files/originals/")
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="stranger"))
    assert client.get(url).status_code == 404
    for person in (in_review.artist, staff, curators[0]):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        with in_review.original.open("rb") as fh:
            assert b"".join(response.streaming_content) == fh.read()
    cast_votes(in_review, curators, [5, 4, 4])  # accepted: out of review
    client.force_login(curators[0])
    assert client.get(url).status_code == 404
    client.force_login(in_review.artist)
    assert client.get(url).status_code == 200


def test_the_api_links_the_original_only_for_those_who_may_fetch_it(accepted, client):
    anonymous = APIClient().get(f"/api/v1/submissions/{accepted.pk}/").json()
    assert anonymous["original"] is None
    assert anonymous["web"].startswith("http://testserver/files/web/")
    assert anonymous["download"] == f"http://testserver/art/{accepted.pk}/download/"
    entry = APIClient().get("/api/v1/gallery/").json()["results"][0]
    assert entry["original"] is None
    own = APIClient()
    own.force_authenticate(accepted.artist)
    mine = own.get(f"/api/v1/submissions/{accepted.pk}/").json()
    assert mine["original"].startswith("http://testserver/files/originals/")
    client.force_login(accepted.artist)
    assert client.get(_path(mine["original"])).status_code == 200


def test_variants_of_work_in_review_are_not_public(in_review, client):
    assert client.get(in_review.web.url).status_code == 404
    assert client.get(in_review.thumbnail.url).status_code == 404
    client.force_login(in_review.artist)
    assert client.get(in_review.web.url).status_code == 200


def test_hiding_a_work_makes_all_its_files_unreachable_at_once(
    accepted, curators, client
):
    web = client.get(accepted.web.url)
    assert web.status_code == 200
    assert web["Content-Type"] == "image/webp"
    assert "no-cache" in web["Cache-Control"]
    etag = web["ETag"]
    revalidated = client.get(accepted.web.url, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304
    assert client.get(accepted.thumbnail.url).status_code == 200
    assert client.get(f"/art/{accepted.pk}/download/").status_code == 200
    hide_work(submission=accepted, actor=curators[0], reason="Reported: not theirs")
    for url in (
        accepted.web.url,
        accepted.thumbnail.url,
        accepted.original.url,
        f"/art/{accepted.pk}/download/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404, url
    client.force_login(accepted.artist)  # the artist still sees their work
    assert client.get(accepted.web.url).status_code == 200


def test_rejected_work_files_are_not_public(in_review, curators, client):
    rejected = cast_votes(in_review, curators, [1, 2, 1])
    assert rejected.state == Submission.State.REJECTED
    assert client.get(rejected.web.url).status_code == 404
    assert client.get(f"/art/{rejected.pk}/download/").status_code == 404
    client.force_login(curators[0])  # out of review: no original for curators
    assert client.get(rejected.original.url).status_code == 404
    assert client.get(f"/art/{rejected.pk}/download/").status_code == 404


def test_unknown_or_crafted_file_names_are_not_found(accepted, client):
    assert client.get("/files/originals/../web/x.webp").status_code == 404
    assert client.get("/files/elsewhere/x.png").status_code == 404
    assert client.get("/files/web/00/" + "0" * 64 + ".webp").status_code == 404


def test_the_file_view_can_hand_over_to_nginx(accepted, client, settings):
    settings.ATELIER_PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    response = client.get(accepted.web.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{accepted.web.name}"
    assert response.content == b""
