"""The reputation ledger, follows, notifications, comments and challenges."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.models import TimeStampedModel
from moderation.models import Report


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
        CHALLENGE_WIN = "challenge_win", "Challenge win"
        LAB_SEED = "lab_seed", "Lab seed used in a task"

    CONTRIBUTOR_REASONS = (
        Reason.ACCEPTED_WORK,
        Reason.LINEAGE_PARENT,
        Reason.LINEAGE_GRANDPARENT,
        Reason.LAB_SEED,
        Reason.CHALLENGE_WIN,
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
        COMMENT = "comment", "New comment"
        CHALLENGE_WIN = "challenge_win", "Challenge won"
        WEBHOOK_PAUSED = "webhook_paused", "Webhook paused"

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


# Comments on accepted works ---------------------------------------------------


class Comment(TimeStampedModel):
    """A signed-in person's comment on an accepted work, or a reply to one.

    Threads are one level deep: `parent` is always a top-level comment.
    An author deleting a comment that has replies leaves it `removed` (its
    text cleared, shown as "comment removed"); without replies the row
    goes. Moderators hide and restore comments (`CommentAction`).
    """

    MAX_LENGTH = 2000

    class State(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by moderators"
        REMOVED = "removed", "Removed by its author"

    submission = models.ForeignKey(
        "art_tasks.Submission", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The top-level comment this one replies to; null at the top.",
    )
    body = models.TextField(max_length=MAX_LENGTH, help_text="The comment's text.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.VISIBLE)
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When its author last changed the text."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["submission", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_thread",
            ),
            models.Index(fields=["parent", "created_at"], name="comment_replies"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.submission_id} by {self.author_id}"

    def get_absolute_url(self) -> str:
        work = reverse("gallery:artwork", kwargs={"pk": self.submission_id})
        return f"{work}#comment-{self.pk}"


class CommentReport(TimeStampedModel):
    """A signed-in person's report that a comment breaks the rules.

    The same shape as `moderation.Report`, for comments.
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Comment hidden"
        DISMISSED = "dismissed", "Dismissed"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
    )
    reason = models.CharField(max_length=12, choices=Report.Reason.choices)
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
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(state="open"),
                name="comment_report_one_open_per_person",
                violation_error_message="You have already reported this comment.",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on comment {self.comment_id}: {self.reason}"


class CommentAction(TimeStampedModel):
    """The comments' audit log: every hide, restore and dismissal, and why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Report dismissed"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.TextField(max_length=2000)
    report = models.ForeignKey(
        CommentReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previous_state = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} comment {self.comment_id} by {self.actor_id}"


# Challenges ---------------------------------------------------------------------


class Challenge(TimeStampedModel):
    """A themed contest over one or more creation tasks, with a deadline.

    Entries are not stored: they are the accepted works submitted to the
    challenge's tasks between `opens_at` and `closes_at`. Closing it (Celery
    beat, `close_due_challenges`) stores its winners and sets `closed_at`;
    the rules are in docs/challenges.md.
    """

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120, help_text="The challenge's name.")
    theme = models.TextField(max_length=5000, help_text="The theme, in full.")
    tasks = models.ManyToManyField(
        "art_tasks.CreationTask",
        related_name="challenges",
        help_text="The creation tasks whose works are the entries.",
    )
    cover_seed = models.ForeignKey(
        "art_tasks.SeedImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A seed image shown as the cover.",
    )
    cover_work = models.ForeignKey(
        "art_tasks.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An accepted work shown as the cover (wins over the seed).",
    )
    opens_at = models.DateTimeField(help_text="Works submitted from now on enter.")
    closes_at = models.DateTimeField(
        db_index=True, help_text="The deadline: later submissions do not enter."
    )
    winner_count = models.PositiveSmallIntegerField(
        default=3, help_text="How many winners the ranking picks at the close."
    )
    points = models.PositiveIntegerField(
        default=50, help_text="Reputation points each winner earns."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the winners were picked."
    )

    class Meta:
        ordering = ["-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="challenge_closes_after_opening",
                violation_error_message="The deadline must come after the opening.",
            ),
            models.CheckConstraint(
                condition=Q(winner_count__gte=1) & Q(winner_count__lte=20),
                name="challenge_winner_count_range",
                violation_error_message="A challenge has 1 to 20 winners.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:challenge", kwargs={"slug": self.slug})

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ChallengeWinner(models.Model):
    """One winning entry of a closed challenge, in its place."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="winners"
    )
    submission = models.ForeignKey(
        "art_tasks.Submission",
        on_delete=models.CASCADE,
        related_name="challenge_wins",
    )
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="challenge_wins",
    )
    place = models.PositiveSmallIntegerField(help_text="1 for the first place.")
    rank_top = models.FloatField(
        help_text="The work's 'top' rank (Bayesian average) when it won."
    )
    points = models.PositiveIntegerField(help_text="Reputation points awarded.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["challenge", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "place"], name="challenge_winner_place_once"
            ),
            models.UniqueConstraint(
                fields=["challenge", "artist"], name="challenge_one_win_per_artist"
            ),
            models.UniqueConstraint(
                fields=["challenge", "submission"], name="challenge_work_wins_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} #{self.place}: {self.submission_id}"

    @property
    def badge(self) -> str:
        return f"Winner - {self.challenge.title}"
