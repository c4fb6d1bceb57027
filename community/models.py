"""The reputation ledger, follows and notifications."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.models import TimeStampedModel


class ReputationEvent(models.Model):
    """One entry in the append-only reputation ledger.

    Rows are never updated or deleted: a changed decision adds a correcting
    entry with negative points. `User.reputation` is the sum of a person's
    entries, kept in step in the same transaction that writes them.
    """

    class Reason(models.TextChoices):
        ACCEPTED_WORK = "accepted_work", "Accepted work"
        LINEAGE_PARENT = "lineage_parent", "Lineage share (parent seed)"
        LINEAGE_GRANDPARENT = "lineage_grandparent", "Lineage share (grandparent seed)"
        REVIEW = "review", "Review"
        AGREEMENT = "agreement", "Review agreed with the decision"
        LAB_SEED = "lab_seed", "Lab seed used in a task"

    CONTRIBUTOR_REASONS = (
        Reason.ACCEPTED_WORK,
        Reason.LINEAGE_PARENT,
        Reason.LINEAGE_GRANDPARENT,
        Reason.LAB_SEED,
    )
    CURATOR_REASONS = (Reason.REVIEW, Reason.AGREEMENT)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reputation_events",
    )
    points = models.IntegerField(help_text="Points gained (or, when negative, lost).")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    submission = models.ForeignKey(
        "art_tasks.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reputation_events",
        help_text="The decided submission that earned the points.",
    )
    vote = models.ForeignKey(
        "curation.Vote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reputation_events",
        help_text="The curator's vote, for review credit.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "accounts_reputationevent"  # kept from the app it grew up in
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["reason", "created_at"], name="reputation_board"),
            models.Index(fields=["user", "created_at"], name="reputation_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} {self.reason}"


class Follow(models.Model):
    """A person following an artist to hear about their new accepted work."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_follow"  # kept from the app it grew up in
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "artist"],
                name="follow_once",
                violation_error_message="You already follow this artist.",
            ),
            models.CheckConstraint(
                condition=~Q(follower=F("artist")), name="follow_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.artist_id}"


class Notification(TimeStampedModel):
    """A message for one person, shown in the site and optionally e-mailed."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", "Work accepted"
        REJECTED = "rejected", "Work not accepted"
        CLAIM_EXPIRING = "claim_expiring", "Claim about to expire"
        CLAIM_ENDED = "claim_ended", "Claim ended"
        FOLLOWED_WORK = "followed_work", "New work by an artist you follow"
        MODERATION = "moderation", "Moderation"
        UPLOAD_FAILED = "upload_failed", "Upload could not be processed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(max_length=5000, help_text="What happened, in full.")
    url = models.CharField(
        max_length=300, blank=True, help_text="Where to look (a site path)."
    )
    key = models.CharField(
        max_length=120,
        blank=True,
        help_text="Identifies the event, so the same event never notifies twice.",
    )
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_notification"  # kept from the app it grew up in
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"], name="notification_inbox"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
