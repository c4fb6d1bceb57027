"""Curator votes, likes, ranking prior, collections and moderation records."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import TimeStampedModel
from art_tasks.models import Submission


class Vote(TimeStampedModel):
    """One curator's 1–5 score for one submission."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="votes"
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (weak) to 5 (outstanding).",
    )
    comment = models.TextField(
        blank=True, max_length=2000, help_text="Feedback for the artist."
    )
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the curator last changed the vote."
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "curator"],
                name="vote_one_per_curator",
                violation_error_message="You have already voted on this submission.",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="vote_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.curator} → {self.submission_id}: {self.score}"


class Like(TimeStampedModel):
    """A signed-in person's like of an accepted work (feeds "popular")."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="likes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "user"], name="like_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.submission_id}"


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
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.submission_id} by {self.actor_id}"


# Ranking and collections -----------------------------------------------------


class RankingPrior(models.Model):
    """The prior of the Bayesian "top" order: one row, site mean and weight.

    Each vote updates its work's rank in O(1) against this row; the periodic
    layout job measures the site mean again and re-ranks in one statement.
    """

    mean = models.FloatField(help_text="Site mean score m (1-5).")
    weight = models.FloatField(help_text="Prior weight C, in votes.")
    measured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mean__gte=1) & Q(mean__lte=5), name="prior_mean_range"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="prior_weight"),
        ]

    def __str__(self) -> str:
        return f"m={self.mean:.3f}, C={self.weight:g}"


class Collection(TimeStampedModel):
    """A themed exhibition of accepted works chosen by staff."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    statement = models.TextField(
        blank=True, max_length=5000, help_text="The curators' statement."
    )
    cover = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The work shown on the collection's card.",
    )
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published = models.BooleanField(
        default=False, help_text="Shown to visitors when checked."
    )
    works = models.ManyToManyField(
        Submission, through="CollectionItem", related_name="collections"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gallery:collection", kwargs={"slug": self.slug})

    @property
    def public_cover(self) -> Submission | None:
        """Return the cover while it is in the gallery; hidden work never shows."""
        cover = self.cover
        if cover is not None and cover.state == Submission.State.ACCEPTED:
            return cover
        return None


class CollectionItem(models.Model):
    """One work's place in a collection."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="items"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="collection_items"
    )
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collection", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "submission"],
                name="collection_work_once",
                violation_error_message="That work is already in the collection.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}#{self.position}: {self.submission_id}"
