"""Claiming, releasing and expiring claims, including a claim storm."""

import threading
from datetime import timedelta

import pytest

from django.db import connection
from django.utils import timezone

from art_tasks import selectors as task_selectors
from art_tasks.errors import (
    AlreadyClaimed,
    ClaimLimitReached,
    NotYourClaim,
    TaskNotOpen,
)
from art_tasks.models import Claim, CreationTask
from art_tasks.services import claim_task, expire_claims, release_claim
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import ClaimFactory, OpenTaskFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_claim_gives_an_active_claim_ending_after_the_task_time_limit(
    open_task, artist
):
    before = timezone.now()
    claim = claim_task(task=open_task, user=artist)
    assert claim.state == Claim.State.ACTIVE
    assert claim.expires_at >= before + open_task.claim_ttl


def test_claim_is_refused_when_the_person_already_holds_one(open_task, artist):
    claim_task(task=open_task, user=artist)
    with pytest.raises(AlreadyClaimed, match="already hold a claim"):
        claim_task(task=open_task, user=artist)
    assert Claim.objects.filter(task=open_task, contributor=artist).count() == 1


def test_claim_is_refused_when_all_slots_are_taken(open_task):
    for i in range(open_task.slots):
        claim_task(task=open_task, user=UserFactory(username=f"c{i}"))
    with pytest.raises(ClaimLimitReached, match="All 5 slots of this task are taken"):
        claim_task(task=open_task, user=UserFactory(username="late"))


def test_an_expired_claim_frees_its_slot_before_any_cleanup_runs(open_task):
    for i in range(open_task.slots - 1):
        claim_task(task=open_task, user=UserFactory(username=f"c{i}"))
    ClaimFactory(
        task=open_task,
        claimed_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    claim = claim_task(task=open_task, user=UserFactory(username="newcomer"))
    assert claim.state == Claim.State.ACTIVE


def test_the_task_list_counts_the_claims_that_hold_a_slot(open_task):
    """Submitted and live claims hold a slot; expired and released ones do not."""
    now = timezone.now()
    past = {"claimed_at": now - timedelta(hours=3)}
    live = ClaimFactory(task=open_task)
    submitted = ClaimFactory(
        task=open_task,
        state=Claim.State.SUBMITTED,
        expires_at=now - timedelta(hours=1),
        **past,
    )
    ClaimFactory(task=open_task, expires_at=now - timedelta(seconds=1), **past)
    ClaimFactory(task=open_task, state=Claim.State.RELEASED)
    ClaimFactory(task=open_task, state=Claim.State.EXPIRED)

    holding = set(Claim.objects.holding().values_list("pk", flat=True))
    later = now + timedelta(hours=3)

    assert holding == {live.pk, submitted.pk}
    assert list(open_task.claims.holding(now=later)) == [submitted]
    assert task_selectors.get_task(pk=open_task.pk).held == 2


def test_release_frees_the_slot_for_someone_else(open_task):
    holders = [UserFactory(username=f"c{i}") for i in range(open_task.slots)]
    claims = [claim_task(task=open_task, user=u) for u in holders]
    release_claim(claim=claims[0], user=holders[0])
    assert claim_task(task=open_task, user=UserFactory(username="next")).pk


def test_only_the_holder_can_release_a_claim(open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    with pytest.raises(NotYourClaim):
        release_claim(claim=claim, user=UserFactory(username="other"))


def test_claims_are_refused_on_tasks_that_are_not_open(artist):
    task = TaskFactory(state=CreationTask.State.GENERATING)
    with pytest.raises(TaskNotOpen, match="not open"):
        claim_task(task=task, user=artist)


def test_claims_are_refused_after_the_deadline(artist):
    task = OpenTaskFactory()
    CreationTask.objects.filter(pk=task.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    task.refresh_from_db()
    with pytest.raises(TaskNotOpen):
        claim_task(task=task, user=artist)


def test_expire_claims_marks_only_claims_past_their_time(open_task):
    live = ClaimFactory(task=open_task)
    old = ClaimFactory(
        task=open_task,
        claimed_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert expire_claims() == 1
    old.refresh_from_db()
    live.refresh_from_db()
    assert (old.state, live.state) == (Claim.State.EXPIRED, Claim.State.ACTIVE)


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_claimers_get_exactly_the_five_slots():
    """A claim storm against PostgreSQL never overbooks the task."""
    task = OpenTaskFactory(slots=5)
    users = [UserFactory(username=f"storm{i}") for i in range(50)]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(user):
        try:
            barrier.wait()
            claim_task(task=task, user=user)
            result = "claimed"
        except ClaimLimitReached as exc:
            result = f"refused: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert Claim.objects.filter(task=task).count() == 5
    assert outcomes.count("claimed") == 5
    refusals = [o for o in outcomes if o.startswith("refused")]
    assert len(refusals) == 45
    assert all("All 5 slots of this task are taken" in r for r in refusals)


@pytest.mark.django_db(transaction=True)
def test_a_full_task_refuses_a_claim_while_another_transaction_holds_its_row():
    """The refusal of a full task does not queue on the task's row lock.

    A second connection locks the task row and keeps it until told to let
    go; the claim over the API answers 409 while that lock is still held.
    """
    from django.db import transaction
    from rest_framework.test import APIClient

    task = OpenTaskFactory(slots=2)
    for i in range(task.slots):
        claim_task(task=task, user=UserFactory(username=f"holder{i}"))
    locked, release, released = threading.Event(), threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                CreationTask.objects.select_for_update().get(pk=task.pk)
                locked.set()
                release.wait(timeout=10)  # a blocked claim would wait this out
        finally:
            released.set()
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        client = APIClient()
        client.force_authenticate(UserFactory(username="latecomer"))
        response = client.post(f"/api/v1/tasks/{task.pk}/claim/")
        assert not released.is_set(), "the refusal waited for the row lock"
        assert response.status_code == 409
        assert response.json()["code"] == "claim_limit_reached"
    finally:
        release.set()
        holder.join()
    assert Claim.objects.filter(task=task).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_storm_of_api_claims_on_a_partly_taken_task_fills_exactly_its_slots():
    """Thirty people claim the last two of three slots at once over the API."""
    from rest_framework.test import APIClient

    task = OpenTaskFactory(slots=3)
    claim_task(task=task, user=UserFactory(username="early"))
    users = [UserFactory(username=f"api-storm{i}") for i in range(30)]
    barrier = threading.Barrier(len(users))
    codes: list[int] = []
    lock = threading.Lock()

    def claim(user):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            code = client.post(f"/api/v1/tasks/{task.pk}/claim/").status_code
        finally:
            connection.close()
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(codes) == [201] * 2 + [409] * 28
    assert Claim.objects.filter(task=task).count() == 3
    assert task.claims.holding().count() == 3


def test_a_claim_over_the_api_on_a_missing_task_is_a_404():
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(UserFactory(username="lost"))
    gone = OpenTaskFactory()
    pk = gone.pk
    gone.delete()
    response = client.post(f"/api/v1/tasks/{pk}/claim/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No CreationTask matches the given query.",
        "code": "not_found",
    }
    assert not Claim.objects.filter(task_id=pk).exists()


def test_a_refused_api_claim_on_a_full_task_says_why_in_a_409():
    from rest_framework.test import APIClient

    task = OpenTaskFactory(slots=1)
    claim_task(task=task, user=UserFactory(username="first"))
    client = APIClient()
    client.force_authenticate(UserFactory(username="second"))
    response = client.post(f"/api/v1/tasks/{task.pk}/claim/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "All 1 slots of this task are taken. "
        "Try again later: slots free up when claims are released or expire.",
        "code": "claim_limit_reached",
    }
