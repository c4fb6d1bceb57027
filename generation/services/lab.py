"""The breeding lab: grids of children bred by a person, kept, proposed, painted.

A grid is planned in the web process (`generation.lab`, no torch): its
children's recipes are fixed when it is asked for, and the
`paint_lab_grid_task` Celery task only paints them, a couple at a time, so
the grid fills in as the person watches. Every lab seed records its recipe,
parents, breeder and time; painting the recipe again gives the same pixels.

Limits: a person gets `ATELIER_LAB_CHILDREN_PER_HOUR` children an hour
(refused with a 429), and lab grids go to the generation queue with a lower
message priority than task seeds (see docs/lab.md).
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.services.outbox import send_on_commit
from art_tasks.models import CreationTask, SeedImage
from art_tasks.selectors import can_see_task
from core.errors import NotAllowed, NotFound
from generation import evolution, lab, registry
from generation.errors import LabLimitReached, LabRefused
from generation.models import LabGrid, LabSeed
from generation.services.jobs import _png_and_thumb, _render, _store_seed_file
from generation.tasks import paint_lab_grid_task

logger = logging.getLogger(__name__)

LAB_BATCH = 2  # children painted, then shown, together
RATE_WINDOW = timedelta(hours=1)


def _require_breeder(by: User | None) -> User:
    if by is None or not by.is_authenticated or not by.is_active:
        raise NotAllowed("Sign in to breed seeds in the lab.")
    return by


def children_this_hour(*, user: User) -> int:
    """Return how many lab children `user` asked for in the last hour."""
    since = timezone.now() - RATE_WINDOW
    return LabSeed.objects.filter(breeder=user, created_at__gte=since).count()


def _check_rate(user: User, count: int) -> None:
    limit = settings.ATELIER_LAB_CHILDREN_PER_HOUR
    used = children_this_hour(user=user)
    if used + count > limit:
        oldest = (
            LabSeed.objects.filter(
                breeder=user, created_at__gte=timezone.now() - RATE_WINDOW
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        wait = 60
        if oldest is not None:
            wait = max(1, int((oldest + RATE_WINDOW - timezone.now()).total_seconds()))
        minutes = max(1, round(wait / 60))
        raise LabLimitReached(
            f"The lab paints {limit} children an hour for each person, and you "
            f"have asked for {used}. Try again in about {minutes} minute"
            f"{'s' if minutes != 1 else ''}.",
            retry_after=wait,
        )


def _check_seed_parent(seed: SeedImage, by: User) -> None:
    if not can_see_task(task=seed.task, viewer=by):
        raise NotFound("No such seed.")
    if seed.recipe.get("generator") != registry.CPPN or not all(
        key in seed.recipe for key in evolution.GENETIC_KEYS
    ):
        raise LabRefused("Only seeds painted by the CPPN painter can be bred.")


def _check_lab_parent(seed: LabSeed, by: User) -> None:
    if seed.breeder_id != by.pk and not seed.kept:
        raise NotFound("No such lab seed.")
    if not seed.painted:
        raise LabRefused("That child is still being painted; wait for it.")


def _controls(
    *, strength: float, keep: Iterable[str], palette: int | None, style: str
) -> tuple[float, list[str], list[str] | None]:
    try:
        strength = float(strength)
    except (TypeError, ValueError):
        raise LabRefused("The mutation strength must be a number.") from None
    if not lab.MIN_STRENGTH <= strength <= lab.MAX_STRENGTH:
        raise LabRefused(
            f"The mutation strength must be between {lab.MIN_STRENGTH} and "
            f"{lab.MAX_STRENGTH}."
        )
    keep = sorted(set(keep))
    unknown = [g for g in keep if g not in lab.GENE_GROUPS]
    if unknown:
        raise LabRefused(
            f"Unknown genes {', '.join(unknown)}; keep any of "
            f"{', '.join(lab.GENE_GROUPS)}."
        )
    stops = None
    if palette is not None:
        choices = lab.palettes_of(style)
        if not 0 <= palette < len(choices):
            raise LabRefused(f"The {style} style has palettes 1 to {len(choices)}.")
        stops = choices[palette]
    if set(keep) == set(lab.GENE_GROUPS) and stops is None:
        raise LabRefused(
            "Every gene is kept, so the children would all be the same: leave "
            "one free, or choose another palette."
        )
    return strength, keep, stops


@transaction.atomic
def start_lab_grid(
    *,
    by: User,
    seeds: Iterable[SeedImage] = (),
    lab_seeds: Iterable[LabSeed] = (),
    strength: float = lab.DEFAULT_STRENGTH,
    keep: Iterable[str] = (),
    palette: int | None = None,
    previous: LabGrid | None = None,
) -> LabGrid:
    """Plan a grid of children of `seeds` and `lab_seeds` and queue its painting.

    One parent: the children are its mutations; two or more: crossovers of
    them. `strength` scales the mutations, `keep` names gene groups copied
    from the parent (`generation.lab.GENE_GROUPS`) and `palette` the index
    of one of the first parent's style palettes. Site seeds must be public
    (or the viewer staff); lab seeds the breeder's own or kept ones. Raise
    `LabLimitReached` past the hourly limit, `LabRefused` for bad controls.
    """
    by = _require_breeder(by)
    seeds, lab_seeds = list(seeds), list(lab_seeds)
    if not seeds and not lab_seeds:
        raise LabRefused("Choose a seed to breed from.")
    if len(seeds) + len(lab_seeds) > settings.ATELIER_LAB_GRID:
        raise LabRefused(
            f"Pick at most {settings.ATELIER_LAB_GRID} parents for one grid."
        )
    for seed in seeds:
        _check_seed_parent(seed, by)
    for child in lab_seeds:
        _check_lab_parent(child, by)
    if previous is not None and previous.breeder_id != by.pk:
        raise NotFound("No such lab grid.")
    genomes = [s.recipe for s in lab_seeds] + [s.recipe for s in seeds]
    style = genomes[0]["style"]
    strength, keep, stops = _controls(
        strength=strength, keep=keep, palette=palette, style=style
    )
    count = settings.ATELIER_LAB_GRID
    User.objects.select_for_update().filter(pk=by.pk).values_list("pk").get()
    _check_rate(by, count)
    rng_seed = random.SystemRandom().getrandbits(62)
    children = lab.lab_children(
        genomes,
        count=count,
        rng=rng_seed,
        strength=strength,
        keep=set(keep),
        palette=stops,
        size=settings.ATELIER_LAB_IMAGE_SIZE,
    )
    grid = LabGrid.objects.create(
        breeder=by,
        previous=previous,
        total=count,
        controls={
            "strength": strength,
            "keep": keep,
            "palette": palette,
            "rng": rng_seed,
            "mode": "crossover" if len(genomes) > 1 else "mutation",
        },
    )
    grid.seed_parents.set(seeds)
    grid.lab_parents.set(lab_seeds)
    rows = LabSeed.objects.bulk_create(
        [
            LabSeed(breeder=by, grid=grid, index=i, recipe=genome)
            for i, (genome, _) in enumerate(children)
        ]
    )
    n_lab = len(lab_seeds)
    SeedLink, LabLink = LabSeed.seed_parents.through, LabSeed.lab_parents.through
    SeedLink.objects.bulk_create(
        [
            SeedLink(labseed_id=row.pk, seedimage_id=seeds[i - n_lab].pk)
            for row, (_, used) in zip(rows, children, strict=True)
            for i in used
            if i >= n_lab
        ]
    )
    LabLink.objects.bulk_create(
        [
            LabLink(from_labseed_id=row.pk, to_labseed_id=lab_seeds[i].pk)
            for row, (_, used) in zip(rows, children, strict=True)
            for i in used
            if i < n_lab
        ]
    )
    send_on_commit(paint_lab_grid_task, grid.pk)
    return grid


def _own_grid(grid: LabGrid, by: User) -> LabGrid:
    if grid.breeder_id != by.pk:
        raise NotFound("No such lab grid.")
    return grid


def regenerate_lab_grid(*, grid: LabGrid, by: User, **controls: object) -> LabGrid:
    """Start a new grid from the same parents as `grid`, with `controls`."""
    by = _require_breeder(by)
    _own_grid(grid, by)
    return start_lab_grid(
        by=by,
        seeds=list(grid.seed_parents.select_related("task")),
        lab_seeds=list(grid.lab_parents.all()),
        previous=grid,
        **controls,  # type: ignore[arg-type]
    )


def breed_picked(
    *, grid: LabGrid, by: User, picked: Iterable[LabSeed], **controls: object
) -> LabGrid:
    """Start the next grid from the children of `grid` that `by` picked.

    One picked child is mutated; several are crossed among themselves.
    """
    by = _require_breeder(by)
    _own_grid(grid, by)
    picked = list(picked)
    if not picked:
        raise LabRefused("Pick one or more children to breed from.")
    if any(child.grid_id != grid.pk for child in picked):
        raise LabRefused("Pick children of this grid.")
    return start_lab_grid(by=by, lab_seeds=picked, previous=grid, **controls)  # type: ignore[arg-type]


def step_back(*, grid: LabGrid, by: User) -> LabGrid:
    """Return the grid `grid` was bred from, to show again; its children stay."""
    by = _require_breeder(by)
    _own_grid(grid, by)
    if grid.previous_id is None:
        raise LabRefused("This is the first grid: there is nothing to step back to.")
    return LabGrid.objects.get(pk=grid.previous_id)


@transaction.atomic
def keep_lab_seed(*, seed: LabSeed, by: User) -> LabSeed:
    """Keep `seed` in its breeder's "My seeds"; it becomes public."""
    by = _require_breeder(by)
    seed = LabSeed.objects.select_for_update().get(pk=seed.pk)
    if seed.breeder_id != by.pk:
        raise NotFound("No such lab seed.")
    if not seed.painted:
        raise LabRefused("That child is still being painted; keep it once it shows.")
    if seed.kept_at is None:
        seed.kept_at = timezone.now()
        seed.save(update_fields=["kept_at", "updated_at"])
    return seed


@transaction.atomic
def unkeep_lab_seed(*, seed: LabSeed, by: User) -> LabSeed:
    """Take `seed` out of "My seeds"; a proposed or used seed stays kept."""
    by = _require_breeder(by)
    seed = LabSeed.objects.select_for_update().get(pk=seed.pk)
    if seed.breeder_id != by.pk:
        raise NotFound("No such lab seed.")
    if seed.used_in_id is not None:
        raise LabRefused("A task uses this seed, so it stays in your seeds.")
    seed.kept_at = None
    seed.proposed_at = None
    seed.proposed_for = None
    seed.save(update_fields=["kept_at", "proposed_at", "proposed_for", "updated_at"])
    return seed


PROPOSABLE = (CreationTask.State.DRAFT, CreationTask.State.OPEN)


@transaction.atomic
def propose_lab_seed(
    *, seed: LabSeed, by: User, task: CreationTask | None = None
) -> LabSeed:
    """Propose `seed` to staff as a seed, for `task` or for a new task.

    The seed is kept as well (a proposal is public). `task` must be a
    draft or open task the breeder can see.
    """
    seed = keep_lab_seed(seed=seed, by=by)
    if task is not None:
        if not can_see_task(task=task, viewer=by):
            raise NotFound("No such task.")
        if task.state not in PROPOSABLE:
            raise LabRefused("Seeds can be proposed only for draft or open tasks.")
    seed.proposed_at = timezone.now()
    seed.proposed_for = task
    seed.save(update_fields=["proposed_at", "proposed_for", "updated_at"])
    return seed


def _claim_grid(grid: LabGrid, device: str) -> bool:
    now = timezone.now()
    return bool(
        LabGrid.objects.filter(
            pk=grid.pk, state__in=[LabGrid.State.QUEUED, LabGrid.State.RUNNING]
        ).update(
            state=LabGrid.State.RUNNING,
            started_at=now,
            device=device,
            updated_at=now,
        )
    )


def paint_lab_seeds(seeds: list[LabSeed], device: object = None) -> None:
    """Paint `seeds` from their recipes and store each picture (not saved)."""
    from generation import cppn

    device = device or cppn.pick_device()
    began = time.perf_counter()
    images = _render([s.recipe for s in seeds], device)
    per_image_ms = int(1000 * (time.perf_counter() - began) / max(1, len(images)))
    for seed, image in zip(seeds, images, strict=True):
        png, thumb = _png_and_thumb(image)
        digest = hashlib.sha256(png).hexdigest()
        seed.sha256 = digest
        seed.render_ms = per_image_ms
        _store_seed_file(seed.image, f"{digest[:2]}/{digest}.png", ContentFile(png))
        _store_seed_file(
            seed.thumbnail, f"{digest[:2]}/{digest}.webp", ContentFile(thumb)
        )


def run_lab_grid(*, grid: LabGrid) -> LabGrid:
    """Paint the children of `grid` that have no picture yet, a few at a time.

    Progress is committed after every batch, so the lab page shows each
    child as it is done; a redelivered message paints only what is missing.
    """
    from generation import cppn

    device = cppn.pick_device()
    if not _claim_grid(grid, str(device)):
        grid.refresh_from_db()
        return grid
    try:
        todo = list(grid.children.filter(image="").order_by("index"))
        for start in range(0, len(todo), LAB_BATCH):
            batch = todo[start : start + LAB_BATCH]
            paint_lab_seeds(batch, device)
            with transaction.atomic():
                for seed in batch:
                    seed.save(
                        update_fields=[
                            "image",
                            "thumbnail",
                            "sha256",
                            "render_ms",
                            "updated_at",
                        ]
                    )
                LabGrid.objects.filter(pk=grid.pk).update(
                    done=F("done") + len(batch), updated_at=timezone.now()
                )
    except Exception:
        logger.exception("lab grid %s failed", grid.pk)
        LabGrid.objects.filter(pk=grid.pk).update(
            state=LabGrid.State.FAILED,
            error="The painter failed on this grid; breed again to retry.",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        raise
    painted = grid.children.exclude(image="").count()
    LabGrid.objects.filter(pk=grid.pk).update(
        state=LabGrid.State.DONE,
        done=painted,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    grid.refresh_from_db()
    return grid
