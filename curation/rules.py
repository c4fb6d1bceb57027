"""The voting rule: when curator votes decide a submission, and how.

Pure functions over counters (and, for who may vote, the rows in hand), so
the rule reads the same in services, pages, tests and docs (docs/curation.md
states it in prose). Nothing here touches the database; the values a task
sets are `art_tasks.voting.VotingRule`.

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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from art_tasks.models import Submission
from art_tasks.voting import MAX_SCORE, MIN_SCORE, VotingRule
from core.errors import AtelierError
from core.roles import is_curator
from curation.errors import NotACurator, NotInReview, VoteOnOwnTask, VoteOnOwnWork

if TYPE_CHECKING:
    from art_tasks.models import CreationTask

ACCEPTED = "accepted"
REJECTED = "rejected"


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


# Who may vote -------------------------------------------------------------------

NOT_A_CURATOR = "Only curators can vote on submissions."


def vote_refusal(
    *, submission: Submission, curator: Any, task: CreationTask
) -> AtelierError | None:
    """Return why `curator` may not vote on `submission` (of `task`), or None.

    Curators vote on work in review, never on their own work nor on work
    for a task they published. The service raises what this returns; pages
    offer the vote form only where it returns None.
    """
    if not is_curator(curator):
        return NotACurator(NOT_A_CURATOR)
    if submission.artist_id == curator.pk:
        return VoteOnOwnWork("You cannot vote on your own work.")
    if task.created_by_id == curator.pk:
        return VoteOnOwnTask(
            "You published this task, so its submissions are for other curators "
            "to judge."
        )
    if submission.state != Submission.State.IN_REVIEW:
        return NotInReview(
            f"This submission is {submission.get_state_display().lower()}, "
            "not in review."
        )
    return None
