"""Reputation: points for accepted work, for its lineage and for reviews.

The rules, also written out in docs/community.md:

- An accepted work earns its artist ``round(10 × mean score)`` points.
- Lineage: when the work's seed was bred from earlier seeds, the other
  contributors whose accepted work was made from the parent seeds share 25 %
  of those points equally (rounded down); those whose accepted work was made
  from the grandparent seeds share 10 %. The shares are extra: the artist
  keeps the full points.
- Each vote on a decided submission earns its curator 2 points, and 3 more
  when the vote agreed with the decision (a score at or above the acceptance
  threshold on accepted work, below it on rejected work).

The ledger is append-only. `award_decision` computes what the submission's
current state is worth to each person and appends only the difference from
what the ledger already holds, so calling it again changes nothing and a
changed decision (or hiding the work) appends correcting entries.
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from art_tasks.models import Submission
from community.models import ReputationEvent

Reason = ReputationEvent.Reason

ACCEPTED_POINTS_PER_STAR = 10
# (reason, percent of the accepted-work points, lookup from a submission's
# seed to the seed the work was bred from)
LINEAGE_SHARES = (
    (Reason.LINEAGE_PARENT, 25, "seed__children"),
    (Reason.LINEAGE_GRANDPARENT, 10, "seed__children__children"),
)
REVIEW_POINTS = 2
LAB_SEED_POINTS = 5  # per lab seed a published task uses
AGREEMENT_POINTS = 3

# One ledger account: (user id, reason, vote id or None).
Key = tuple[int, str, int | None]


def accepted_work_points(score: float) -> int:
    """Return the points an accepted work with mean `score` earns its artist."""
    return math.floor(score * ACCEPTED_POINTS_PER_STAR + 0.5)


def accept_threshold(submission: Submission) -> float:
    """Return the mean score at which `submission` was to be accepted.

    The rule recorded with the decision wins, then the task's own threshold,
    then the site default.
    """
    rule = submission.decision_rule or {}
    if isinstance(rule.get("threshold"), int | float):
        return float(rule["threshold"])
    task_threshold = submission.task.accept_threshold
    if task_threshold is not None:
        return float(task_threshold)
    return float(settings.ATELIER_ACCEPT_THRESHOLD)


def _lineage_targets(submission: Submission, points: int) -> dict[Key, int]:
    targets: dict[Key, int] = {}
    for reason, percent, lookup in LINEAGE_SHARES:
        contributors = sorted(
            set(
                Submission.objects.filter(
                    **{lookup: submission.seed_id}, state=Submission.State.ACCEPTED
                )
                .exclude(artist_id=submission.artist_id)
                .values_list("artist_id", flat=True)
            )
        )
        if not contributors:
            continue
        each = points * percent // (100 * len(contributors))
        if each > 0:
            for user_id in contributors:
                targets[(user_id, reason, None)] = each
    return targets


def decision_targets(submission: Submission) -> dict[Key, int]:
    """Return what `submission`'s current state is worth, per ledger account."""
    targets: dict[Key, int] = {}
    state = submission.state
    if state == Submission.State.ACCEPTED and submission.score is not None:
        points = accepted_work_points(submission.score)
        targets[(submission.artist_id, Reason.ACCEPTED_WORK, None)] = points
        targets.update(_lineage_targets(submission, points))
    if state in (Submission.State.ACCEPTED, Submission.State.REJECTED):
        accepted = state == Submission.State.ACCEPTED
        threshold = accept_threshold(submission)
        for vote in submission.votes.all():
            targets[(vote.curator_id, Reason.REVIEW, vote.pk)] = REVIEW_POINTS
            if (vote.score >= threshold) == accepted:
                targets[(vote.curator_id, Reason.AGREEMENT, vote.pk)] = AGREEMENT_POINTS
    return targets


@transaction.atomic
def award_decision(*, submission: Submission) -> list[ReputationEvent]:
    """Bring the ledger in line with `submission`'s state; return new entries.

    The state, score and rule are read from the instance passed in, which the
    caller has just decided (or hidden) in this transaction, saved or not:
    pass a current instance, never a stale copy. The row lock is taken here,
    so concurrent awards for one submission run one after the other.

    Idempotent: a second call with the same state appends nothing. A
    re-decision appends the difference (negative where points are taken
    back). While the work is hidden its artist and lineage points are taken
    back, but curators keep the credit for the review they did. Each
    person's `reputation` total moves in the same transaction.
    """
    Submission.objects.select_for_update(of=("self",)).filter(
        pk=submission.pk
    ).values_list("pk").get()
    targets = decision_targets(submission)
    # A challenge win is awarded once, at the close, and stands (see
    # docs/challenges.md): it is not a value of the work's state.
    ledger = ReputationEvent.objects.filter(submission=submission).exclude(
        reason=Reason.CHALLENGE_WIN
    )
    if submission.state == Submission.State.HIDDEN:
        ledger = ledger.exclude(reason__in=ReputationEvent.CURATOR_REASONS)
    current: dict[Key, int] = {
        (row["user_id"], row["reason"], row["vote_id"]): row["total"]
        for row in ledger.order_by()
        .values("user_id", "reason", "vote_id")
        .annotate(total=Sum("points"))
    }
    now = timezone.now()
    events = []
    for key in sorted(
        set(targets) | set(current), key=lambda k: (k[0], k[1], k[2] or 0)
    ):
        delta = targets.get(key, 0) - current.get(key, 0)
        if delta:
            user_id, reason, vote_id = key
            events.append(
                ReputationEvent(
                    user_id=user_id,
                    reason=reason,
                    vote_id=vote_id,
                    submission=submission,
                    points=delta,
                    created_at=now,
                )
            )
    ReputationEvent.objects.bulk_create(events)
    totals: dict[int, int] = defaultdict(int)
    for event in events:
        totals[event.user_id] += event.points
    # A fixed order keeps two concurrent awards from deadlocking on users.
    for user_id in sorted(totals):
        if totals[user_id]:
            User.objects.filter(pk=user_id).update(
                reputation=F("reputation") + totals[user_id]
            )
    return events


@transaction.atomic
def credit_lab_breeders(*, task: object, lab_seeds: list) -> list[ReputationEvent]:
    """Append `LAB_SEED_POINTS` per lab seed `task` uses to each breeder's ledger.

    Called once per published task (the `lab_seeds_used` event); a breeder
    with several seeds in the task gets one entry with their sum. A person
    never gets points for seeds they used in their own task as staff.
    """
    per_breeder: dict[int, int] = defaultdict(int)
    for seed in lab_seeds:
        if seed.breeder_id != getattr(task, "created_by_id", None):
            per_breeder[seed.breeder_id] += LAB_SEED_POINTS
    now = timezone.now()
    events = ReputationEvent.objects.bulk_create(
        [
            ReputationEvent(
                user_id=user_id, reason=Reason.LAB_SEED, points=points, created_at=now
            )
            for user_id, points in sorted(per_breeder.items())
        ]
    )
    for user_id, points in sorted(per_breeder.items()):
        User.objects.filter(pk=user_id).update(reputation=F("reputation") + points)
    return events
