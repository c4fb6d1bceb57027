"""Reads of tasks, claims and submissions shared by pages and the API."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Claim, CreationTask, SeedImage, Submission


def _holding_filter() -> Q:
    now = timezone.now()
    return Q(claims__state=Claim.State.SUBMITTED) | Q(
        claims__state=Claim.State.ACTIVE, claims__expires_at__gt=now
    )


def _in_states(states: list[str]) -> Q:
    """Return the condition "currently in one of `states`".

    An open task past its deadline counts as closed at once, computed here
    like a claim's `expires_at`: the beat job that writes `closed` only
    tidies the row up.
    """
    open_, closed = CreationTask.State.OPEN, CreationTask.State.CLOSED
    now = timezone.now()
    before_deadline = Q(deadline__isnull=True) | Q(deadline__gt=now)
    condition = Q(state__in=[s for s in states if s != open_])
    if open_ in states:
        condition |= Q(state=open_) & before_deadline
    if closed in states:
        condition |= Q(state=open_, deadline__lte=now)
    return condition


def task_list(
    *, states: list[str] | None = None, tag: str | None = None
) -> QuerySet[CreationTask]:
    """Return tasks with their slot use, tags and first seeds, newest first.

    Open tasks (the default) leave out those past their deadline. Three
    queries whatever the length: tasks (with the held-slot count), tags,
    seeds.
    """
    qs = (
        CreationTask.objects.filter(_in_states(states or [CreationTask.State.OPEN]))
        .annotate(held=Count("claims", filter=_holding_filter(), distinct=True))
        .select_related("created_by")
        .prefetch_related(
            "tags",
            Prefetch("seeds", queryset=SeedImage.objects.order_by("index")),
        )
        .order_by("-opened_at", "-created_at")
    )
    if tag:
        qs = qs.filter(tags__name=tag)
    return qs


def get_task(*, pk: int) -> CreationTask:
    """Return one task with its held-slot count, tags and seeds."""
    return task_list(states=list(CreationTask.State.values)).get(pk=pk)


def live_claim(*, task: CreationTask, user: User) -> Claim | None:
    """Return `user`'s claim on `task` that still holds a slot right now."""
    if not user.is_authenticated:
        return None
    return (
        Claim.objects.filter(
            task=task,
            contributor=user,
            state=Claim.State.ACTIVE,
            expires_at__gt=timezone.now(),
        )
        .select_related("task")
        .first()
    )


def user_claims(*, user: User) -> QuerySet[Claim]:
    """Return `user`'s claims, newest first, with task and submission."""
    return (
        Claim.objects.filter(contributor=user)
        .select_related("task", "submission")
        .order_by("-claimed_at")
    )


def user_submissions(*, user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(artist=user)
        .select_related("task", "seed", "artist")
        .order_by("-created_at")
    )


def can_see_original(*, submission: Submission, viewer: User | None) -> bool:
    """Return whether `viewer` may fetch `submission`'s stored original.

    The original (full resolution, personal metadata already removed) is for
    its artist and staff, and for curators while the work is in review; the
    public sees the web variants of accepted work, and downloads a copy with
    the licence embedded.
    """
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == submission.artist_id or viewer.is_staff:
        return True
    return submission.state == Submission.State.IN_REVIEW and viewer.is_curator
