"""The gallery API's shared anonymous page: what clients and proxies see.

A signed-out read is answered from the shared cache with an ETag and
``Cache-Control: public``; a signed-in one (session or token) never is.
The anonymous limit still counts every read, cached or not.
"""

import os
import uuid

import pytest

from rest_framework.test import APIClient

from accounts.services.tokens import issue_token
from gallery.services import like_work
from moderation.services import hide_work
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/gallery/"


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """Each test on the in-memory cache and on Redis (as production runs)."""
    if request.param == "redis":
        assert os.environ.get("REDIS_URL"), "set REDIS_URL (make test does)"
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    return request.param


@pytest.fixture
def anon_limit(settings):
    def set_limit(rate: str) -> None:
        settings.ATELIER_RATE_LIMITS = {**settings.ATELIER_RATE_LIMITS, "anon": rate}

    return set_limit


def titles(response) -> list[str]:
    return [work["title"] for work in response.json()["results"]]


def test_an_anonymous_page_is_public_with_an_etag(any_cache, accepted_work):
    accepted_work("harbour lights")
    first = APIClient().get(URL)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert first["Cache-Control"] == "public, max-age=30"
    vary = {v.strip() for v in first["Vary"].split(",")}
    assert {"Accept", "Cookie", "Authorization"} <= vary
    etag = first["ETag"]
    again = APIClient().get(URL)
    assert (again["ETag"], again.content) == (etag, first.content)

    unchanged = APIClient().get(URL, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert unchanged["Cache-Control"] == "public, max-age=30"
    other = APIClient().get(URL, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200
    assert titles(other) == ["harbour lights"]


def test_a_hidden_work_changes_the_etag_at_once(
    any_cache, staff, accepted_work, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        work = accepted_work("soon hidden")
        accepted_work("stays")
    etag = APIClient().get(URL)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        hide_work(submission=work, actor=staff, reason="Reported as a copy.")
    after = APIClient().get(URL, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert titles(after) == ["stays"]
    assert after["ETag"] != etag


def test_the_anonymous_limit_counts_cached_reads(any_cache, anon_limit, accepted_work):
    accepted_work("popular")
    anon_limit("3/minute")
    client = APIClient()
    etag = client.get(URL)["ETag"]  # 1: builds the cached page
    assert client.get(URL).status_code == 200  # 2: from the cache
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304  # 3
    refused = client.get(URL)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["code"] == "throttled"
    assert "try again in" in refused.json()["detail"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 429
    # Another address has its own count.
    assert client.get(URL, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_signed_in_viewers_never_get_the_shared_page(any_cache, accepted_work):
    work = accepted_work("liked by one")
    fan = UserFactory(username="the-fan")
    like_work(submission=work, user=fan)
    anonymous = APIClient().get(URL)  # cached for everyone signed out
    assert [w["liked"] for w in anonymous.json()["results"]] == [False]

    by_session = APIClient()
    by_session.force_login(fan)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=fan).secret}")
    for client in (by_session, by_token):
        response = client.get(URL, HTTP_IF_NONE_MATCH=anonymous["ETag"])
        assert response.status_code == 200
        assert [w["liked"] for w in response.json()["results"]] == [True]
        assert "ETag" not in response
        assert "public" not in response.get("Cache-Control", "")


def test_every_anonymous_route_gives_the_same_json(any_cache, accepted_work):
    accepted_work("one")
    accepted_work("two")
    plain = APIClient().get(URL)
    # A stale session cookie, or asking for JSON by name, goes through DRF.
    stale = APIClient()
    stale.cookies["sessionid"] = "no-such-session"
    for response in (
        stale.get(URL),
        APIClient().get(URL, HTTP_ACCEPT="application/json"),
        APIClient().get(URL, HTTP_ACCEPT="application/json; indent=0"),
    ):
        assert response.status_code == 200
        assert response.json() == plain.json()
    assert stale.get(URL)["ETag"] == plain["ETag"]
    browsable = APIClient().get(URL, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert browsable["Content-Type"].startswith("text/html")


def test_bad_input_on_the_anonymous_path_is_a_clear_400(any_cache, accepted_work):
    accepted_work("one")
    response = APIClient().get(URL + "?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "start from the first page" in response.json()["detail"]
    assert "public" not in response.get("Cache-Control", "")
