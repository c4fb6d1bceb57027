"""Training requests for the learned generator: check them, queue them.

The loop itself is `generation.training` (torch), run by the Celery task.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import transaction

from accounts.models import User
from accounts.services.outbox import send_on_commit
from core.roles import require_staff
from generation import registry
from generation.errors import (
    InvalidTrainingRequest,
    NotEnoughTrainingImages,
)
from generation.models import TrainingRun
from generation.tasks import train_generator_task

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
    if size not in registry.DCGAN_SIZES:
        sizes = ", ".join(f"{s}" for s in registry.DCGAN_SIZES)
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
        params={**(params or {}), "batch_size": batch_size},
        requested_by=requested_by,
    )
    run.full_clean()
    run.save()
    return run


@transaction.atomic
def start_training(
    *, by: User, name: str, size: int, epochs: int, batch_size: int = 64
) -> TrainingRun:
    """Queue a training run on the generation queue once the caller commits."""

    require_staff(by, "Only staff can train generators.")
    run = create_training_run(
        name=name, size=size, epochs=epochs, batch_size=batch_size, requested_by=by
    )
    send_on_commit(train_generator_task, run.pk)
    return run
