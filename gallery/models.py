"""Curator votes on submissions."""

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
