"""Webhooks: endpoints, events recorded with their cause, signed deliveries.

`record_event` runs inside the transaction of the change it reports (the
signal handlers call it) and writes an `Event` and one `Delivery` per
subscribed endpoint; the deliveries go to Celery through the outbox after
commit. `attempt_delivery` makes one POST and schedules the next try with
exponential back-off; `sweep_deliveries` (beat) sends what is due and has
no message on its way. See integrations/webhooks.md.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.services.outbox import (
    OUTBOX_GRACE,
    publish,
    send_each_on_commit,
    send_on_commit,
)
from community.models import Notification
from community.services import notify
from core import roles
from integrations import transport
from integrations.errors import EndpointNotAllowed, EndpointPaused, UnsafeEndpointUrl
from integrations.models import (
    ARTIST_EVENTS,
    Attempt,
    Delivery,
    Endpoint,
    Event,
    EventType,
)
from integrations.signing import sign
from integrations.tasks import deliver_webhook_task

logger = logging.getLogger(__name__)

USER_AGENT = "Atelier-Webhooks/1"

# A retry this soon is sent as a Celery message with a countdown; later ones
# are left to the sweep (every minute), so workers never hold hours of
# delayed messages for endpoints that are down.
RETRY_MESSAGE_LONGEST = timedelta(minutes=5)


# Endpoints ---------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _clean_events(events: Iterable[str], *, staff: bool) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise EndpointNotAllowed("Choose at least one event.", code="no_events")
    known = set(EventType.values)
    unknown = [e for e in chosen if e not in known]
    if unknown:
        raise EndpointNotAllowed(
            f"Unknown event: {', '.join(unknown)}.", code="unknown_event"
        )
    if not staff:
        others = [e for e in chosen if e not in ARTIST_EVENTS]
        if others:
            raise EndpointNotAllowed(
                "Your webhooks can report events about your own works only "
                f"({', '.join(ARTIST_EVENTS)}); not {', '.join(others)}."
            )
    return chosen


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        transport.check_url(url)
    except transport.RefusedAddress as exc:
        raise UnsafeEndpointUrl(str(exc)) from exc
    return url


def _require_manager(endpoint: Endpoint, by: User) -> None:
    if not (endpoint.owner_id == by.pk or roles.is_staff(by)):
        raise EndpointNotAllowed("This webhook is someone else's.")


def _staff_scope(endpoint: Endpoint) -> bool:
    return endpoint.scope == Endpoint.Scope.SITE


@transaction.atomic
def create_endpoint(
    *, owner: User, url: str, events: Iterable[str], description: str = ""
) -> Endpoint:
    """Register an endpoint of `owner`'s with a new secret; return it.

    Staff endpoints receive site-wide events; anyone else's receive only
    the events about the owner's own works, and may subscribe to nothing
    else.
    """
    if not roles.is_signed_in(owner):
        raise EndpointNotAllowed("Sign in to add a webhook.")
    staff = roles.is_staff(owner)
    endpoint = Endpoint(
        owner=owner,
        scope=Endpoint.Scope.SITE if staff else Endpoint.Scope.OWN_WORKS,
        url=_clean_url(url),
        events=_clean_events(events, staff=staff),
        description=description.strip(),
        secret=new_secret(),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def update_endpoint(
    *,
    endpoint: Endpoint,
    by: User,
    url: str,
    events: Iterable[str],
    description: str = "",
    is_active: bool = True,
) -> Endpoint:
    """Change an endpoint's URL, events, description or on/off switch."""
    _require_manager(endpoint, by)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.url = _clean_url(url)
    endpoint.events = _clean_events(events, staff=_staff_scope(endpoint))
    endpoint.description = description.strip()
    endpoint.is_active = is_active
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def rotate_endpoint_secret(*, endpoint: Endpoint, by: User) -> Endpoint:
    """Give `endpoint` a new secret; the old one stops signing at once."""
    _require_manager(endpoint, by)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: Endpoint, by: User) -> Endpoint:
    """Delete `endpoint` with its deliveries and their attempts."""
    _require_manager(endpoint, by)
    endpoint.delete()
    return endpoint


@transaction.atomic
def resume_endpoint(*, endpoint: Endpoint, by: User) -> Endpoint:
    """Un-pause `endpoint` and send its pending deliveries now."""
    _require_manager(endpoint, by)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.paused_at = None
    endpoint.paused_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    endpoint.save()
    now = timezone.now()
    pending = Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.PENDING)
    ids = list(pending.values_list("pk", flat=True))
    pending.update(next_attempt_at=now, leased_until=None)
    send_each_on_commit(deliver_webhook_task, [(pk,) for pk in ids])
    return endpoint


@transaction.atomic
def redeliver(*, delivery: Delivery, by: User) -> Delivery:
    """Send `delivery`'s event to its endpoint again, as a new delivery.

    The body is the same event (same `id`), so a receiver that keeps the
    ids it has handled can tell; the delivery id is new.
    """
    endpoint = delivery.endpoint
    _require_manager(endpoint, by)
    if endpoint.is_paused:
        raise EndpointPaused("This webhook is paused: resume it to send again.")
    if not endpoint.is_active:
        raise EndpointPaused("This webhook is turned off: turn it on to send again.")
    again = Delivery.objects.create(
        event_id=delivery.event_id,
        endpoint=endpoint,
        redelivery_of=delivery,
        next_attempt_at=timezone.now(),
    )
    send_on_commit(deliver_webhook_task, again.pk)
    return again


# Events ------------------------------------------------------------------------


def subscribers(*, type: str, artist: User | None) -> list[Endpoint]:  # noqa: A002
    """Return the active endpoints that receive events of `type` about `artist`."""
    audience = Q(scope=Endpoint.Scope.SITE)
    if artist is not None and type in ARTIST_EVENTS:
        audience |= Q(scope=Endpoint.Scope.OWN_WORKS, owner=artist)
    endpoints = Endpoint.objects.filter(audience, is_active=True).order_by("pk")
    # Filtered here, not in SQL: JSON containment is not portable to SQLite.
    return [e for e in endpoints if type in e.events]


def record_event(
    *,
    type: str,  # noqa: A002 - the payload's word
    data: dict,
    artist: User | None = None,
) -> Event | None:
    """Record an event and a delivery per subscribed endpoint; None if none is.

    Called inside the transaction of the change the event reports: if that
    change rolls back, so does the event. Deliveries to a paused endpoint
    are kept pending until it is resumed. With no subscriber it costs the
    change one query.
    """
    endpoints = subscribers(type=type, artist=artist)
    if not endpoints:
        return None
    with transaction.atomic():
        return _record_event(type, data, artist, endpoints)


def _record_event(
    type: str,  # noqa: A002
    data: dict,
    artist: User | None,
    endpoints: list[Endpoint],
) -> Event:
    now = timezone.now()
    event = Event.objects.create(type=type, data=data, artist=artist, created_at=now)
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(event=event, endpoint=e, next_attempt_at=now, created_at=now)
            for e in endpoints
        ]
    )
    live = [
        (d.pk,) for d, e in zip(deliveries, endpoints, strict=True) if not e.paused_at
    ]
    if live:
        send_each_on_commit(deliver_webhook_task, live)
    return event


# Delivering --------------------------------------------------------------------


def retry_delay(
    attempt: int, *, rand: Callable[[], float] = random.random
) -> timedelta:
    """Return how long to wait after failed attempt number `attempt` (1, 2, ...).

    Exponential: the base (30 s) doubled per attempt, at most the cap (3 h),
    with "equal jitter": a random point between half and all of it, so the
    retries of a burst of failed deliveries do not arrive together.
    """
    base = settings.ATELIER_WEBHOOK_RETRY_BASE_SECONDS
    cap = settings.ATELIER_WEBHOOK_RETRY_MAX_SECONDS
    full = min(cap, base * 2 ** min(attempt - 1, 30))
    return timedelta(seconds=full / 2 + rand() * full / 2)


def body_of(event: Event) -> bytes:
    """Return the exact bytes every delivery of `event` POSTs (and signs)."""
    return json.dumps(event.payload(), separators=(",", ":"), sort_keys=True).encode()


def _headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "User-Agent": USER_AGENT,
        "X-Atelier-Event": delivery.event.type,
        "X-Atelier-Delivery": str(delivery.uid),
        "X-Atelier-Timestamp": str(timestamp),
        "X-Atelier-Signature": sign(delivery.endpoint.secret, body, timestamp),
    }


def _is_due(delivery: Delivery, now: object) -> bool:
    return (
        delivery.state == Delivery.State.PENDING
        and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now)
        and (delivery.leased_until is None or delivery.leased_until <= now)
    )


def _lease(delivery_id: int) -> Delivery | None:
    """Take delivery `delivery_id` for one attempt; None when it is not due.

    The lease (a little longer than an attempt may take) keeps the sweep
    and a duplicate message away while the POST is under way, without
    holding a transaction open across it.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or not _is_due(delivery, now):
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_active or endpoint.is_paused:
            return None
        timeout = settings.ATELIER_WEBHOOK_TIMEOUT_SECONDS
        delivery.attempt_count += 1
        delivery.leased_until = now + timedelta(seconds=timeout + 30)
        delivery.save(update_fields=["attempt_count", "leased_until"])
    return delivery


def attempt_delivery(*, delivery_id: int) -> Delivery | None:
    """POST delivery `delivery_id` once if it is due; record the attempt.

    A success marks it delivered; a failure schedules the next attempt
    (`retry_delay`) while the delivery is younger than the retry window
    (a day), and marks it failed after. Failures count against the
    endpoint, which is paused, and its owner told, after too many.
    Returns the delivery, or None when it no longer exists.
    """
    delivery = _lease(delivery_id)
    if delivery is None:
        return Delivery.objects.filter(pk=delivery_id).first()
    started = timezone.now()
    body = body_of(delivery.event)
    outcome = transport.post(
        delivery.endpoint.url,
        body,
        _headers(delivery, body),
        timeout=settings.ATELIER_WEBHOOK_TIMEOUT_SECONDS,
    )
    return _record(delivery, outcome, started)


@transaction.atomic
def _record(
    delivery: Delivery, outcome: transport.Outcome, started: object
) -> Delivery | None:
    endpoint = (
        Endpoint.objects.select_for_update().filter(pk=delivery.endpoint_id).first()
    )
    if endpoint is None:  # deleted while the POST was under way
        return None
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.endpoint = endpoint
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_count,
        started_at=started,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status,
        response_excerpt=outcome.excerpt,
        error=outcome.error[:500],
        succeeded=outcome.ok,
    )
    now = timezone.now()
    delivery.leased_until = None
    delivery.last_status = outcome.status
    delivery.last_error = outcome.error[:500]
    if outcome.ok:
        delivery.state = Delivery.State.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
    else:
        if not delivery.last_error:
            delivery.last_error = f"The endpoint answered {outcome.status}."
        delay = retry_delay(delivery.attempt_count)
        window = timedelta(hours=settings.ATELIER_WEBHOOK_RETRY_HOURS)
        if now + delay > delivery.created_at + window:
            delivery.state = Delivery.State.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + delay
            if delay <= RETRY_MESSAGE_LONGEST:
                transaction.on_commit(partial(_retry_later, delivery.pk, delay))
        endpoint.consecutive_failures += 1
        endpoint.failing_since = endpoint.failing_since or started
        _pause_if_failing(endpoint, now)
    delivery.save()
    endpoint.save(
        update_fields=[
            "consecutive_failures",
            "failing_since",
            "paused_at",
            "paused_reason",
            "updated_at",
        ]
    )
    return delivery


def _retry_later(delivery_id: int, delay: timedelta) -> None:
    """Ask Celery for a soon retry at its time; the sweep sends it if lost."""
    try:
        deliver_webhook_task.apply_async(
            (delivery_id,), countdown=delay.total_seconds()
        )
    except Exception as exc:  # the row keeps the retry's time for the sweep
        logger.warning("could not schedule webhook retry %s: %s", delivery_id, exc)


def _pause_if_failing(endpoint: Endpoint, now: object) -> None:
    if endpoint.is_paused:
        return
    most = settings.ATELIER_WEBHOOK_PAUSE_AFTER_FAILURES
    hours = settings.ATELIER_WEBHOOK_PAUSE_AFTER_HOURS
    if endpoint.consecutive_failures >= most:
        why = f"{endpoint.consecutive_failures} attempts in a row failed"
    elif now - endpoint.failing_since >= timedelta(hours=hours):
        why = f"every attempt failed for {hours:g} hours"
    else:
        return
    endpoint.paused_at = now
    endpoint.paused_reason = why[:300]
    notify(
        recipient=endpoint.owner,
        kind=Notification.Kind.WEBHOOK_PAUSED,
        text=(
            f"Your webhook to {endpoint.url} is paused: {why}. Deliveries wait "
            "until you fix the receiver and resume the webhook; none are lost."
        ),
        url=endpoint.get_absolute_url(),
        key=f"webhook-paused:{endpoint.pk}:{int(now.timestamp())}",
    )


def sweep_deliveries(*, limit: int = 500) -> int:
    """Send deliveries that are due and not being sent; return how many.

    That is retries whose scheduled message was lost, and first attempts
    whose message never reached a worker (the broker was down at commit,
    or a worker died holding it). Deliveries younger than the outbox's
    grace period are still on their way and left alone; a delivery sent
    twice is attempted once, since its row says whether it is due.
    """
    now = timezone.now()
    due = list(
        Delivery.objects.filter(
            state=Delivery.State.PENDING,
            next_attempt_at__lte=now,
            created_at__lt=now - OUTBOX_GRACE,
            endpoint__is_active=True,
            endpoint__paused_at__isnull=True,
        )
        .exclude(leased_until__gt=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        if not publish(deliver_webhook_task, pk):
            break  # the broker is down; the next sweep tries again
        sent += 1
    return sent


def delete_old_events(*, limit: int = 2_000) -> int:
    """Delete events older than the keeping time whose deliveries are all done.

    Their deliveries and attempts go with them. An event with a delivery
    still pending (a paused endpoint's) is kept until that one is done.
    At most `limit` a run; returns how many events were deleted.
    """
    cutoff = timezone.now() - timedelta(days=settings.ATELIER_WEBHOOK_KEEP_DAYS)
    old = list(
        Event.objects.filter(created_at__lt=cutoff)
        .exclude(deliveries__state=Delivery.State.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    Event.objects.filter(pk__in=old).delete()
    return len(old)
