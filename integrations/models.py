"""Webhook endpoints, the events they subscribe to, and every delivery attempt.

An `Event` is written in the transaction of the change it reports, with one
`Delivery` per endpoint subscribed to it, so a broker outage delays a
delivery but never loses it. Each try at sending one is an `Attempt`.
See integrations/webhooks.md for the delivery flow.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import TimeStampedModel


class EventType(models.TextChoices):
    TASK_OPENED = "task.opened", "Task opened"
    TASK_CLOSED = "task.closed", "Task closed"
    CLAIM_MADE = "claim.made", "Claim made"
    CLAIM_RELEASED = "claim.released", "Claim released"
    CLAIM_EXPIRED = "claim.expired", "Claim expired"
    SUBMISSION_RECEIVED = "submission.received", "Submission received"
    SUBMISSION_DECIDED = "submission.decided", "Submission decided"
    WORK_HIDDEN = "work.hidden", "Work hidden"
    WORK_RESTORED = "work.restored", "Work restored"
    SEED_BRED = "seed.bred", "Seed bred"
    MODEL_TRAINED = "model.trained", "Model trained"


# What an artist's own endpoint may subscribe to: events about their works.
ARTIST_EVENTS = (
    EventType.SUBMISSION_RECEIVED,
    EventType.SUBMISSION_DECIDED,
    EventType.WORK_HIDDEN,
    EventType.WORK_RESTORED,
)


class Endpoint(TimeStampedModel):
    """A URL that receives signed event deliveries.

    Staff endpoints (`site`) receive every subscribed event; an artist's
    (`own_works`) receives only the events about the artist's own works.
    """

    class Scope(models.TextChoices):
        SITE = "site", "Whole site (staff)"
        OWN_WORKS = "own_works", "My works"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    scope = models.CharField(
        max_length=10,
        choices=Scope.choices,
        help_text="`site`: every event (staff); `own_works`: the owner's works only.",
    )
    url = models.URLField(max_length=500, help_text="Where deliveries are POSTed.")
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(
        max_length=80, help_text="Signs every delivery (HMAC-SHA256)."
    )
    events = models.JSONField(
        default=list, help_text="The event types this endpoint subscribes to."
    )
    is_active = models.BooleanField(
        default=True, help_text="Turned off by its owner: nothing is recorded for it."
    )
    paused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When deliveries stopped after repeated failures; null if not.",
    )
    paused_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Failed attempts since the last success."
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="First failure since the last success."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scope", "is_active"], name="endpoint_scope")]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("integrations:endpoint-detail", kwargs={"pk": self.pk})

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"


class Event(models.Model):
    """Something that happened, as every subscribed endpoint is told it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=32, choices=EventType.choices, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField(help_text="The payload's `data`.")
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose work the event is about, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.uid}"

    def payload(self) -> dict:
        """Return the versioned body every delivery of this event sends."""
        return {
            "id": str(self.uid),
            "type": self.type,
            "version": self.version,
            "created": self.created_at.isoformat().replace("+00:00", "Z"),
            "data": self.data,
        }


class Delivery(models.Model):
    """One event owed to one endpoint, until it is delivered or given up."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next attempt is due (pending only)."
    )
    leased_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A worker is sending it until then; the sweep leaves it alone.",
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    redelivery_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="redeliveries",
        help_text="The delivery this one sends again, when re-sent.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event.type} → {self.endpoint.url}"


class Attempt(models.Model):
    """One POST of a delivery and what came back."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(
        blank=True, help_text="The first kilobyte of the response body."
    )
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="attempt_once_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
