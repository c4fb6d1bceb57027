"""A full task answers a storm of API claims from the cache (`claim_gate`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.test import Client
from django.utils import timezone

from accounts.services import issue_token
from art_tasks.models import Claim
from art_tasks.services import claim_task, release_claim
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory

pytestmark = pytest.mark.django_db

FULL = (
    "All 1 slots of this task are taken. "
    "Try again later: slots free up when claims are released or expire."
)


def _token_client(username: str) -> Client:
    secret = issue_token(user=UserFactory(username=username)).secret
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


def _claim(client: Client, task) -> object:  # noqa: ANN001
    return client.post(f"/api/v1/tasks/{task.pk}/claim/")


def test_after_one_refusal_the_next_claims_on_a_full_task_cost_no_query(
    django_assert_num_queries,
):
    task = OpenTaskFactory(slots=1)
    claim_task(task=task, user=UserFactory(username="holder"))
    first = _claim(_token_client("first"), task)
    assert first.status_code == 409
    late = _token_client("late")
    with django_assert_num_queries(0):
        response = _claim(late, task)
    assert response.status_code == 409
    assert response.json() == {"detail": FULL, "code": "claim_limit_reached"}
    assert task.claims.count() == 1


def test_a_released_slot_is_offered_at_once_despite_the_note():
    task = OpenTaskFactory(slots=1)
    holder = UserFactory(username="holder")
    claim = claim_task(task=task, user=holder)
    assert _claim(_token_client("first"), task).status_code == 409
    release_claim(claim=claim, user=holder)
    response = _claim(_token_client("next"), task)
    assert response.status_code == 201
    assert Claim.objects.get(pk=response.json()["id"]).contributor.username == "next"


def test_a_signed_in_page_session_is_answered_from_the_note_too():
    task = OpenTaskFactory(slots=1)
    claim_task(task=task, user=UserFactory(username="holder"))
    assert _claim(_token_client("first"), task).status_code == 409
    browser = Client()
    browser.force_login(UserFactory(username="browser"))
    response = _claim(browser, task)
    assert response.status_code == 409
    assert response.json()["detail"] == FULL


def test_a_claim_without_credentials_still_hears_it_must_sign_in():
    task = OpenTaskFactory(slots=1)
    claim_task(task=task, user=UserFactory(username="holder"))
    assert _claim(_token_client("first"), task).status_code == 409
    assert _claim(Client(), task).status_code in (401, 403)


def test_no_note_outlives_the_moment_a_live_claim_ends():
    """A claim ending within the second leaves nothing noted: a slot frees then."""
    from django.core.cache import cache

    task = OpenTaskFactory(slots=1)
    claim = claim_task(task=task, user=UserFactory(username="holder"))
    Claim.objects.filter(pk=claim.pk).update(
        expires_at=timezone.now() + timedelta(milliseconds=500)
    )
    assert _claim(_token_client("first"), task).status_code == 409
    assert cache.get(f"claim-full:{task.pk}") is None


def test_a_refusal_for_a_full_task_notes_its_message_for_the_next_claims():
    from django.core.cache import cache

    task = OpenTaskFactory(slots=1)
    claim_task(task=task, user=UserFactory(username="holder"))  # 2 hours left
    assert _claim(_token_client("first"), task).status_code == 409
    assert cache.get(f"claim-full:{task.pk}") == FULL
