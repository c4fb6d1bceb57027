"""Named API tokens: issue, list, rotate, revoke; the token endpoint's limits."""

from __future__ import annotations

import pytest

from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def with_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_token_is_shown_once_and_stored_only_as_a_hash(artist):
    response = session(artist).post("/api/v1/me/tokens/", {"name": "uploader"})
    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert secret.startswith("atl_")
    assert secret.startswith(body["prefix"])
    token = ApiToken.objects.get(pk=body["id"])
    assert secret not in {token.key_hash, token.prefix}
    listed = session(artist).get("/api/v1/me/tokens/").json()
    assert [t["name"] for t in listed] == ["uploader"]
    assert "token" not in listed[0]
    assert with_token(secret).get("/api/v1/me/").json()["username"] == "artist"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_rotating_a_token_stops_the_old_secret(artist):
    old = session(artist).post("/api/v1/me/tokens/", {"name": "ci"}).json()
    new = session(artist).post(f"/api/v1/me/tokens/{old['id']}/rotate/").json()
    assert new["id"] == old["id"]
    assert new["token"] != old["token"]
    refused = with_token(old["token"]).get("/api/v1/me/")
    assert refused.status_code == 403
    assert "revoked or rotated" in refused.json()["detail"]
    assert with_token(new["token"]).get("/api/v1/me/").status_code == 200


def test_revoking_a_token_stops_it(artist):
    made = session(artist).post("/api/v1/me/tokens/", {"name": "ci"}).json()
    assert session(artist).delete(f"/api/v1/me/tokens/{made['id']}/").status_code == 204
    assert with_token(made["token"]).get("/api/v1/me/").status_code == 403
    assert session(artist).get("/api/v1/me/tokens/").json() == []


def test_nobody_touches_another_persons_tokens(artist):
    made = session(artist).post("/api/v1/me/tokens/", {"name": "ci"}).json()
    other = session(UserFactory(username="other"))
    assert other.delete(f"/api/v1/me/tokens/{made['id']}/").status_code == 404
    assert other.post(f"/api/v1/me/tokens/{made['id']}/rotate/").status_code == 404
    assert other.get("/api/v1/me/tokens/").json() == []
    assert with_token(made["token"]).get("/api/v1/me/").status_code == 200


def test_tokens_are_capped_per_person(artist, settings):
    settings.ATELIER_MAX_API_TOKENS = 2
    client = session(artist)
    for name in ("a", "b"):
        assert client.post("/api/v1/me/tokens/", {"name": name}).status_code == 201
    refused = client.post("/api/v1/me/tokens/", {"name": "c"})
    assert refused.status_code == 403
    assert "Revoke one" in refused.json()["detail"]


def test_the_token_endpoint_issues_a_named_token_by_username_or_email(artist):
    for login in ("artist", "artist@example.test"):
        response = APIClient().post(
            "/api/v1/auth/token/",
            {"username": login, "password": PASSWORD, "name": "laptop"},
        )
        assert response.status_code == 200
        assert (
            with_token(response.json()["token"]).get("/api/v1/me/").status_code == 200
        )
    assert list(artist.api_tokens.values_list("name", flat=True)) == ["laptop"] * 2


def test_the_token_endpoint_refuses_an_unconfirmed_address():
    UserFactory(username="newbie", verified_email=False)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "newbie", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.json()["detail"]


def test_the_token_endpoint_is_limited_per_account(artist, settings):
    settings.ATELIER_TOKEN_RATE_ACCOUNT = "3/minute"
    for i in range(3):
        client = APIClient(REMOTE_ADDR=f"10.0.0.{i}")
        client.post("/api/v1/auth/token/", {"username": "artist", "password": "x"})
    response = APIClient(REMOTE_ADDR="10.0.0.9").post(
        "/api/v1/auth/token/", {"username": "ARTIST", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    other = APIClient(REMOTE_ADDR="10.0.0.9").post(
        "/api/v1/auth/token/", {"username": "someone", "password": "x"}
    )
    assert other.status_code == 403  # another account is not held up


def test_the_token_endpoint_is_limited_per_address(artist, settings):
    settings.ATELIER_TOKEN_RATE_IP = "3/minute"
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    for name in ("a", "b", "c"):
        client.post("/api/v1/auth/token/", {"username": name, "password": "x"})
    response = client.post(
        "/api/v1/auth/token/", {"username": "artist", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Retry-After" in response
    cache.clear()
    assert (
        client.post(
            "/api/v1/auth/token/", {"username": "artist", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_the_tokens_page_lists_makes_rotates_and_revokes(client, artist):
    client.force_login(artist)
    made = client.post("/settings/tokens/", {"name": "my script"})
    assert made.status_code == 200
    secret = made.context["secret"]
    assert secret.encode() in made.content
    token = artist.api_tokens.get()
    page = client.get("/settings/tokens/")
    assert b"my script" in page.content
    assert secret.encode() not in page.content
    rotated = client.post(f"/settings/tokens/{token.pk}/rotate/")
    assert rotated.context["secret"] != secret
    assert with_token(secret).get("/api/v1/me/").status_code == 403
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert not artist.api_tokens.exists()


def test_staff_see_tokens_in_the_admin_without_secrets(client, artist):
    made = session(artist).post("/api/v1/me/tokens/", {"name": "ci"}).json()
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/accounts/apitoken/")
    assert page.status_code == 200
    assert made["prefix"].encode() in page.content
    assert made["token"].encode() not in page.content
    assert client.get("/admin/accounts/sentmail/").status_code == 200


@pytest.mark.parametrize("body", [[], ["ada"], {"username": ["ada"], "password": "x"}])
def test_a_token_request_of_the_wrong_shape_is_a_400(body):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_still_notes_when_its_token_was_used():
    """`last_used_at` is written on first use, outside any transaction."""
    from django.db import connection

    from accounts.services.tokens import issue_token
    from art_tasks.services import claim_task
    from tests.art_tasks.factories import OpenTaskFactory

    issued = issue_token(user=UserFactory(username="late"), name="claims")
    task = OpenTaskFactory(slots=1)
    claim_task(task=task, user=UserFactory(username="early"))
    response = with_token(issued.secret).post(f"/api/v1/tasks/{task.pk}/claim/")
    assert response.status_code == 409
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.last_used_at is not None
    first = token.last_used_at
    with_token(issued.secret).get("/api/v1/me/")  # within the minute: no write
    token.refresh_from_db()
    assert token.last_used_at == first
    with connection.cursor() as cursor:  # the setting stayed in its transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
