"""Training requests for the learned generator: check them, queue them.

The loop itself is `generation.training` (torch), run by the Celery task.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services.outbox import send_on_commit
from core.roles import require_staff
from generation import registry
from generation.errors import (
    InvalidTrainingRequest,
    NotEnoughTrainingImages,
    ReviewRefused,
)
from generation.models import GeneratorModel, TrainingRun
from generation.tasks import paint_generator_samples_task, train_generator_task

TRAINING_MIN_IMAGES = 8


TRAINING_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


TRAINING_MAX_EPOCHS = 1000


# A live training run touches its row every few seconds; one silent for
# longer is taken as crashed, and a redelivered message may resume it.
TRAINING_STALE_AFTER = timedelta(minutes=3)


def create_training_run(
    *,
    name: str,
    size: int,
    epochs: int,
    batch_size: int = 64,
    architecture: str = registry.DCGAN,
    params: dict | None = None,
    requested_by: User | None = None,
) -> TrainingRun:
    """Check a training request and record it as a queued run.

    The caller trains it: `start_training` through the generation queue,
    the ``train_generator`` command in its own process.
    """
    name = name.strip().lower()
    if name == registry.CPPN or not TRAINING_NAME.match(name):
        raise InvalidTrainingRequest(
            "Name the generator with lower-case letters, digits and hyphens "
            "(up to 40), other than “cppn”."
        )
    if architecture not in registry.ARCHITECTURES:
        names = " or ".join(registry.ARCHITECTURES)
        raise InvalidTrainingRequest(f"Train a {names}, not {architecture!r}.")
    allowed = (
        registry.FASTGAN_SIZES
        if architecture == registry.FASTGAN
        else registry.DCGAN_SIZES
    )
    if size not in allowed:
        sizes = ", ".join(f"{s}" for s in allowed)
        raise InvalidTrainingRequest(f"Train at {sizes} px, not {size}.")
    if not 1 <= epochs <= TRAINING_MAX_EPOCHS:
        raise InvalidTrainingRequest(
            f"Epochs must be between 1 and {TRAINING_MAX_EPOCHS}."
        )
    if not 2 <= batch_size <= 1024:
        raise InvalidTrainingRequest("The batch size must be between 2 and 1024.")
    from generation import selectors

    count = selectors.training_image_count()
    if count < TRAINING_MIN_IMAGES:
        raise NotEnoughTrainingImages(
            f"Training needs at least {TRAINING_MIN_IMAGES} images from accepted "
            f"work and CPPN seeds; there are {count}."
        )
    run = TrainingRun(
        name=name,
        size=size,
        epochs=epochs,
        params={
            **(params or {}),
            "batch_size": batch_size,
            "architecture": architecture,
        },
        requested_by=requested_by,
    )
    run.full_clean()
    run.save()
    return run


@transaction.atomic
def start_training(
    *,
    by: User,
    name: str,
    size: int,
    epochs: int,
    batch_size: int = 64,
    architecture: str = registry.DCGAN,
) -> TrainingRun:
    """Queue a training run on the generation queue once the caller commits."""

    require_staff(by, "Only staff can train generators.")
    run = create_training_run(
        name=name,
        size=size,
        epochs=epochs,
        batch_size=batch_size,
        architecture=architecture,
        requested_by=by,
    )
    send_on_commit(train_generator_task, run.pk)
    return run


@transaction.atomic
def review_generator(
    *, model: GeneratorModel, by: User, despite_bar: bool = False
) -> GeneratorModel:
    """Record that `by` looked at `model`'s samples and found it publishable.

    A version whose measured quality is below the bar (copies of training
    images, flat or muddy samples, too easily told from real work) is refused
    unless `despite_bar` says staff confirm it knowing why.

    From then on tasks may paint their seeds with it. Confirming a version
    already confirmed changes nothing (the first confirmation stays). A code
    generator needs no review, and a version without a sample sheet cannot
    be confirmed, since nobody has seen what it paints.
    """
    require_staff(by, "Only staff can confirm a generator.")
    model = GeneratorModel.objects.select_for_update().get(pk=model.pk)
    if model.kind != GeneratorModel.Kind.CHECKPOINT:
        raise ReviewRefused(f"{model} is a code generator and needs no review.")
    if model.reviewed_at is not None:
        return model
    if not model.samples:
        raise ReviewRefused(
            f"{model} has no samples to look at yet. Paint its samples first."
        )
    if model.below_bar and not despite_bar:
        raise ReviewRefused(
            f"{model} is below the quality bar: {' '.join(model.below_bar)} "
            "Tick “publish despite the bar” to confirm it anyway."
        )
    model.reviewed_at = timezone.now()
    model.reviewed_by = by
    model.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    return model


@transaction.atomic
def request_generator_samples(*, model: GeneratorModel, by: User) -> GeneratorModel:
    """Queue the painting of `model`'s sample sheet on the generation queue.

    For versions registered before sample sheets existed; a version trained
    since gets its sheet when it is registered.
    """
    require_staff(by, "Only staff can paint a generator's samples.")
    if model.kind != GeneratorModel.Kind.CHECKPOINT:
        raise ReviewRefused(f"{model} is a code generator and needs no review.")
    if not model.samples:
        send_on_commit(paint_generator_samples_task, model.pk)
    return model
