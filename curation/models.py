"""Curator votes and the ranking prior of "top"."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from art_tasks.models import Submission
from core.models import TimeStampedModel


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
        db_table = "gallery_vote"  # kept from the app it grew up in
        ordering = ["created_at"]
        indexes = [
            # A curator's open votes, newest first (curation.selectors.open_votes).
            models.Index(fields=["curator", "-updated_at"], name="vote_curator_recent"),
        ]
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


class RankingPrior(models.Model):
    """The prior of the Bayesian "top" order: one row, site mean and weight.

    Each vote updates its work's rank in O(1) against this row. The site
    totals are running sums: the periodic job adds only the changes of the
    rows whose counters moved since it last ran (`Submission.prior_votes`),
    and when the mean has drifted it re-ranks "top" in keyset batches,
    resuming after `rerank_after`, a bounded number of rows per run.
    """

    mean = models.FloatField(help_text="Site mean score m (1-5).")
    weight = models.FloatField(help_text="Prior weight C, in votes.")
    measured_at = models.DateTimeField(null=True, blank=True)
    vote_total = models.BigIntegerField(
        default=0, help_text="Votes on accepted work, as last folded in."
    )
    score_total = models.BigIntegerField(
        default=0, help_text="Sum of the scores of those votes."
    )
    rerank_after = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Re-ranking against a new mean: the last submission id done.",
    )

    class Meta:
        db_table = "gallery_rankingprior"  # kept from the app it grew up in
        constraints = [
            models.CheckConstraint(
                condition=Q(mean__gte=1) & Q(mean__lte=5), name="prior_mean_range"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="prior_weight"),
        ]

    def __str__(self) -> str:
        return f"m={self.mean:.3f}, C={self.weight:g}"
