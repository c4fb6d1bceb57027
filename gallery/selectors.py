"""Reads of the gallery and the review queue shared by pages and the API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from art_tasks.models import Submission

from .models import Vote

ORDERS = {
    "top": ("-score", "-decided_at", "-id"),
    "new": ("-decided_at", "-id"),
}


def gallery_list(
    *,
    order: str = "top",
    tag: str | None = None,
    task: int | None = None,
    artist: str | None = None,
) -> QuerySet[Submission]:
    """Return accepted work in the requested order, with artist, task and seed.

    One query per page: everything shown on a card is joined in.
    """
    qs = Submission.objects.filter(state=Submission.State.ACCEPTED).select_related(
        "artist", "task", "seed"
    )
    if tag:
        qs = qs.filter(task__tags__name=tag)
    if task:
        qs = qs.filter(task_id=task)
    if artist:
        qs = qs.filter(artist__username=artist)
    return qs.order_by(*ORDERS.get(order, ORDERS["top"]))


def public_artwork(*, pk: int) -> Submission:
    """Return one accepted work for its public page."""
    return (
        Submission.objects.select_related("artist", "task", "seed")
        .prefetch_related("task__tags")
        .get(pk=pk, state=Submission.State.ACCEPTED)
    )


def review_queue(*, curator: User) -> QuerySet[Submission]:
    """Return the submissions `curator` may still vote on, neediest first.

    Leaves out the curator's own work and what they already voted on;
    fewest votes first, then oldest.
    """
    voted = Vote.objects.filter(submission=OuterRef("pk"), curator=curator)
    return (
        Submission.objects.filter(state=Submission.State.IN_REVIEW)
        .exclude(artist=curator)
        .exclude(Exists(voted))
        .select_related("artist", "task", "seed")
        .order_by("vote_count", "created_at", "id")
    )


def next_for_review(*, curator: User) -> Submission | None:
    return review_queue(curator=curator).first()


def artist_works(*, artist: User) -> QuerySet[Submission]:
    return gallery_list(order="new", artist=artist.username)
