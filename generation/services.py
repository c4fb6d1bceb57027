"""Generation jobs: queue them, run them, recover them.

torch is imported only inside `run_generation_job` (through
`generation.cppn`), so web processes never load it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from art_tasks.models import CreationTask, SeedImage

from . import registry
from .errors import UnknownGenerator
from .models import GenerationJob, GeneratorModel

logger = logging.getLogger(__name__)

SEED_THUMB = 320


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
    elif not GeneratorModel.objects.filter(
        name=generator, version=version, is_active=True
    ).exists():
        raise UnknownGenerator(f"There is no active generator {generator}@{version}.")
    if not 64 <= size <= 2048:
        raise UnknownGenerator("Image size must be between 64 and 2048 pixels.")


def start_generation(*, task: CreationTask) -> GenerationJob:
    """Create the job for `task`'s seeds and queue it once the caller commits."""
    from .tasks import generate_seeds_task

    job = GenerationJob.objects.create(task=task, total=task.seed_count)
    generate_seeds_task.delay_on_commit(job.pk)
    return job


def _seed_recipes(task: CreationTask, indexes: list[int]) -> list[dict]:
    from . import cppn

    base = int(task.params.get("seed_base", task.pk * 1000))
    return [
        cppn.make_recipe(style=task.style, seed=base + i, size=task.image_size)
        for i in indexes
    ]


def _png_and_thumb(image) -> tuple[bytes, bytes]:  # noqa: ANN001 - PIL image
    out = io.BytesIO()
    image.save(out, format="PNG")
    thumb = image.copy()
    thumb.thumbnail((SEED_THUMB, SEED_THUMB))
    tout = io.BytesIO()
    thumb.save(tout, format="WEBP", quality=85)
    return out.getvalue(), tout.getvalue()


def run_generation_job(
    *, job: GenerationJob, batch_size: int | None = None
) -> GenerationJob:
    """Paint the missing seeds of `job`'s task in batches, then open the task.

    Seeds already stored are skipped, so a redelivered or resumed job only
    paints what is missing. Progress is committed after every batch.
    """
    from django.conf import settings

    from art_tasks.services import fail_task_generation, open_task

    from . import cppn
    from .imaging import difference_hash

    batch_size = batch_size or settings.ATELIER_GENERATION_BATCH
    job = GenerationJob.objects.select_related("task").get(pk=job.pk)
    if job.state == GenerationJob.State.DONE:
        return job
    task = job.task
    device = cppn.pick_device()
    GenerationJob.objects.filter(pk=job.pk).update(
        state=GenerationJob.State.RUNNING,
        started_at=job.started_at or timezone.now(),
        device=str(device),
        attempts=job.attempts + 1,
        updated_at=timezone.now(),
    )
    try:
        done = set(task.seeds.values_list("index", flat=True))
        todo = [i for i in range(task.seed_count) if i not in done]
        for start in range(0, len(todo), batch_size):
            indexes = todo[start : start + batch_size]
            recipes = _seed_recipes(task, indexes)
            began = time.perf_counter()
            images = cppn.render(recipes, device=device)
            per_image_ms = int(1000 * (time.perf_counter() - began) / len(images))
            with transaction.atomic():
                for index, recipe, image in zip(indexes, recipes, images, strict=True):
                    png, thumb = _png_and_thumb(image)
                    digest = hashlib.sha256(png).hexdigest()
                    seed = SeedImage(
                        task=task,
                        index=index,
                        width=image.width,
                        height=image.height,
                        recipe={**recipe, "device": str(device)},
                        sha256=digest,
                        phash=difference_hash(image),
                        device=str(device),
                        render_ms=per_image_ms,
                    )
                    seed.image.save(
                        f"{task.pk}/{digest}.png", ContentFile(png), save=False
                    )
                    seed.thumbnail.save(
                        f"{task.pk}/{digest}.webp", ContentFile(thumb), save=False
                    )
                    seed.save()
                GenerationJob.objects.filter(pk=job.pk).update(
                    done=task.seeds.count(), updated_at=timezone.now()
                )
    except Exception as exc:
        logger.exception("generation job %s failed", job.pk)
        GenerationJob.objects.filter(pk=job.pk).update(
            state=GenerationJob.State.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        fail_task_generation(task=task, error=f"Seed generation failed: {exc}")
        raise
    GenerationJob.objects.filter(pk=job.pk).update(
        state=GenerationJob.State.DONE,
        done=job.total,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    open_task(task=task)
    job.refresh_from_db()
    return job


def resume_stuck_jobs(*, older_than: datetime) -> int:
    """Send again generation jobs that stopped moving before `older_than`."""
    from .tasks import generate_seeds_task

    stuck = list(
        GenerationJob.objects.filter(
            state__in=[GenerationJob.State.QUEUED, GenerationJob.State.RUNNING],
            updated_at__lt=older_than,
            task__state=CreationTask.State.GENERATING,
        ).values_list("pk", flat=True)
    )
    for pk in stuck:
        generate_seeds_task.delay(pk)
    return len(stuck)
