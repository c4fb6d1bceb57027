"""Reads of the breeding lab: grids, kept seeds, mates to cross with, proposals.

A grid is its breeder's alone; a lab seed is public once kept, and staff
also see the ones proposed to them. Each read has a fixed query count.
"""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from art_tasks.models import CreationTask, SeedImage, Submission
from core.roles import is_signed_in
from generation import registry
from generation.models import LabGrid, LabSeed

MATES = 12  # options per group in the "cross with" picker


def lab_grid(*, pk: int, viewer: object) -> LabGrid:
    """Return `viewer`'s grid `pk` with children and parents (four queries).

    Raise `LabGrid.DoesNotExist` for a grid of someone else: grids are
    private to their breeder.
    """
    if not is_signed_in(viewer):
        raise LabGrid.DoesNotExist
    return (
        LabGrid.objects.filter(breeder=viewer)
        .select_related("previous")
        .prefetch_related(
            Prefetch("children", queryset=LabSeed.objects.order_by("index")),
            Prefetch("seed_parents", queryset=SeedImage.objects.select_related("task")),
            "lab_parents",
        )
        .get(pk=pk)
    )


def grid_children(*, grid: LabGrid) -> list[LabSeed]:
    """Return the children of `grid` in grid order (one query)."""
    return list(LabSeed.objects.filter(grid=grid).order_by("index"))


def recent_lab_grids(*, user: object, limit: int = 6) -> QuerySet[LabGrid]:
    """Return `user`'s latest grids, newest first."""
    return LabGrid.objects.filter(breeder=user).order_by("-created_at", "-id")[:limit]


def kept_lab_seeds(*, user: object) -> QuerySet[LabSeed]:
    """Return the seeds `user` kept in the lab, last kept first."""
    return (
        LabSeed.objects.filter(breeder=user, kept_at__isnull=False)
        .select_related("breeder", "proposed_for", "used_in")
        .order_by("-kept_at", "-id")
    )


def visible_lab_seed_q(viewer: object) -> Q:
    """Return the condition "`viewer` may see this lab seed"."""
    q = Q(kept_at__isnull=False)
    if is_signed_in(viewer):
        q |= Q(breeder=viewer)
        if viewer.is_staff:
            q |= Q(proposed_at__isnull=False)
    return q


def lab_seed_detail(*, pk: int, viewer: object) -> LabSeed:
    """Return lab seed `pk` with its parents, if `viewer` may see it (3 queries)."""
    return (
        LabSeed.objects.filter(visible_lab_seed_q(viewer))
        .select_related("breeder", "grid", "used_in", "proposed_for")
        .prefetch_related(
            Prefetch("seed_parents", queryset=SeedImage.objects.select_related("task")),
            Prefetch("lab_parents", queryset=LabSeed.objects.select_related("breeder")),
        )
        .get(pk=pk)
    )


def mates(*, user: object) -> dict[str, list]:
    """Return the seeds `user` may cross with: kept, liked and gallery ones.

    Three queries: the person's kept lab seeds, the seeds of works they
    liked, and the seeds of the best-ranked accepted works in the gallery.
    Only CPPN seeds breed.
    """
    kept = list(
        LabSeed.objects.filter(breeder=user, kept_at__isnull=False).order_by(
            "-kept_at", "-id"
        )[:MATES]
    )
    works = Submission.objects.filter(
        state=Submission.State.ACCEPTED, seed__task__generator=registry.CPPN
    ).select_related("seed", "seed__task")
    liked = list(works.filter(likes__user=user).order_by("-likes__created_at")[:MATES])
    gallery = list(works.order_by("-score", "-decided_at", "-id")[:MATES])
    return {"kept": kept, "liked": liked, "gallery": gallery}


def lab_seeds_for_publishing(*, user: object) -> QuerySet[LabSeed]:
    """Return the lab seeds staff may publish a task from: proposed or their own.

    Proposed seeds first (newest first), then `user`'s own kept ones; seeds
    a task already uses are left out.
    """
    return (
        LabSeed.objects.filter(
            Q(proposed_at__isnull=False) | Q(breeder=user, kept_at__isnull=False),
            used_in__isnull=True,
        )
        .exclude(image="")
        .select_related("breeder", "proposed_for")
        .order_by(F("proposed_at").desc(nulls_last=True), "-kept_at", "-id")[:64]
    )


def proposable_tasks(*, user: object) -> QuerySet[CreationTask]:
    """Return the tasks `user` may propose a lab seed for (open; staff: drafts)."""
    states = [CreationTask.State.OPEN]
    if is_signed_in(user) and user.is_staff:
        states.append(CreationTask.State.DRAFT)
    return CreationTask.objects.filter(state__in=states).order_by("-created_at")[:30]
