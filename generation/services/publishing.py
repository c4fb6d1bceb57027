"""Publishing a creation task: check the recipe, create it, plan and queue its seeds.

The one place both the staff page and the API publish through. It composes
`art_tasks.services` (create the draft, move it to generating) with this
app's breeding and jobs, so art_tasks never imports generation.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from art_tasks import limits
from art_tasks.models import CreationTask
from art_tasks.services import create_task, mark_generating
from core.roles import require_staff
from generation import registry
from generation.errors import (
    GeneratorNotReviewed,
    LabRefused,
    UnknownGenerator,
)
from generation.models import GeneratorModel, LabSeed
from generation.services.breeding import SOURCE_FRESH, SOURCE_LAB, seed_source_params
from generation.services.jobs import start_generation
from generation.signals import lab_seeds_used


def known_styles() -> list[str]:
    """Return the CPPN style names, without importing torch."""
    return list(registry.CPPN_STYLES)


def check_generator_recipe(
    *, generator: str, version: str, style: str, size: int
) -> None:
    """Raise a clear error for an unknown generator, version, style or size."""
    if generator == registry.CPPN:
        if version != registry.CPPN_VERSION:
            raise UnknownGenerator(
                f"The CPPN painter has version {registry.CPPN_VERSION}, not {version}."
            )
        if style not in registry.CPPN_STYLES:
            raise UnknownGenerator(
                f"Unknown style “{style}”. Choose one of: {', '.join(known_styles())}."
            )
    else:
        model = GeneratorModel.objects.filter(
            name=generator, version=version, is_active=True
        ).first()
        if model is None:
            raise UnknownGenerator(
                f"There is no active generator {generator}@{version}."
            )
        require_reviewed(model)
    low, high = limits.IMAGE_SIZE.low, limits.IMAGE_SIZE.high
    if not low <= size <= high:
        raise UnknownGenerator(f"Image size must be between {low} and {high} pixels.")


def require_reviewed(model: GeneratorModel) -> None:
    """Raise `GeneratorNotReviewed` unless tasks may paint with `model`.

    A trained version paints seeds only once staff have looked at its
    sample sheet and confirmed it: a model that has barely trained paints
    noise, which would go straight to contributors.
    """
    if model.needs_review:
        raise GeneratorNotReviewed(
            f"Staff must look at the samples of {model} on the generators page "
            "and confirm it before tasks use it."
        )


@transaction.atomic
def publish_task(*, task: CreationTask, by: User) -> CreationTask:
    """Move a draft task to generating and queue the painting of its seeds.

    A draft made for a trained version that staff have not confirmed is
    refused, as `check_generator_recipe` refuses it for a new task.
    """
    if task.generator != registry.CPPN:
        model = GeneratorModel.objects.filter(
            name=task.generator, version=task.generator_version
        ).first()
        if model is not None:
            require_reviewed(model)
    task = mark_generating(task=task, by=by)
    start_generation(task=task)
    return task


def publish_new_task(
    *,
    by: User,
    source: str = SOURCE_FRESH,
    publish_key: str = "",
    lab_seeds: list[LabSeed] | None = None,
    **fields: Any,
) -> CreationTask:
    """Create a task from `fields`, publish it, and return it.

    The recipe (generator, version, style, size) and the seed `source`
    are checked before anything is written, so a refused request leaves no
    draft behind. A `publish_key` used before by `by` raises
    `AlreadyPublished` with the earlier task and publishes nothing new.

    With `source="lab"`, the task's seeds are `lab_seeds` (kept or proposed
    lab seeds), painted at the task's size; the task gets one seed per lab
    seed, and `lab_seeds_used` tells community to credit their breeders.
    """
    require_staff(by, "Only staff can publish creation tasks.")
    chosen: list[LabSeed] = []
    if source == SOURCE_LAB:
        chosen = _usable_lab_seeds(lab_seeds or [])
        fields["seed_count"] = len(chosen)
        fields["generator"] = registry.CPPN
        fields["generator_version"] = registry.CPPN_VERSION
        fields["style"] = chosen[0].recipe["style"]
    check_generator_recipe(
        generator=fields.get("generator", registry.CPPN),
        version=fields.get("generator_version", registry.CPPN_VERSION),
        style=fields.get("style", "nebula"),
        size=fields.get("image_size", 512),
    )
    fields["params"] = {
        **(fields.get("params") or {}),
        **seed_source_params(
            source=source,
            style=fields.get("style", "nebula"),
            generator=fields.get("generator", registry.CPPN),
        ),
    }
    if chosen:
        fields["params"]["lab_seeds"] = [seed.pk for seed in chosen]
    with transaction.atomic():
        task = create_task(by=by, publish_key=publish_key, **fields)
        if chosen:
            LabSeed.objects.filter(pk__in=[s.pk for s in chosen]).update(used_in=task)
            lab_seeds_used.send(sender=LabSeed, task=task, lab_seeds=chosen)
        return publish_task(task=task, by=by)


def _usable_lab_seeds(lab_seeds: list[LabSeed]) -> list[LabSeed]:
    """Return `lab_seeds` (kept or proposed, painted) in order, or raise."""
    ids = list(dict.fromkeys(seed.pk for seed in lab_seeds))
    if not ids:
        raise LabRefused("Choose one or more lab seeds for the task's seeds.")
    low, high = limits.SEED_COUNT.low, limits.SEED_COUNT.high
    if not low <= len(ids) <= high:
        raise LabRefused(f"A task has {low} to {high} seeds; {len(ids)} were chosen.")
    rows = {
        s.pk: s
        for s in LabSeed.objects.filter(pk__in=ids, kept_at__isnull=False)
        .exclude(image="")
        .select_related("breeder")
    }
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        raise LabRefused(
            "Only kept or proposed lab seeds with a picture can seed a task; "
            f"not {', '.join(map(str, missing))}."
        )
    return [rows[pk] for pk in ids]
