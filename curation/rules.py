"""The voting rule: when curator votes decide a submission, and how.

Pure functions over counters, so the rule reads the same in services, pages,
tests and docs (docs/curation.md states it in prose). Nothing here touches
the database.

A task's rule is its quorum ``q``, acceptance threshold ``t`` and review
window ``w``, each falling back to the site default when the task leaves it
empty. With ``n`` votes summing to ``S``:

* **Quorum** — once ``n >= q`` the work is decided: accepted when the mean
  ``S / n`` reaches ``t``, rejected otherwise.
* **Early close** — from ``ceil(q / 2) + 1`` votes on (and below the quorum),
  the work is decided as soon as the outcome at quorum is certain: accepted
  when even ``q - n`` scores of 1 would keep the mean at ``t`` or above,
  rejected when even ``q - n`` scores of 5 would leave it below ``t``.
* **Window end** — when the window ends with at least ``ceil(q / 2)`` votes,
  the work is decided on the votes it has. With fewer, the window is
  extended once and the work goes to the top of every curator's queue; when
  the extension ends, any vote decides, and a work nobody voted on is not
  accepted (its reason says so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from art_tasks.models import CreationTask

ACCEPTED = "accepted"
REJECTED = "rejected"
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


@dataclass(frozen=True)
class Outcome:
    """A decision: the new state, the reason shown to the artist, the trigger."""

    state: str
    reason: str
    trigger: str


def _mean_reaches(rule: VotingRule, total: float, count: int) -> bool:
    # A tolerance keeps 3 × 3.0 from losing to float rounding.
    return total >= rule.threshold * count - 1e-9


def _verdict(accepted: bool) -> str:
    return ACCEPTED if accepted else REJECTED


def decide_after_vote(
    *, rule: VotingRule, vote_count: int, score_sum: int
) -> Outcome | None:
    """Return the decision the votes so far call for, or None to keep waiting."""
    n, total = vote_count, score_sum
    if n == 0:
        return None
    mean = total / n
    if n >= rule.quorum:
        accepted = _mean_reaches(rule, total, n)
        return Outcome(
            state=_verdict(accepted),
            reason=(
                f"Mean score {mean:.2f} from {n} curators; works scoring "
                f"{rule.threshold:g} or more are accepted."
            ),
            trigger="quorum",
        )
    if n < rule.early_minimum:
        return None
    remaining = rule.quorum - n
    if _mean_reaches(rule, total + remaining * MIN_SCORE, rule.quorum):
        accepted = True
    elif not _mean_reaches(rule, total + remaining * MAX_SCORE, rule.quorum):
        accepted = False
    else:
        return None
    return Outcome(
        state=_verdict(accepted),
        reason=(
            f"Closed early: mean score {mean:.2f} from {n} of {rule.quorum} "
            f"curators; no remaining vote could change the outcome "
            f"(threshold {rule.threshold:g})."
        ),
        trigger="early",
    )


def decide_at_window_end(
    *, rule: VotingRule, vote_count: int, score_sum: int, extended: bool
) -> Outcome | None:
    """Return the decision when the review window ends, or None to extend it.

    None is only returned for a window that was never extended: a work is
    extended at most once, so nothing waits for votes forever.
    """
    n, total = vote_count, score_sum
    if n >= rule.late_minimum or (extended and n > 0):
        accepted = _mean_reaches(rule, total, n)
        return Outcome(
            state=_verdict(accepted),
            reason=(
                f"Review window ended: mean score {total / n:.2f} from {n} of "
                f"{rule.quorum} curators; works scoring {rule.threshold:g} or "
                "more are accepted."
            ),
            trigger="window",
        )
    if not extended:
        return None
    return Outcome(
        state=REJECTED,
        reason=(
            "Not accepted: no curator voted within the review window or its "
            "extension. This says nothing about the work itself."
        ),
        trigger="unreviewed",
    )
