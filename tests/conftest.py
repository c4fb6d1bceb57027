"""Fixtures shared by the whole suite.

Tests run against PostgreSQL (DATABASE_URL, set by `make test`); media go to
a temporary folder per test (public media and private submission files
side by side).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from tests.images import png_bytes

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# calls from that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_cache(settings, request):
    """Each test counts rate limits from zero, in a cache of its own.

    (The Redis cache shares its database with Celery's broker, so it is not
    flushed between tests; tests/test_rate_limits.py checks Redis itself.)
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        },
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions:" + request.node.nodeid,
        },
    }


@pytest.fixture(autouse=True)
def view_counter(settings, request):
    """Count each test's page views under Redis keys of its own."""
    import uuid

    settings.ATELIER_VIEWS_KEY = f"test-views:{uuid.uuid4().hex}"
    yield settings.ATELIER_VIEWS_KEY
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{settings.ATELIER_VIEWS_KEY}:*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def make_png():
    return png_bytes


@pytest.fixture
def staff(db):
    from tests.accounts.factories import UserFactory

    return UserFactory(username="staffer", is_staff=True)


@pytest.fixture
def curators(db):
    from tests.accounts.factories import CuratorFactory

    return [CuratorFactory(username=f"curator{i}") for i in range(1, 4)]


@pytest.fixture
def artist(db):
    from tests.accounts.factories import UserFactory

    return UserFactory(username="artist")


@pytest.fixture
def open_task(db, staff):
    from tests.art_tasks.factories import OpenTaskFactory

    return OpenTaskFactory(created_by=staff, slots=5, claim_ttl=timedelta(hours=2))


@pytest.fixture
def roomy_task(db, staff):
    """An open task with room for many contributors."""
    from tests.art_tasks.factories import OpenTaskFactory

    return OpenTaskFactory(created_by=staff, title="Roomy", slots=200)


@pytest.fixture
def accepted_work(roomy_task, curators):
    """Build decided works: `accepted_work("title", [4, 4, 4], artist=...)`."""
    from tests.accounts.factories import UserFactory
    from tests.curation.factories import decided_work

    def build(title: str, scores=(4, 4, 4), *, artist=None, task=None):
        artist = artist or UserFactory(username=f"by-{title}".lower()[:30])
        return decided_work(
            task=task or roomy_task,
            artist=artist,
            title=title,
            curators=curators,
            scores=scores,
        )

    return build


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process when their on-commit dispatch fires.

    For tests (and the browser tests' live server) that follow work through
    its Celery tasks without a worker.
    """
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
