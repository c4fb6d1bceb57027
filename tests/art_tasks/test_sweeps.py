"""The beat sweeps of art_tasks take bounded batches through their indexes."""

from datetime import timedelta

import pytest

from django.utils import timezone

from art_tasks.models import Claim, CreationTask
from art_tasks.services import close_finished_tasks, expire_claims
from tests.art_tasks.factories import ClaimFactory, OpenTaskFactory

pytestmark = pytest.mark.django_db


def test_expiry_takes_at_most_a_batch_a_run_the_longest_ended_first(open_task):
    now = timezone.now()
    ended = [
        ClaimFactory(
            task=open_task,
            claimed_at=now - timedelta(hours=5),
            expires_at=now - timedelta(minutes=minutes),
        )
        for minutes in (30, 10, 20)
    ]
    assert expire_claims(limit=2) == 2
    states = [Claim.objects.get(pk=c.pk).state for c in ended]
    assert states == [Claim.State.EXPIRED, Claim.State.ACTIVE, Claim.State.EXPIRED]
    assert expire_claims(limit=2) == 1
    assert expire_claims(limit=2) == 0


def test_closing_finds_full_and_lapsed_tasks_in_one_read(
    staff, django_assert_max_num_queries
):
    full = OpenTaskFactory(created_by=staff, slots=1)
    ClaimFactory(task=full, state=Claim.State.SUBMITTED)
    lapsed = OpenTaskFactory(created_by=staff)
    CreationTask.objects.filter(pk=lapsed.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    roomy = [OpenTaskFactory(created_by=staff) for _ in range(5)]
    # One read, then for each of the two tasks closed a lock, a write and
    # the read of the webhooks told about it.
    with django_assert_max_num_queries(1 + 2 * 5):
        assert close_finished_tasks() == 2
    states = {
        t.pk: t.state
        for t in CreationTask.objects.filter(pk__in=[full.pk, lapsed.pk, roomy[0].pk])
    }
    assert states == {
        full.pk: CreationTask.State.CLOSED,
        lapsed.pk: CreationTask.State.CLOSED,
        roomy[0].pk: CreationTask.State.OPEN,
    }
    assert close_finished_tasks() == 0
