"""Events are recorded with their cause and delivered, signed, to a real server.

The receiver (tests/integrations/receiver.py) listens on loopback and checks
every signature itself; it fails on purpose when a test scripts it to.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import OutboxMessage
from art_tasks.models import Claim
from art_tasks.services import claim_task, release_claim
from community.models import Notification
from integrations.errors import EndpointPaused
from integrations.models import Attempt, Delivery, Endpoint, Event
from integrations.services import (
    attempt_delivery,
    create_endpoint,
    redeliver,
    resume_endpoint,
    sweep_deliveries,
)
from tests.accounts.factories import UserFactory
from tests.integrations.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = receiver.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def hook(staff, receiver):
    """A staff endpoint on the receiver, subscribed to claims."""
    endpoint = create_endpoint(
        owner=staff,
        url=receiver.url,
        events=["claim.made", "claim.released", "claim.expired"],
        description="ops",
    )
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def deliver(eager_celery, django_capture_on_commit_callbacks):
    """Run a change; its deliveries go out once it commits, as on a worker."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def make_due(delivery: Delivery) -> None:
    """Move a waiting retry's time to now, as if the back-off had passed."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_claim_is_delivered_signed_with_a_versioned_payload(
    hook, receiver, deliver, open_task, artist
):
    claim = deliver(claim_task, task=open_task, user=artist)

    [got] = receiver.received
    assert got.verified is True
    delivery = Delivery.objects.get()
    assert got.headers["X-Atelier-Event"] == "claim.made"
    assert got.headers["X-Atelier-Delivery"] == str(delivery.uid)
    assert got.headers["X-Atelier-Signature"].startswith(
        "t=" + got.headers["X-Atelier-Timestamp"] + ",v1="
    )
    payload = got.payload
    assert payload["type"] == "claim.made"
    assert payload["version"] == 1
    assert payload["id"] == str(delivery.event.uid)
    assert payload["data"]["claim"]["id"] == claim.pk
    assert payload["data"]["claim"]["contributor"] == "artist"
    assert payload["data"]["claim"]["task"]["id"] == open_task.pk
    assert delivery.state == Delivery.State.DELIVERED
    [attempt] = delivery.attempts.all()
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "ok"


def test_an_endpoint_receives_only_the_events_it_subscribed_to(
    staff, receiver, deliver, open_task, artist
):
    endpoint = create_endpoint(owner=staff, url=receiver.url, events=["claim.released"])
    receiver.secret = endpoint.secret
    claim = deliver(claim_task, task=open_task, user=artist)
    assert receiver.received == []
    deliver(release_claim, claim=claim, user=artist)
    assert [r.payload["type"] for r in receiver.received] == ["claim.released"]


def test_a_change_that_rolls_back_leaves_no_event_and_sends_nothing(
    hook, receiver, deliver, open_task, artist
):
    def claim_then_fail():
        with transaction.atomic():
            claim_task(task=open_task, user=artist)
            raise RuntimeError("the request failed after claiming")

    with pytest.raises(RuntimeError):
        deliver(claim_then_fail)
    assert Claim.objects.count() == 0
    assert Event.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert receiver.received == []


def test_a_broker_outage_at_commit_leaves_the_delivery_for_the_sweep(
    hook, receiver, deliver, open_task, artist, monkeypatch
):
    from celery.app.task import Task

    original = Task.apply_async

    def broker_down(task, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        raise OperationalError("Error 111 connecting to redis. Refused.")

    monkeypatch.setattr(Task, "apply_async", broker_down)
    deliver(claim_task, task=open_task, user=artist)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING
    assert receiver.received == []
    assert OutboxMessage.objects.filter(task__contains="deliver_webhook").exists()

    monkeypatch.setattr(Task, "apply_async", original)
    Delivery.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert sweep_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    assert len(receiver.received) == 1


def test_the_sweep_leaves_a_fresh_delivery_to_its_own_message(
    hook, open_task, artist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        claim_task(task=open_task, user=artist)
    assert Delivery.objects.get().state == Delivery.State.PENDING
    assert sweep_deliveries() == 0


def test_a_failed_attempt_is_retried_with_back_off_and_every_attempt_logged(
    hook, receiver, deliver, open_task, artist, settings
):
    settings.ATELIER_WEBHOOK_RETRY_BASE_SECONDS = 60
    receiver.reply((500, "database on fire"), (503, "still"))
    before = timezone.now()
    deliver(claim_task, task=open_task, user=artist)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING
    assert delivery.last_status == 500
    first_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=29) <= first_wait <= timedelta(seconds=62)

    # Not due yet: a duplicate message or an early sweep sends nothing.
    attempt_delivery(delivery_id=delivery.pk)
    assert sweep_deliveries() == 0
    assert len(receiver.received) == 1

    make_due(delivery)
    attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=59) <= second_wait <= timedelta(seconds=121)

    make_due(delivery)
    attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    attempts = list(delivery.attempts.order_by("number"))
    assert [a.status_code for a in attempts] == [500, 503, 200]
    assert [a.succeeded for a in attempts] == [False, False, True]
    assert attempts[0].response_excerpt == "database on fire"
    assert len(receiver.received) == 3
    assert len({r.headers["X-Atelier-Delivery"] for r in receiver.received}) == 1
    assert Endpoint.objects.get().consecutive_failures == 0


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    hook, receiver, deliver, open_task, artist, settings
):
    settings.ATELIER_WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.reply(1.0)
    deliver(claim_task, task=open_task, user=artist)
    attempt = Attempt.objects.get()
    assert attempt.succeeded is False
    assert attempt.status_code is None
    assert "No answer within 0.3 s" in attempt.error
    assert attempt.duration_ms >= 250
    assert Delivery.objects.get().state == Delivery.State.PENDING


def test_a_receiver_that_is_down_is_a_failed_attempt(
    hook, receiver, deliver, open_task, artist
):
    Endpoint.objects.filter(pk=hook.pk).update(url="http://127.0.0.1:9/nothing")
    deliver(claim_task, task=open_task, user=artist)
    attempt = Attempt.objects.get()
    assert attempt.succeeded is False
    assert attempt.error.startswith("Could not connect")


def test_only_the_first_kilobyte_of_a_response_is_kept(
    hook, receiver, deliver, open_task, artist
):
    receiver.reply((500, "x" * 5000))
    deliver(claim_task, task=open_task, user=artist)
    assert Attempt.objects.get().response_excerpt == "x" * 1024


def test_a_delivery_still_failing_after_a_day_is_given_up(
    hook, receiver, deliver, open_task, artist
):
    receiver.reply((500, "no"), (500, "no"))
    deliver(claim_task, task=open_task, user=artist)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=23, minutes=59, seconds=50),
        next_attempt_at=timezone.now(),
    )
    attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.attempt_count == 2


def test_an_endpoint_failing_again_and_again_is_paused_and_its_owner_told(
    hook, receiver, deliver, open_task, staff, settings
):
    settings.ATELIER_WEBHOOK_PAUSE_AFTER_FAILURES = 3
    receiver.reply(*[(500, "down")] * 3)
    for n in range(3):
        deliver(claim_task, task=open_task, user=UserFactory(username=f"c{n}"))
    hook.refresh_from_db()
    assert hook.is_paused is True
    assert "3 attempts in a row failed" in hook.paused_reason
    notice = Notification.objects.get(recipient=staff)
    assert notice.kind == Notification.Kind.WEBHOOK_PAUSED
    assert hook.url in notice.text
    assert notice.url == hook.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[staff.email]]

    # Paused: new events wait, nothing is sent, nothing is lost.
    deliver(claim_task, task=open_task, user=UserFactory(username="c3"))
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert sweep_deliveries() == 0
    assert len(receiver.received) == 3
    assert Delivery.objects.filter(state=Delivery.State.PENDING).count() == 4

    deliver(resume_endpoint, endpoint=hook, by=staff)
    hook.refresh_from_db()
    assert hook.is_paused is False
    assert Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 4
    assert len(receiver.received) == 7


def test_an_endpoint_that_failed_everything_for_a_day_is_paused(
    hook, receiver, deliver, open_task, artist
):
    Endpoint.objects.filter(pk=hook.pk).update(
        consecutive_failures=2, failing_since=timezone.now() - timedelta(hours=24)
    )
    receiver.reply((500, "down"))
    deliver(claim_task, task=open_task, user=artist)
    hook.refresh_from_db()
    assert hook.is_paused is True
    assert "every attempt failed for 24 hours" in hook.paused_reason


def test_one_success_resets_the_failure_count(
    hook, receiver, deliver, open_task, artist
):
    Endpoint.objects.filter(pk=hook.pk).update(
        consecutive_failures=5, failing_since=timezone.now() - timedelta(hours=3)
    )
    deliver(claim_task, task=open_task, user=artist)
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0
    assert hook.failing_since is None


def test_a_delivery_can_be_sent_again_with_the_same_event_id(
    hook, receiver, deliver, open_task, artist, staff
):
    deliver(claim_task, task=open_task, user=artist)
    first = Delivery.objects.get()
    again = deliver(redeliver, delivery=first, by=staff)
    assert again.redelivery_of_id == first.pk
    again.refresh_from_db()
    assert again.state == Delivery.State.DELIVERED
    one, two = receiver.received
    assert one.payload["id"] == two.payload["id"]
    assert one.headers["X-Atelier-Delivery"] != two.headers["X-Atelier-Delivery"]
    assert two.verified is True


def test_a_paused_endpoint_refuses_a_resend(hook, deliver, open_task, artist, staff):
    deliver(claim_task, task=open_task, user=artist)
    Endpoint.objects.filter(pk=hook.pk).update(paused_at=timezone.now())
    with pytest.raises(EndpointPaused, match="resume it"):
        redeliver(delivery=Delivery.objects.select_related("endpoint").get(), by=staff)


def test_a_turned_off_endpoint_gets_no_events(hook, deliver, open_task, artist):
    Endpoint.objects.filter(pk=hook.pk).update(is_active=False)
    deliver(claim_task, task=open_task, user=artist)
    assert Event.objects.count() == 0


def test_a_rotated_secret_signs_the_next_delivery(
    hook, receiver, deliver, open_task, artist, staff
):
    from integrations.services import rotate_endpoint_secret

    rotated = rotate_endpoint_secret(endpoint=hook, by=staff)
    assert rotated.secret != hook.secret
    deliver(claim_task, task=open_task, user=artist)
    assert receiver.received[0].verified is False  # the receiver has the old one
    receiver.secret = rotated.secret
    deliver(redeliver, delivery=Delivery.objects.get(), by=staff)
    assert receiver.received[1].verified is True


def test_an_endpoint_deleted_while_its_post_is_under_way_is_no_error(
    hook, open_task, artist, monkeypatch, django_capture_on_commit_callbacks
):
    from integrations import services, transport

    with django_capture_on_commit_callbacks(execute=False):
        claim_task(task=open_task, user=artist)
    delivery = Delivery.objects.get()

    def post_then_delete(*args, **kwargs):  # noqa: ANN002, ANN003
        Endpoint.objects.filter(pk=hook.pk).delete()
        return transport.Outcome(200, "ok", "", 3)

    monkeypatch.setattr(services.transport, "post", post_then_delete)
    assert attempt_delivery(delivery_id=delivery.pk) is None
    assert Delivery.objects.count() == 0


def test_a_soon_retry_is_queued_with_its_countdown_a_late_one_left_to_the_sweep(
    hook,
    receiver,
    open_task,
    artist,
    monkeypatch,
    settings,
    django_capture_on_commit_callbacks,
):
    from celery.app.task import Task

    with django_capture_on_commit_callbacks(execute=False):
        claim_task(task=open_task, user=artist)
    delivery = Delivery.objects.get()
    receiver.reply((500, "no"), (500, "no"))
    queued = []

    def apply_async(task, args=None, kwargs=None, **options):  # noqa: ANN001, ANN003
        queued.append((task.name, args, options.get("countdown")))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_delivery(delivery_id=delivery.pk)
    [(name, args, countdown)] = queued
    assert name == "integrations.tasks.deliver_webhook_task"
    assert args == (delivery.pk,)
    assert 15 <= countdown <= 30

    settings.ATELIER_WEBHOOK_RETRY_BASE_SECONDS = 600  # a second wait of 10-20 min
    make_due(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_delivery(delivery_id=delivery.pk)
    assert len(queued) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + timedelta(minutes=9)
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now(), created_at=timezone.now() - timedelta(hours=1)
    )
    assert sweep_deliveries() == 1
    assert [q[0] for q in queued] == ["integrations.tasks.deliver_webhook_task"] * 2


def test_finished_events_are_deleted_after_the_keeping_time(hook, settings):
    settings.ATELIER_WEBHOOK_KEEP_DAYS = 30
    from integrations.services import delete_old_events

    def event(days_old: int, state: str) -> Event:
        made = Event.objects.create(
            type="claim.made",
            data={},
            created_at=timezone.now() - timedelta(days=days_old),
        )
        Delivery.objects.create(event=made, endpoint=hook, state=state)
        return made

    old_done = event(31, Delivery.State.DELIVERED)
    old_failed = event(40, Delivery.State.FAILED)
    old_waiting = event(31, Delivery.State.PENDING)
    recent = event(29, Delivery.State.DELIVERED)
    assert delete_old_events() == 2
    left = set(Event.objects.values_list("pk", flat=True))
    assert left == {old_waiting.pk, recent.pk}
    assert not Delivery.objects.filter(event__in=[old_done, old_failed]).exists()
