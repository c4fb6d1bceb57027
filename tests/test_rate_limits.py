"""Rate limits: 429 with a message and Retry-After, shared by pages and API.

Each test gets its own in-memory cache (tests/conftest.py); the last tests
check the Redis cache that production processes share.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.ratelimit import Rate, hit, hit_all, hit_and_read, peek, undo
from tests.accounts.factories import CuratorFactory, UserFactory

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Set some scopes' rates for one test: `limits(like="2/minute")`."""

    def set_limits(**rates: str) -> None:
        settings.ATELIER_RATE_LIMITS = {
            **settings.ATELIER_RATE_LIMITS,
            **{scope.replace("_", "-"): rate for scope, rate in rates.items()},
        }

    return set_limits


def assert_limited(response, words: str) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()["detail"] if "json" in response["Content-Type"] else ""
    body = body or response.content.decode()
    assert words in body
    assert "try again in" in body


def test_rates_parse_as_written():
    assert Rate.parse("10/minute") == Rate(10, 60)
    assert Rate.parse("5/15minute") == Rate(5, 900)
    assert Rate.parse("600/m") == Rate(600, 60)
    assert Rate.parse("3/hour") == Rate(3, 3600)
    with pytest.raises(ValueError, match="Not a rate"):
        Rate.parse("ten a minute")


def test_hits_over_the_limit_are_refused_and_not_counted():
    rate = Rate(3, 60)
    assert [hit("t", "k", rate=rate) for _ in range(3)] == [None, None, None]
    waits = [hit("t", "k", rate=rate) for _ in range(5)]
    assert all(w is not None and 1 <= w <= 120 for w in waits)
    assert peek("t", "k", rate=rate) is not None
    assert hit("t", "someone-else", rate=rate) is None


def most_in_a_minute(moments: list[float]) -> int:
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moments[start] <= moment - 60:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.mark.parametrize(
    ("every", "tries"),
    [(0.2, 3), (7.3, 200), (59.9, 300)],
    ids=["steady", "bursts", "a-burst-a-minute"],
)
def test_no_minute_lets_through_more_than_the_limit(monkeypatch, every, tries):
    """Hammered for five minutes, steadily or in bursts, no 60 s stretch
    admits more than the limit, and a steady stream gets close to it."""
    clock = [6_000_000.7]
    monkeypatch.setattr("accounts.ratelimit.time.time", lambda: clock[0])
    rate = Rate(100, 60)
    allowed = []
    for step in range(int(300 / every)):
        clock[0] = 6_000_000.7 + step * every
        allowed += [
            clock[0] for _ in range(tries) if hit("burst", "k", rate=rate) is None
        ]
    assert most_in_a_minute(allowed) == 100
    if every < 1:  # a steady stream gets its share: at least 20/21 of the rate
        assert len(allowed) >= 100 * 300 / 60 * 20 / 21 - 10


def test_retry_after_is_when_a_hit_fits_again(monkeypatch):
    clock = [6_000_000.0]
    monkeypatch.setattr("accounts.ratelimit.time.time", lambda: clock[0])
    rate = Rate(3, 60)
    assert [hit("w", "k", rate=rate) for _ in range(3)] == [None] * 3
    wait = hit("w", "k", rate=rate)
    assert 60 <= wait <= 63
    clock[0] += wait - 1
    assert hit("w", "k", rate=rate) is not None
    clock[0] += 1
    assert hit("w", "k", rate=rate) is None


API_WRITES = [
    ("claim", "api:art_tasks:claim-create"),
    ("submit", "api:art_tasks:submission-create"),
    ("vote", "api:curation:vote-cast"),
    ("like", "api:gallery:like"),
    ("report", "api:moderation:report-create"),
]


@pytest.mark.parametrize(("scope", "name"), API_WRITES)
def test_api_writes_past_their_scope_get_429(limits, scope, name):
    limits(**{scope: "2/minute"})
    client = APIClient()
    client.force_authenticate(CuratorFactory())
    url = reverse(name, args=[987654])
    first = [client.post(url, {}).status_code for _ in range(2)]
    assert 429 not in first  # 404s: counted, not refused
    response = client.post(url, {})
    assert_limited(response, "too fast" if scope != "report" else "many reports")
    assert response.json()["code"] == "throttled"
    # Reads of the same endpoint are not part of the write limit.
    if scope == "vote":
        assert client.get(url).status_code != 429


PAGE_WRITES = [
    ("claim", "art_tasks:claim-create"),
    ("submit", "art_tasks:submission-create"),
    ("vote", "curation:vote"),
    ("like", "gallery:like"),
    ("like", "gallery:unlike"),
    ("report", "moderation:report"),
]


@pytest.mark.parametrize(("scope", "name"), PAGE_WRITES)
def test_page_writes_past_their_scope_get_a_429_page(client, limits, scope, name):
    limits(**{scope: "1/minute"})
    client.force_login(CuratorFactory())
    url = reverse(name, args=[987654])
    assert client.post(url).status_code == 404
    response = client.post(url)
    assert_limited(response, "Please try again in")
    assert b"Slow down" in response.content  # the whole page, with the site's menu


def test_htmx_like_past_the_limit_adds_a_message(client, limits):
    limits(like="1/minute")
    client.force_login(UserFactory())
    url = reverse("gallery:like", args=[987654])
    client.post(url, HTTP_HX_REQUEST="true")
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert_limited(response, "You are liking too fast")
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"] == "beforeend"
    assert b"<html" not in response.content


def test_pages_and_api_share_one_count(client, limits):
    limits(like="3/minute")
    user = UserFactory()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    assert client.post(reverse("gallery:like", args=[987654])).status_code == 404
    assert api.post(reverse("api:gallery:like", args=[987654])).status_code == 404
    assert client.post(reverse("gallery:unlike", args=[987654])).status_code == 404
    assert api.delete(reverse("api:gallery:like", args=[987654])).status_code == 429
    assert client.post(reverse("gallery:like", args=[987654])).status_code == 429


def test_limits_count_per_user(client, limits):
    limits(claim="1/minute")
    url = reverse("art_tasks:claim-create", args=[987654])
    client.force_login(UserFactory())
    client.post(url)
    assert client.post(url).status_code == 429
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404


def test_anonymous_api_reads_are_limited_per_address(limits):
    limits(anon="2/minute")
    client = APIClient()
    url = reverse("api:gallery:gallery")
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    assert_limited(client.get(url), "Too many requests")
    other = APIClient(REMOTE_ADDR="10.1.2.3")
    assert other.get(url).status_code == 200


def test_signup_is_limited_per_address(client, limits):
    limits(signup="1/hour")
    url = reverse("accounts:signup")
    client.post(url, {"username": "a"})
    assert client.get(url).status_code == 200  # the form itself stays visible
    assert_limited(client.post(url, {"username": "b"}), "Too many accounts")


# The sign-in page ---------------------------------------------------------


def login(client, username: str, password: str, **extra):
    return client.post(
        reverse("accounts:login"), {"login": username, "password": password}, **extra
    )


def test_login_locks_an_account_after_repeated_wrong_passwords(client, limits):
    limits(login_account="3/15minute", login_ip="100/15minute")
    UserFactory(username="mira")
    assert [login(client, "mira", "wrong").status_code for _ in range(3)] == [200] * 3
    # Locked: even the right password is refused without being checked.
    response = login(client, "Mira", "a-long-test-password")
    assert_limited(response, "Too many failed sign-ins")
    assert "_auth_user_id" not in client.session
    # Other accounts are not locked by it.
    UserFactory(username="noor")
    response = login(client, "noor", "a-long-test-password")
    assert response.status_code == 302


def test_login_locks_an_address_trying_many_accounts(client, limits):
    limits(login_account="100/15minute", login_ip="3/15minute")
    for name in ("a", "b", "c"):
        assert login(client, name, "wrong").status_code == 200
    assert_limited(login(client, "d", "wrong"), "Too many failed sign-ins")
    # Another address still may sign in.
    UserFactory(username="zoe")
    other = login(client, "zoe", "a-long-test-password", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_signing_in_clears_the_accounts_failures(client, limits):
    limits(login_account="3/15minute", login_ip="100/15minute")
    UserFactory(username="ines")
    login(client, "ines", "wrong")
    login(client, "ines", "wrong")
    assert login(client, "ines", "a-long-test-password").status_code == 302
    client.logout()
    assert [login(client, "ines", "wrong").status_code for _ in range(3)] == [200] * 3


# Redis: one count for every process ----------------------------------------


def test_with_redis_url_the_cache_is_redis():
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "set REDIS_URL (make test does)"
    env = {**os.environ, "REDIS_URL": redis_url}
    code = (
        "import django; django.setup(); from django.core.cache import caches; "
        "from django.core.cache.backends.redis import RedisCache; "
        "backend = caches['default']; "
        "print('redis' if isinstance(backend, RedisCache) else type(backend).__name__)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == "redis"
    env.pop("REDIS_URL")
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == "LocMemCache"


def test_two_processes_share_one_count_through_redis():
    assert os.environ.get("REDIS_URL"), "set REDIS_URL (make test does)"
    key = uuid.uuid4().hex
    code = (
        "import django; django.setup(); "
        "from accounts.ratelimit import Rate, hit; "
        f"print(sum(hit('shared', '{key}', rate=Rate(5, 60)) is None "
        "for _ in range(4)))"
    )
    runs = [
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            env=dict(os.environ),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["4", "1"]  # 5 allowed between them, not 5 each


def test_successful_sign_ins_do_not_use_up_the_address(client, limits):
    limits(login_account="3/15minute", login_ip="3/15minute")
    UserFactory(username="kai")
    for _ in range(5):
        assert login(client, "kai", "a-long-test-password").status_code == 302
        client.logout()


@pytest.fixture
def redis_cache(settings):
    """The Redis cache production uses, under keys of this test's own."""
    assert os.environ.get("REDIS_URL"), "set REDIS_URL (make test does)"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def test_on_redis_refused_hits_are_not_counted(redis_cache):
    rate = Rate(3, 60)
    results = [hit("redis-scope", "someone", rate=rate) for _ in range(5)]
    assert results[:3] == [None, None, None]
    assert all(wait is not None and wait >= 1 for wait in results[3:])
    assert peek("redis-scope", "someone", rate=rate) is not None
    undo("redis-scope", "someone", rate=rate)  # one counted hit taken back
    assert peek("redis-scope", "someone", rate=rate) is None
    assert hit("redis-scope", "someone", rate=rate) is None
    assert hit("redis-scope", "someone", rate=rate) is not None
    assert hit("redis-scope", "someone else", rate=rate) is None


def test_on_redis_a_hit_reads_cache_values_in_the_same_call(redis_cache):
    from django.core.cache import cache

    cache.set("answer", {"page": [1, 2]}, 30)
    rate = Rate(1, 60)
    wait, found = hit_and_read("redis-read", "someone", ["answer", "absent"], rate=rate)
    assert (wait, found) == (None, {"answer": {"page": [1, 2]}})
    wait, found = hit_and_read("redis-read", "someone", ["answer"], rate=rate)
    assert wait is not None
    assert wait >= 1
    assert found == {"answer": {"page": [1, 2]}}


@pytest.mark.parametrize("on_redis", [False, True])
def test_several_scopes_are_counted_in_turn_up_to_the_first_refusal(
    settings, limits, on_redis
):
    if on_redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    limits(wide="3/minute", narrow="1/minute")
    both = [("wide", "someone"), ("narrow", "someone")]
    assert hit_all(both) is None
    scope, wait = hit_all(both)  # the wide limit takes it, the narrow refuses
    assert scope == "narrow"
    assert wait >= 1
    assert hit_all(both)[0] == "narrow"
    assert peek("wide", "someone") is not None  # three wide hits counted
    scope, _ = hit_all(both)  # refused by the wide limit: narrow not counted
    assert scope == "wide"
    assert hit_all([("narrow", "someone else"), ("unlimited", "someone")]) is None


def test_an_api_write_refused_by_the_user_limit_is_not_counted_in_its_scope(limits):
    limits(user="2/minute", claim="3/minute")
    client = APIClient()
    user = UserFactory()
    client.force_authenticate(user)
    url = reverse("api:art_tasks:claim-create", args=[987654])
    assert [client.post(url).status_code for _ in range(2)] == [404, 404]
    assert_limited(client.post(url), "Too many requests")
    assert peek("claim", f"user:{user.pk}") is None  # the refused one not counted
