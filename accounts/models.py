"""People on Atelier: contributors, curators and staff."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Abstract base giving every row `created_at` and `updated_at`."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """An Atelier account; roles come from `is_staff` and the curators group."""

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Name shown on artworks and pages."
    )
    bio = models.TextField(blank=True, max_length=2000, help_text="About the artist.")
    reputation = models.IntegerField(
        default=0,
        db_index=True,
        help_text="Reputation points: the sum of the person's ledger entries.",
    )
    email_notifications = models.BooleanField(
        default=True, help_text="Also send notifications by e-mail."
    )
    avatar = models.ImageField(
        blank=True,
        max_length=200,
        help_text="A small square WebP picture, stored under its content hash.",
    )

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:artist", kwargs={"username": self.username})

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_curator(self) -> bool:
        """Return whether the user belongs to the curators group.

        Uses the prefetched groups when present, so lists stay cheap.
        """
        name = settings.ATELIER_CURATORS_GROUP
        return any(g.name == name for g in self.groups.all())


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

    CONTRIBUTOR_REASONS = (
        Reason.ACCEPTED_WORK,
        Reason.LINEAGE_PARENT,
        Reason.LINEAGE_GRANDPARENT,
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
        "gallery.Vote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reputation_events",
        help_text="The curator's vote, for review credit.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
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


class ApiToken(models.Model):
    """A named API token; only a hash of its secret is kept.

    The secret is shown once, when the token is created or rotated. `prefix`
    (the secret's first characters) lets a person tell tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80, help_text="What the token is for.")
    prefix = models.CharField(
        max_length=16, help_text="The first characters of the secret."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SentMail(models.Model):
    """A copy of an e-mail Atelier sent, kept when ATELIER_MAIL_STORE is on.

    Local runs use it so staff can open what the site sent at /staff/mail/.
    """

    subject = models.CharField(max_length=300)
    from_email = models.CharField(max_length=300)
    to = models.TextField(help_text="Recipients, one a line.")
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class OutboxMessage(models.Model):
    """A Celery task call owed by a committed write, until the broker has it.

    Written in the same transaction as the rows the work is for, so work is
    never lost between the commit and the broker: the message is published
    after commit and the row deleted; if the broker is down the row stays
    and `flush_outbox` (Celery beat) publishes it once the broker is back.
    It lives in accounts, the lowest app, so every app can use it.
    """

    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, help_text="Its positional arguments.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
