"""The replica router: safe requests read from `replica`, writes and what follows
them from `default`, migrations only on `default`.

The replica here is a second connection alias to the same test database, as
with DATABASE_REPLICA_URL pointing at the primary (and TEST MIRROR).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from config.db_router import PrimaryReplicaRouter, ReplicaReadsMiddleware
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A `replica` alias on the test database, mirrored as in settings.

    Module-scoped, so it exists before a test's database fixtures are set up.
    """
    connections.settings["replica"] = {
        **connections["default"].settings_dict,
        "TEST": {**connections["default"].settings_dict["TEST"], "MIRROR": "default"},
    }
    yield
    connections["replica"].close()
    del connections.settings["replica"]
    if hasattr(connections._connections, "replica"):
        delattr(connections._connections, "replica")


@pytest.fixture
def replica(replica_alias, settings):
    """The router switched on, as DATABASE_REPLICA_URL does."""
    settings.DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
    return connections["replica"]


with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


@with_replica
def test_a_get_reads_from_the_replica(replica, client):
    OpenTaskFactory(title="Read from the copy", created_by=UserFactory())
    with queries("default") as primary, queries("replica") as copy:
        response = client.get("/api/v1/tasks/")
    assert response.status_code == 200, response.content
    assert "Read from the copy" in response.content.decode()
    assert len(copy) > 0
    assert len(primary) == 0


@with_replica
def test_an_unsafe_request_reads_and_writes_on_the_primary(replica, client):
    UserFactory(username="ada", password="a long pass phrase")  # noqa: S106
    with queries("default") as primary, queries("replica") as copy:
        response = client.post(
            "/api/v1/auth/token/",
            {"username": "ada", "password": "a long pass phrase"},
        )
    assert response.status_code in (200, 201), response.content
    assert len(primary) > 0
    assert len(copy) == 0


@with_replica
def test_after_a_write_the_rest_of_the_request_reads_from_the_primary(replica):
    seen = {}

    def view(request):
        with queries("default") as before, queries("replica") as copy:
            User.objects.filter(username="ada").exists()
        seen["first read"] = ("replica" if copy else "default", len(before))
        UserFactory(username="bea")
        with queries("default") as primary, queries("replica") as copy:
            seen["read back"] = User.objects.filter(username="bea").exists()
        seen["after write"] = ("replica" if copy else "default", len(primary))
        return None

    class Request:
        method = "GET"

    ReplicaReadsMiddleware(view)(Request())
    assert seen["first read"] == ("replica", 0)
    assert seen["read back"] is True
    assert seen["after write"] == ("default", 1)
    # Outside a request (workers, beat, commands) reads stay on the primary.
    assert router.db_for_read(User) == "default"


@with_replica
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    class Request:
        method = "HEAD"

    def view(request):
        with transaction.atomic():
            return router.db_for_read(User)

    assert ReplicaReadsMiddleware(view)(Request()) == "default"
    assert ReplicaReadsMiddleware(lambda r: router.db_for_read(User))(Request()) == (
        "replica"
    )


def test_relations_between_aliases_are_allowed_and_migrations_run_on_default():
    rules = PrimaryReplicaRouter()
    ada, bea = User(username="ada"), User(username="bea")
    ada._state.db, bea._state.db = "default", "replica"
    assert rules.allow_relation(ada, bea) is True
    assert rules.allow_migrate("default", "gallery") is True
    assert rules.allow_migrate("replica", "gallery") is False


def test_database_replica_url_adds_the_alias_and_the_router():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "r = settings.DATABASES['replica']; "
        "print(r['NAME'], r['HOST'], r['TEST']['MIRROR'], settings.DATABASE_ROUTERS, "
        "settings.DATABASES['default']['CONN_MAX_AGE'], "
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "postgres://atelier@primary.internal:5432/atelier",
        "DATABASE_REPLICA_URL": "postgres://atelier@replica.internal:5432/atelier",
    }
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.split() == [
        "atelier",
        "replica.internal",
        "default",
        "['config.db_router.PrimaryReplicaRouter']",
        "60",
        "True",
    ], run.stderr
