"""Schemathesis fuzzes every operation of /api/schema/ in-process.

Each operation is called with generated valid and invalid input as an
anonymous visitor, as a contributor with an API token and as a moderator
(staff and curator, also with a token), against a database holding an open
task with seeds, an accepted work, a work in review with the contributor's
claim, a report and a published collection. Every response must be a
non-5xx status the schema documents, with a content type and body that
match it.

Path ids are mostly mapped onto the rows built here (one in five onto a row
that does not exist), so operations reach real objects instead of answering
404 to random integers. Everything runs in one rolled-back transaction per
operation and identity; on-commit work (Celery dispatch) never runs, so no
operation needs excluding.

Bounded by `FUZZ_EXAMPLES` inputs per operation (default 12): one to two
minutes on two cores. Run only these with `pytest -m fuzz`, skip them with
`-m "not fuzz"`.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from django.core.cache import cache

from config.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# The same inputs on every run, so CI is stable; FUZZ_RANDOM=1 explores anew.
DETERMINISTIC = not os.environ.get("FUZZ_RANDOM")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MISSING = 2_000_000_000

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
schema.config.generation.update(
    max_examples=EXAMPLES, deterministic=DETERMINISTIC, database="none"
)


@pytest.fixture
def world(open_task, curators, staff):
    """The rows the fuzzer's path ids are mapped onto, and a token."""
    from django.test import Client

    from gallery.services import add_to_collection, create_collection
    from moderation.models import Report
    from tests.accounts.factories import CuratorFactory, UserFactory
    from tests.art_tasks.factories import TaskFactory, submitted_work
    from tests.curation.factories import decided_work
    from tests.generation.factories import GenerationJobFactory
    from tests.moderation.factories import ReportFactory

    cache.clear()  # a fresh throttle window for each operation
    contributor = UserFactory(username="fuzzer")
    moderator = CuratorFactory(username="moderator", is_staff=True)
    painter = UserFactory(username="painter")
    accepted = decided_work(
        task=open_task, artist=painter, curators=curators, scores=[5, 4, 4]
    )
    in_review = submitted_work(task=open_task, artist=contributor, title="In review")
    claim = open_task.claims.filter(contributor=contributor).first()
    report = ReportFactory(
        submission=accepted, reporter=contributor, reason=Report.Reason.SPAM
    )
    draft = TaskFactory(created_by=staff, title="Draft")
    job = GenerationJobFactory(task=open_task, total=2, done=2)
    collection = create_collection(by=staff, title="Fuzz", published=True)
    add_to_collection(collection=collection, by=staff, submission=accepted)
    tokens = {"anonymous": None}
    for name, user in [("contributor", contributor), ("moderator", moderator)]:
        response = Client().post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": "a-long-test-password"},
        )
        assert response.status_code == 200, response.content
        tokens[name] = response.json()["token"]
    seeds = list(open_task.seeds.values_list("pk", flat=True))
    return {
        "tokens": tokens,
        "ids": {
            "tasks": [open_task.pk, draft.pk],
            "claims": [claim.pk] if claim else [],
            "submissions": [accepted.pk, in_review.pk],
            "seeds": seeds,
            "generation-jobs": [job.pk],
            "reports": [report.pk],
        },
        "usernames": [contributor.username, painter.username, moderator.username],
        "slugs": [collection.slug],
    }


def _map_onto_world(case, world) -> None:
    """Point most generated path ids at real rows; one in five at a missing one."""
    params = case.path_parameters or {}
    if "id" in params and isinstance(params["id"], int):
        pool = world["ids"].get(case.path.split("/")[3]) or [MISSING]
        number = abs(params["id"])
        params["id"] = MISSING if number % 5 == 0 else pool[number % len(pool)]
    if "username" in params and isinstance(params["username"], str):
        pool = world["usernames"]
        params["username"] = pool[len(params["username"]) % len(pool)]
    if "slug" in params and isinstance(params["slug"], str):
        pool = [*world["slugs"], "no-such-collection"]
        params["slug"] = pool[len(params["slug"]) % len(pool)]


@pytest.fixture
def keep_test_connection(world):
    """Like Django's test client, keep requests from closing the test's transaction.

    After `world`, whose test client reconnects the signal when it is done.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "contributor", "moderator"])
def identity(request):
    return request.param


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_documented(case, world, identity, keep_test_connection):
    _map_onto_world(case, world)
    token = world["tokens"][identity]
    headers = {"Authorization": f"Token {token}"} if token else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
