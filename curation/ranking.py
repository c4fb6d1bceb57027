"""Formulas of the gallery orders, in Python and, where needed, in SQL.

Every stored rank is a pure function of counters on the submission row, so a
vote, like or view updates it in O(1) in the same transaction. The formulas
and their defaults are explained in docs/curation.md.

* top — Bayesian average ``(C·m + Σscores) / (C + n)``.
* popular — Wilson lower bound (95 %) of likes over views.
* trending — Hacker News gravity: ``points / (age_hours + 2) ** G``. The
  periodic decay rewrites a work when it is due (`next_trend_due`): the older
  the work, the slower its score moves, so the rarer the rewrite.
* discover — round-robin over artists among works at or above the median
  "top" rank, each round ordered so neighbours differ in task and style.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case, Expression, FloatField, Value, When
from django.db.models.functions import Cast, Greatest, Sqrt

if TYPE_CHECKING:
    from art_tasks.models import Submission

WILSON_Z = 1.959964  # 95 % two-sided normal quantile
LIKE_POINTS = 1.0
# A curator's score s adds s / 5 points: a 5 weighs as much as one like.
VOTE_POINTS_PER_SCORE = 0.2
TREND_OFFSET_HOURS = 2.0
# A work's trending score is rewritten once its (age + 2 h) grew by this
# fraction since the last rewrite, so a stored score is never more than
# (1 + 1/16) ** G, about 11 % at G = 1.8, above its exact value; and at
# least every TREND_MIN_STEP while it is young.
TREND_STALENESS = 1 / 16
TREND_MIN_STEP = timedelta(minutes=10)


def bayesian_average(
    *, score_sum: float, vote_count: int, mean: float, weight: float
) -> float:
    """Return ``(C·m + Σscores) / (C + n)``; ``m`` when nothing was scored."""
    if weight + vote_count <= 0:
        return mean
    return (weight * mean + score_sum) / (weight + vote_count)


def wilson_lower_bound(*, likes: int, views: int, z: float = WILSON_Z) -> float:
    """Return the lower bound of the Wilson score interval of likes / views.

    People can like a card without opening the work, so the number of trials
    is never taken below the number of likes.
    """
    n = max(views, likes)
    if n <= 0:
        return 0.0
    p = likes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - spread) / (1 + z2 / n)


def wilson_expression(
    likes: Expression, views: Expression, z: float = WILSON_Z
) -> Expression:
    """Return `wilson_lower_bound` as a database expression (for F() updates)."""
    n = Greatest(Cast(views, FloatField()), Cast(likes, FloatField()))
    p = Cast(likes, FloatField()) / n
    z2 = Value(z * z)
    centre = p + z2 / (Value(2.0) * n)
    spread = Value(z) * Sqrt(p * (Value(1.0) - p) / n + z2 / (Value(4.0) * n * n))
    return Case(
        When(condition=_positive(n), then=(centre - spread) / (Value(1.0) + z2 / n)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _positive(expression: Expression):  # noqa: ANN202 - a lookup
    from django.db.models.lookups import GreaterThan

    return GreaterThan(expression, Value(0.0))


def trend_points(*, like_count: int, score_sum: int) -> float:
    """Return the points a work has earned from likes and curator scores."""
    return like_count * LIKE_POINTS + score_sum * VOTE_POINTS_PER_SCORE


def trend_score(
    *, points: float, age_hours: float, gravity: float, horizon_hours: float
) -> float:
    """Return ``points / (age + 2) ** gravity``; 0 once past the horizon."""
    if age_hours > horizon_hours or points <= 0:
        return 0.0
    return points / (max(age_hours, 0.0) + TREND_OFFSET_HOURS) ** gravity


@dataclass(frozen=True)
class Candidate:
    """What the discover layout needs to know about one accepted work."""

    pk: int
    artist: int
    task: int
    style: str
    rank: float


def median_of(ranks: Sequence[float]) -> float:
    """Return the median of `ranks` (the mean of the middle two when even)."""
    ordered = sorted(ranks)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def discover_order(
    works: Sequence[Candidate], *, median: float | None = None
) -> list[Candidate]:
    """Return the works at or above the median rank, interleaved for variety.

    Round-robin over artists: round 1 holds every artist's best work, round 2
    their second best, and so on, so no artist repeats within a round. Inside
    a round, works go best first, except that a work whose task or style
    matches its predecessor's waits while a different one is available.

    `median` is the gallery's median rank when `works` are not the whole
    gallery (then they must hold each artist's best works down to some
    depth: the order of those first rounds is exact).
    """
    if not works:
        return []
    if median is None:
        median = median_of([w.rank for w in works])
    best_first = sorted(
        (w for w in works if w.rank >= median - 1e-12), key=lambda w: (-w.rank, -w.pk)
    )
    by_artist: dict[int, list[Candidate]] = {}
    for work in best_first:
        by_artist.setdefault(work.artist, []).append(work)
    rounds: list[list[Candidate]] = []
    for queue in by_artist.values():
        for depth, work in enumerate(queue):
            if depth == len(rounds):
                rounds.append([])
            rounds[depth].append(work)
    ordered: list[Candidate] = []
    for round_works in rounds:
        pending = sorted(round_works, key=lambda w: (-w.rank, -w.pk))
        while pending:
            previous = ordered[-1] if ordered else None
            pick = next(
                (
                    w
                    for w in pending
                    if previous is None
                    or (w.task != previous.task and w.style != previous.style)
                ),
                pending[0],
            )
            pending.remove(pick)
            ordered.append(pick)
    return ordered


__all__ = [
    "Candidate",
    "bayesian_average",
    "discover_order",
    "median_of",
    "next_trend_due",
    "trend_points",
    "trend_score",
    "wilson_expression",
    "wilson_lower_bound",
]


def trend_of(submission: Submission, now: datetime) -> float:
    """Return the "trending" score of `submission` at `now` (0 unless accepted)."""
    if submission.state != "accepted" or submission.decided_at is None:
        return 0.0
    return trend_score(
        points=trend_points(
            like_count=submission.like_count, score_sum=submission.score_sum
        ),
        age_hours=(now - submission.decided_at).total_seconds() / 3600,
        gravity=settings.ATELIER_TRENDING_GRAVITY,
        horizon_hours=settings.ATELIER_TRENDING_DAYS * 24,
    )


def next_trend_due(
    *, decided_at: datetime | None, now: datetime, horizon: timedelta
) -> datetime | None:
    """Return when the decay should next rewrite a work's "trending" score.

    None once the work is past the horizon (its score is 0 for good). The
    step grows with the age, so the number of rewrites per run is bounded
    by the rate of acceptance times log(horizon), not by the gallery's size.
    """
    if decided_at is None or now - decided_at >= horizon:
        return None
    age = now - decided_at + timedelta(hours=TREND_OFFSET_HOURS)
    return min(now + max(TREND_MIN_STEP, age * TREND_STALENESS), decided_at + horizon)
