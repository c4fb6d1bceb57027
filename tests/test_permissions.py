"""Who may publish, claim, submit, vote and see what, through the API."""

import pytest

from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from art_tasks.services import claim_task
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import TaskFactory, submitted_work

pytestmark = pytest.mark.django_db

TASK = {
    "title": "Dunes",
    "brief": "Sand.",
    "style": "nebula",
    "seed_count": 2,
    "image_size": 64,
    "slots": 3,
}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_visitors_browse_tasks_gallery_and_artists_without_signing_in(
    open_task, artist
):
    anon = client_for()
    assert anon.get("/api/v1/tasks/").status_code == 200
    assert anon.get(f"/api/v1/tasks/{open_task.pk}/").status_code == 200
    assert anon.get("/api/v1/gallery/").status_code == 200
    assert anon.get(f"/api/v1/artists/{artist.username}/").status_code == 200
    for path in [
        "/",
        "/tasks/",
        f"/tasks/{open_task.pk}/",
        f"/artists/{artist.username}/",
    ]:
        assert anon.get(path).status_code == 200, path


def test_visitors_cannot_claim_submit_or_vote(open_task):
    anon = client_for()
    assert anon.post(f"/api/v1/tasks/{open_task.pk}/claim/").status_code in (401, 403)
    assert anon.post("/api/v1/submissions/1/votes/", {"score": 5}).status_code in (
        401,
        403,
    )
    assert anon.get("/studio/").status_code == 302  # to the sign-in page


def test_only_staff_publish_tasks(staff, artist, curators):
    assert (
        client_for(artist).post("/api/v1/tasks/", TASK, format="json").status_code
        == 403
    )
    assert (
        client_for(curators[0]).post("/api/v1/tasks/", TASK, format="json").status_code
        == 403
    )
    assert client_for().post("/api/v1/tasks/", TASK, format="json").status_code in (
        401,
        403,
    )
    response = client_for(staff).post("/api/v1/tasks/", TASK, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "generating"
    assert client_for(artist).get("/staff/publish/").status_code == 302


def test_a_signed_in_contributor_claims_and_sees_the_refusal_when_full(open_task):
    for i in range(open_task.slots):
        claim_task(task=open_task, user=UserFactory(username=f"h{i}"))
    response = client_for(UserFactory(username="late")).post(
        f"/api/v1/tasks/{open_task.pk}/claim/"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "claim_limit_reached"
    assert "slots" in response.json()["detail"]


def test_only_the_claim_holder_submits(open_task, artist, make_png):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = claim_task(task=open_task, user=artist)
    response = client_for(UserFactory(username="thief")).post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": open_task.seeds.first().pk,
            "title": "x",
            "license": "CC0-1.0",
            "image": SimpleUploadedFile("a.png", make_png()),
        },
        format="multipart",
    )
    assert response.status_code == 403
    assert "Only the person holding a claim" in response.json()["detail"]


def test_only_curators_vote_and_never_on_their_own_work(open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist)
    url = f"/api/v1/submissions/{work.pk}/votes/"
    denied = client_for(UserFactory(username="fan")).post(url, {"score": 5})
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_a_curator"
    assert client_for(artist).post(url, {"score": 5}).status_code == 403
    ok = client_for(curators[0]).post(url, {"score": 4, "comment": "Strong colour."})
    assert ok.status_code == 201
    # A second cast changes the curator's vote (until the decision).
    again = client_for(curators[0]).post(url, {"score": 3})
    assert again.status_code == 200
    assert again.json()["score"] == 3
    assert again.json()["comment"] == "Strong colour."
    bad = client_for(curators[1]).post(url, {"score": 9})
    assert bad.status_code == 400
    assert "score" in bad.json()["detail"]


def test_work_in_review_is_visible_to_its_artist_and_curators_only(
    open_task, artist, curators
):
    work = submitted_work(task=open_task, artist=artist)
    url = f"/api/v1/submissions/{work.pk}/"
    assert client_for().get(url).status_code == 404
    assert client_for(UserFactory(username="other")).get(url).status_code == 404
    assert client_for(artist).get(url).status_code == 200
    assert client_for(curators[0]).get(url).status_code == 200
    assert client_for().get(f"/art/{work.pk}/").status_code == 404


def test_draft_tasks_are_hidden_from_everyone_but_staff(staff, artist):
    draft = TaskFactory(created_by=staff, state=CreationTask.State.DRAFT)
    assert client_for(artist).get(f"/api/v1/tasks/{draft.pk}/").status_code == 404
    assert client_for(staff).get(f"/api/v1/tasks/{draft.pk}/").status_code == 200


def test_the_review_queue_is_for_curators(artist, curators):
    assert client_for(artist).get("/api/v1/review/next/").status_code == 403
    assert client_for(curators[0]).get("/api/v1/review/next/").status_code == 204
    page = APIClient()
    page.force_login(artist)
    assert page.get("/curate/").status_code == 403


def test_token_auth_works_for_api_clients(artist):
    anon = client_for()
    bad = anon.post("/api/v1/auth/token/", {"username": "artist", "password": "nope"})
    assert bad.status_code == 403
    token = anon.post(
        "/api/v1/auth/token/",
        {"username": "artist", "password": "a-long-test-password"},
    ).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "artist"
