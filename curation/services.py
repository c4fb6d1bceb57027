"""Every write of curation: votes, decisions, review windows, the ranking prior."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from art_tasks.models import UNFOLDED, CreationTask, Submission
from art_tasks.voting import VotingRule
from core.errors import AtelierError
from core.roles import is_curator, require_staff
from curation.errors import (
    AlreadyVoted,
    NotACurator,
    NotInReview,
)
from curation.models import RankingPrior, Vote
from curation.ranking import bayesian_average, trend_of, wilson_lower_bound
from curation.rules import (
    NOT_A_CURATOR,
    Outcome,
    decide_after_vote,
    decide_at_window_end,
    vote_refusal,
)
from curation.signals import submission_decided


def current_prior() -> RankingPrior:
    """Return the Bayesian prior of "top": the stored row or the settings."""
    prior = RankingPrior.objects.filter(pk=1).first()
    if prior is None:
        prior = RankingPrior(
            pk=1,
            mean=settings.ATELIER_RANK_PRIOR_MEAN,
            weight=settings.ATELIER_RANK_PRIOR_WEIGHT,
        )
    return prior


def _apply_decision(
    submission: Submission, *, rule: VotingRule, outcome: Outcome, now: datetime
) -> list[str]:
    """Set the decision fields of a locked submission; return them for saving."""
    n = submission.vote_count
    submission.state = outcome.state
    submission.decided_at = now
    submission.decision_reason = outcome.reason[:200]
    submission.decision_rule = {
        **rule.as_dict(),
        "trigger": outcome.trigger,
        "votes": n,
        "mean": round(submission.score_sum / n, 4) if n else None,
        "extended": submission.review_extended_at is not None,
    }
    submission.rank_popular = wilson_lower_bound(
        likes=submission.like_count, views=submission.view_count
    )
    submission.trend_score = trend_of(submission, now)
    # Due at the next decay run, which then spaces the rewrites by age.
    accepted = submission.state == Submission.State.ACCEPTED
    submission.trend_due_at = now if accepted else None
    # Reputation and notifications (community) join this transaction.
    submission_decided.send(sender=Submission, submission=submission)
    return [
        "state",
        "decided_at",
        "decision_reason",
        "decision_rule",
        "rank_popular",
        "trend_score",
        "trend_due_at",
    ]


def _clean_score(score: object) -> int:
    text = str(score).strip()
    if not text.isdecimal() or not 1 <= int(text) <= 5:
        raise AtelierError("A score is a whole number from 1 to 5.", code="bad_score")
    return int(text)


@transaction.atomic
def cast_vote(
    *,
    submission: Submission,
    curator: User,
    score: int,
    comment: str | None = None,
) -> Vote:
    """Record or change `curator`'s score for `submission`, deciding it if due.

    A curator has one vote per submission and may change it (score and
    comment; a `comment` of None keeps the old one) until the submission is
    decided. The submission row is locked, so the counters and the decision
    stay exact when curators vote at the same moment. Curators never vote on
    their own work or on work for a task they published.
    """
    if not is_curator(curator):
        raise NotACurator(NOT_A_CURATOR)
    value = _clean_score(score)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    task = CreationTask.objects.get(pk=submission.task_id)
    refusal = vote_refusal(submission=submission, curator=curator, task=task)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    vote = Vote.objects.filter(submission=submission, curator=curator).first()
    if vote is None:
        vote = Vote(
            submission=submission,
            curator=curator,
            score=value,
            comment=(comment or "").strip(),
        )
        vote.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                vote.save()
        except IntegrityError as exc:  # the constraint is the last word
            raise AlreadyVoted("You have already voted on this submission.") from exc
        submission.vote_count += 1
        submission.score_sum += value
    else:
        submission.score_sum += value - vote.score
        vote.score = value
        if comment is not None:
            vote.comment = comment.strip()
        vote.revised_at = now
        vote.full_clean(validate_constraints=False)
        vote.save(update_fields=["score", "comment", "revised_at", "updated_at"])
    submission.score = submission.score_sum / submission.vote_count
    prior = current_prior()
    submission.rank_top = bayesian_average(
        score_sum=submission.score_sum,
        vote_count=submission.vote_count,
        mean=prior.mean,
        weight=prior.weight,
    )
    fields = ["vote_count", "score_sum", "score", "rank_top", "updated_at"]
    rule = VotingRule.for_task(task)
    outcome = decide_after_vote(
        rule=rule, vote_count=submission.vote_count, score_sum=submission.score_sum
    )
    if outcome is not None:
        fields += _apply_decision(submission, rule=rule, outcome=outcome, now=now)
    submission.save(update_fields=fields)
    return vote


@transaction.atomic
def decide_submission(
    *, submission: Submission, by: User, accept: bool, reason: str
) -> Submission:
    """Accept or reject a submission in review by staff decision, on its votes.

    For what the voting rule cannot settle (the admin's accept and reject).
    The decision records `reason` for the artist and "staff" as its
    trigger, and has the same effects as any other: ranks, reputation,
    notifications.
    """
    require_staff(by, "Only staff can decide a submission.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the artist reads the reason."})
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.IN_REVIEW:
        raise NotInReview(
            f"This submission is {submission.get_state_display().lower()}, "
            "not in review."
        )
    rule = VotingRule.for_task(CreationTask.objects.get(pk=submission.task_id))
    state = Submission.State.ACCEPTED if accept else Submission.State.REJECTED
    outcome = Outcome(state=state, reason=reason, trigger="staff")
    fields = _apply_decision(submission, rule=rule, outcome=outcome, now=timezone.now())
    submission.save(update_fields=[*fields, "updated_at"])
    return submission


@transaction.atomic
def close_review(*, submission: Submission, now: datetime | None = None) -> Submission:
    """Decide or extend one submission whose review window has ended.

    The work is decided on the votes it has, or, with too few, sent back to
    the top of the review queue for one more window (`review_extended_at`).
    A submission that is not due, or no longer in review, is left as it is,
    so a repeated beat run changes nothing.
    """
    now = now or timezone.now()
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    due = submission.review_due_at
    if submission.state != Submission.State.IN_REVIEW or due is None or due > now:
        return submission
    rule = VotingRule.for_task(CreationTask.objects.get(pk=submission.task_id))
    outcome = decide_at_window_end(
        rule=rule,
        vote_count=submission.vote_count,
        score_sum=submission.score_sum,
        extended=submission.review_extended_at is not None,
    )
    if outcome is None:
        submission.review_extended_at = now
        submission.review_due_at = now + rule.window
        fields = ["review_extended_at", "review_due_at"]
    else:
        fields = _apply_decision(submission, rule=rule, outcome=outcome, now=now)
    submission.save(update_fields=[*fields, "updated_at"])
    return submission


def close_due_reviews(
    *, now: datetime | None = None, limit: int = 500
) -> dict[str, int]:
    """Decide or extend every submission past its review window; count each.

    Each submission is handled in its own transaction, so one failure leaves
    the others done; the next beat run picks up the rest.
    """
    now = now or timezone.now()
    due = list(
        Submission.objects.filter(
            state=Submission.State.IN_REVIEW, review_due_at__lte=now
        )
        .order_by("review_due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"accepted": 0, "rejected": 0, "extended": 0}
    for pk in due:
        result = close_review(submission=Submission(pk=pk), now=now)
        if result.state == Submission.State.IN_REVIEW:
            counts["extended"] += 1
        elif result.state in counts:
            counts[result.state] += 1
    return counts


# The site mean must move this much before every "top" rank is rewritten.
PRIOR_DRIFT = 0.01
# Bounds of one run of the prior's upkeep, in submission rows.
PRIOR_FOLD_BATCH = 5_000
PRIOR_FOLD_LIMIT = 50_000
PRIOR_RERANK_LIMIT = 50_000


def _locked_prior() -> RankingPrior:
    prior = RankingPrior.objects.select_for_update().filter(pk=1).first()
    if prior is None:
        prior = current_prior()
        prior.save(force_insert=True)
    return prior


_FOLD_SQL = """
WITH due AS ({due}),
folded AS (
    UPDATE {table} AS s SET
        prior_votes = CASE WHEN s.state = 'accepted' THEN s.vote_count ELSE 0 END,
        prior_score = CASE WHEN s.state = 'accepted' THEN s.score_sum ELSE 0 END
    FROM due WHERE s.id = due.id
    RETURNING s.prior_votes - due.prior_votes AS votes,
        s.prior_score - due.prior_score AS score
)
SELECT count(*), coalesce(sum(votes), 0), coalesce(sum(score), 0) FROM folded
"""


def _fold_votes(prior: RankingPrior, *, limit: int) -> int:
    """Add the vote changes of unfolded rows to the site totals; count rows.

    Reads only the rows the `prior_unfolded` index holds (whose counters
    moved since the last run, or that left the gallery), skipping rows a
    vote holds right now: the next run takes them.
    """
    folded = 0
    while folded < limit:
        size = min(PRIOR_FOLD_BATCH, limit - folded)
        due = (
            Submission.objects.filter(UNFOLDED)
            .select_for_update(skip_locked=True)
            .order_by("pk")
        )
        if connection.vendor == "postgresql":
            rows, votes, score = _fold_in_sql(due, size)
        else:
            rows, votes, score = _fold_in_python(due, size)
        prior.vote_total += votes
        prior.score_total += score
        folded += rows
        if rows < size:
            break
    return folded


def _fold_in_sql(due: QuerySet, size: int) -> tuple[int, int, int]:
    """Fold one batch in one statement; return rows, votes and score added."""
    batch = due.values("id", "prior_votes", "prior_score")[:size]
    sql, params = batch.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            _FOLD_SQL.format(due=sql, table=Submission._meta.db_table), params
        )
        return cursor.fetchone()


def _fold_in_python(due: QuerySet, size: int) -> tuple[int, int, int]:
    """Fold one batch row by row (SQLite and others)."""
    fields = ("pk", "state", "vote_count", "score_sum", "prior_votes", "prior_score")
    rows = list(due.values(*fields)[:size])
    votes = score = 0
    for row in rows:
        accepted = row["state"] == Submission.State.ACCEPTED
        new_votes = row["vote_count"] if accepted else 0
        new_score = row["score_sum"] if accepted else 0
        votes += new_votes - row["prior_votes"]
        score += new_score - row["prior_score"]
        Submission.objects.filter(pk=row["pk"]).update(
            prior_votes=new_votes, prior_score=new_score
        )
    return len(rows), votes, score


def _rerank_top(prior: RankingPrior, *, limit: int) -> int:
    """Rewrite the next `limit` "top" ranks against the prior; count them.

    Keyset batches in id order, resuming after `prior.rerank_after`, so a
    re-rank of a million works spreads over a few runs, each bounded. Until
    it finishes, the works not yet done rank against the previous mean, less
    than `PRIOR_DRIFT` away.
    """
    if prior.rerank_after is None:
        return 0
    ids = Submission.objects.filter(pk__gt=prior.rerank_after, vote_count__gt=0)
    last = ids.order_by("pk").values_list("pk", flat=True)[limit - 1 : limit].first()
    batch = ids if last is None else ids.filter(pk__lte=last)
    weight = prior.weight
    done = batch.update(
        rank_top=(Value(weight * prior.mean) + Cast(F("score_sum"), FloatField()))
        / (Value(weight) + Cast(F("vote_count"), FloatField()))
    )
    prior.rerank_after = last
    return done


@transaction.atomic
def refresh_ranking_prior() -> RankingPrior:
    """Follow the site mean score m; re-rank "top" when it moved.

    Votes keep each rank current in O(1) against the stored prior. This
    periodic job keeps the site totals as running sums (it reads only the
    rows whose votes changed since its last run), and when m moved by
    `PRIOR_DRIFT` or more (or the weight C changed in the settings) it
    re-ranks "top" in keyset batches, at most `PRIOR_RERANK_LIMIT` rows a
    run. A run with nothing changed writes only the prior's own row.
    """
    prior = _locked_prior()
    _fold_votes(prior, limit=PRIOR_FOLD_LIMIT)
    mean = settings.ATELIER_RANK_PRIOR_MEAN
    if prior.vote_total:
        mean = min(5.0, max(1.0, prior.score_total / prior.vote_total))
    weight = float(settings.ATELIER_RANK_PRIOR_WEIGHT)
    if abs(prior.mean - mean) >= PRIOR_DRIFT or prior.weight != weight:
        prior.mean, prior.weight, prior.rerank_after = mean, weight, 0
    _rerank_top(prior, limit=PRIOR_RERANK_LIMIT)
    prior.measured_at = timezone.now()
    prior.full_clean()
    prior.save()
    return prior
