"""Reports and the moderation audit log."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from art_tasks.models import Submission
from core.models import TimeStampedModel


class Report(TimeStampedModel):
    """A signed-in person's report that an artwork breaks the rules."""

    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", "Offensive or hateful"
        COPYRIGHT = "copyright", "Copies someone else's work"
        SPAM = "spam", "Spam or off-topic"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Work hidden"
        DISMISSED = "dismissed", "Dismissed"

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "gallery_report"  # kept from the app it grew up in
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reporter"],
                condition=Q(state="open"),
                name="report_one_open_per_person",
                violation_error_message="You have already reported this work.",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.submission_id}: {self.reason}"


class ModerationAction(TimeStampedModel):
    """The audit log: every hide, restore and dismissal, by whom and why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Report dismissed"

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.TextField(max_length=2000)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_state = models.CharField(max_length=12, blank=True)

    class Meta:
        db_table = "gallery_moderationaction"  # kept from the app it grew up in
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.submission_id} by {self.actor_id}"
