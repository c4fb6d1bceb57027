"""Reads of curation: voting rules, the review queue, votes and the blind rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from accounts.models import User
from art_tasks.models import (
    REVIEW_QUEUE_ORDER,
    CreationTask,
    Submission,
    review_extended_first,
)
from art_tasks.selectors import Viewer
from art_tasks.voting import VotingRule
from core.db import JSONRows, from_row, row_fields
from curation.models import Vote

# The review queue's size is counted up to this many; past it pages say "100+".
QUEUE_COUNT_LIMIT = 100


def voting_rule(*, submission: Submission) -> dict[str, Any]:
    """Return the rule that decided `submission`, or the one that will."""
    if submission.decision_rule:
        return submission.decision_rule
    return VotingRule.for_task(submission.task).as_dict()


@dataclass
class VoteView:
    """What one person may see of a submission's individual votes."""

    visible: bool
    anonymous: bool
    message: str
    votes: list[Vote] = field(default_factory=list)
    mine: Vote | None = None


# What a vote shows of its curator.
_CURATOR_FIELDS = ("id", "username", "display_name")


def vote_rows() -> JSONRows:
    """Return the outer submission's votes with their curators, as JSON rows.

    What `votes_for_viewer` reads, in the order it reads them, for the
    query of the submission's own row; read back with `votes_from_rows`.
    """
    rows = (
        Vote.objects.filter(submission=OuterRef("pk"))
        .order_by("created_at")
        .values(
            row=JSONObject(
                **row_fields(Vote),
                curator=JSONObject(
                    **row_fields(User, *_CURATOR_FIELDS, prefix="curator__")
                ),
            )
        )
    )
    return JSONRows(rows)


def votes_from_rows(rows: list[dict]) -> list[Vote]:
    votes = []
    for row in rows:
        vote = from_row(Vote, row)
        vote.curator = from_row(User, row["curator"])
        votes.append(vote)
    return votes


def votes_for_viewer(
    *, submission: Submission, viewer: Viewer, votes: list[Vote] | None = None
) -> VoteView:
    """Return the votes `viewer` may see, applying the blind-vote rule.

    Curators see the other scores only after casting their own (or once the
    work is decided); the artist sees scores and comments, unsigned, as
    feedback once the work is decided; staff see everything; visitors see
    only the published mean score. `votes` are the submission's, read
    already (`vote_rows`); else they cost a query, when they may show.
    """
    decided = submission.decided_at is not None
    if viewer is None or not viewer.is_authenticated:
        return VoteView(
            visible=False,
            anonymous=True,
            message="Individual votes are shown to curators and the artist.",
        )
    if not (
        viewer.is_staff or viewer.is_curator or viewer.pk == submission.artist_id
    ):  # no vote of theirs to find, none to show: no query
        return VoteView(
            visible=False,
            anonymous=True,
            message="Individual votes are shown to curators and the artist.",
        )
    if votes is None:
        votes = list(submission.votes.select_related("curator").order_by("created_at"))
    mine = next((v for v in votes if v.curator_id == viewer.pk), None)
    if viewer.is_staff or (viewer.is_curator and (mine is not None or decided)):
        return VoteView(
            visible=True, anonymous=False, message="", votes=votes, mine=mine
        )
    if viewer.pk == submission.artist_id:
        if decided:
            return VoteView(
                visible=True, anonymous=True, message="", votes=votes, mine=None
            )
        return VoteView(
            visible=False,
            anonymous=True,
            message="Scores and comments reach you with the decision.",
        )
    if viewer.is_curator:
        return VoteView(
            visible=False,
            anonymous=False,
            message="Vote first: other curators' scores stay hidden until you "
            "have cast yours.",
        )
    return VoteView(
        visible=False,
        anonymous=True,
        message="Individual votes are shown to curators and the artist.",
    )


def review_queue(*, curator: User, skip: Iterable[int] = ()) -> QuerySet[Submission]:
    """Return the submissions `curator` may still vote on, neediest first.

    Leaves out the curator's own work, work for tasks they published, what
    they already voted on and what they skipped. Extended reviews (their
    window ran out short of votes) come first, then fewest votes, then
    oldest.

    The order is the one of the partial index `review_queue_next`, and the
    left-out rows are anti-joins (NOT EXISTS), so taking the first item
    walks that index and stops at the first row that passes: its cost does
    not grow with the queue. Do not count the whole of it on a page; see
    `queue_size`.
    """
    voted = Vote.objects.filter(submission=OuterRef("pk"), curator=curator)
    own_task = CreationTask.objects.filter(pk=OuterRef("task_id"), created_by=curator)
    qs = Submission.objects.filter(
        ~Exists(voted),
        ~Exists(own_task),
        state=Submission.State.IN_REVIEW,
    ).exclude(artist=curator)
    skipped = [int(pk) for pk in skip]
    if skipped:
        qs = qs.exclude(pk__in=skipped)
    return qs.select_related("artist", "task", "seed").order_by(
        review_extended_first(), *REVIEW_QUEUE_ORDER
    )


def next_for_review(*, curator: User, skip: Iterable[int] = ()) -> Submission | None:
    return review_queue(curator=curator, skip=skip).first()


def next_and_size(
    *, curator: User, skip: Iterable[int] = ()
) -> tuple[Submission | None, int]:
    """Return the next item for `curator` and `queue_size`, in one query.

    The size rides on the first row as a subquery Postgres runs once; with
    no first row the queue is empty, so the size is 0.
    """
    skip = list(skip)
    size = (
        Submission.objects.filter(pk__in=_size_query(curator=curator, skip=skip))
        .order_by()
        .values(n=Func(template="COUNT(*)", output_field=IntegerField()))
    )
    first = (
        review_queue(curator=curator, skip=skip)
        .annotate(queue_remaining=Subquery(size))
        .first()
    )
    return first, (first.queue_remaining if first is not None else 0)


def _size_query(*, curator: User, skip: Iterable[int]) -> QuerySet[Submission]:
    queue = review_queue(curator=curator, skip=skip).select_related(None)
    return queue.values("pk")[: QUEUE_COUNT_LIMIT + 1]


def queue_size(*, curator: User, skip: Iterable[int] = ()) -> int:
    """Return how many items wait for `curator`, counted to one past the limit.

    At most `QUEUE_COUNT_LIMIT + 1`: a page shows "100+" for that, since
    counting a queue of 100,000 to print its size would cost as much as
    reading all of it. The count walks the queue's index and stops there.
    """
    return _size_query(curator=curator, skip=skip).count()


def open_votes(*, curator: User, limit: int = 20) -> QuerySet[Vote]:
    """Return `curator`'s votes on work still in review (they may change them)."""
    return (
        Vote.objects.filter(
            curator=curator, submission__state=Submission.State.IN_REVIEW
        )
        .select_related("submission")
        .order_by("-updated_at")[:limit]
    )


def scores_visible(*, submission: Submission, viewer: Viewer) -> bool:
    """Return whether `viewer` may see figures computed from the work's votes.

    The blind-vote rule: once decided, anyone who may see the work; while
    in review, staff and the curators who have voted on it, never the
    artist nor a curator who has not voted yet.
    """
    if submission.decided_at is not None:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.is_staff:
        return True
    return bool(
        viewer.is_curator and submission.votes.filter(curator_id=viewer.pk).exists()
    )
