"""The voting rule a task sets: its quorum, threshold and review window.

A value read from the task's own fields, with the site's defaults where it
leaves them empty; `curation.rules` applies it to votes (docs/curation.md
states the rule in prose). Nothing here touches the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from art_tasks.models import CreationTask

MIN_SCORE = 1
MAX_SCORE = 5


@dataclass(frozen=True)
class VotingRule:
    """The quorum, threshold and window that decide one task's submissions."""

    quorum: int
    threshold: float
    window: timedelta

    @classmethod
    def site_default(cls) -> VotingRule:
        """Return the rule the settings give a task that sets nothing."""
        return cls(
            quorum=settings.ATELIER_VOTE_QUORUM,
            threshold=settings.ATELIER_ACCEPT_THRESHOLD,
            window=timedelta(hours=settings.ATELIER_REVIEW_WINDOW_HOURS),
        )

    @classmethod
    def for_task(cls, task: CreationTask) -> VotingRule:
        """Return `task`'s rule: its own values, the site default elsewhere."""
        default = cls.site_default()
        return cls(
            quorum=task.vote_quorum or default.quorum,
            threshold=(
                task.accept_threshold
                if task.accept_threshold is not None
                else default.threshold
            ),
            window=task.review_window or default.window,
        )

    @property
    def early_minimum(self) -> int:
        """Votes needed before an overwhelming result may close early."""
        return math.ceil(self.quorum / 2) + 1

    @property
    def late_minimum(self) -> int:
        """Votes needed to decide when the window ends, before any extension."""
        return math.ceil(self.quorum / 2)

    @property
    def window_hours(self) -> float:
        return self.window.total_seconds() / 3600

    def as_dict(self) -> dict[str, Any]:
        return {
            "quorum": self.quorum,
            "threshold": self.threshold,
            "window_hours": round(self.window_hours, 2),
            "early_minimum": self.early_minimum,
            "late_minimum": self.late_minimum,
        }

    def describe(self) -> str:
        """Return the rule as a sentence for the artist and the curators."""
        hours = f"{self.window_hours:g}"
        text = (
            f"Decided by {self.quorum} curator vote{'s' if self.quorum != 1 else ''}: "
            f"accepted at a mean score of {self.threshold:g} or more. "
            f"Votes are collected for {hours} hours; with fewer than "
            f"{self.late_minimum} by then the window is extended once."
        )
        if self.early_minimum < self.quorum:
            text += (
                f" From {self.early_minimum} votes on, a result no remaining "
                "vote could change closes early."
            )
        return text


def stored_rule(rule: dict) -> VotingRule:
    """Return the voting rule a decided work recorded (`decision_rule`)."""
    return VotingRule(
        quorum=int(rule.get("quorum", 0)),
        threshold=float(rule.get("threshold", 0)),
        window=timedelta(hours=float(rule.get("window_hours", 0))),
    )


def rule_text(submission: Any) -> str:
    """Describe the rule that decides (or decided) `submission`, in words."""
    if submission.decision_rule:
        return stored_rule(submission.decision_rule).describe()
    return VotingRule.for_task(submission.task).describe()
