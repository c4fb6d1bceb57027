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
    UnknownGenerator,
)
from generation.models import GeneratorModel
from generation.services.breeding import SOURCE_FRESH, seed_source_params
from generation.services.jobs import start_generation


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
    **fields: Any,
) -> CreationTask:
    """Create a task from `fields`, publish it, and return it.

    The recipe (generator, version, style, size) and the seed `source`
    are checked before anything is written, so a refused request leaves no
    draft behind. A `publish_key` used before by `by` raises
    `AlreadyPublished` with the earlier task and publishes nothing new.
    """
    require_staff(by, "Only staff can publish creation tasks.")
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
    with transaction.atomic():
        task = create_task(by=by, publish_key=publish_key, **fields)
        return publish_task(task=task, by=by)
