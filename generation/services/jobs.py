"""Generation jobs: queue them, run them, recover them.

torch is imported only inside `run_generation_job` (through
`generation.cppn`), so web processes never load it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.services.outbox import flush_outbox, publish, send_on_commit
from art_tasks.models import CreationTask, SeedImage
from art_tasks.services import (
    STUCK_AFTER,
    fail_task_generation,
    open_task,
    resend_idle_submissions,
)
from generation import registry
from generation.errors import (
    UnknownGenerator,
)
from generation.models import GenerationJob, GeneratorModel, TrainingRun
from generation.services.breeding import plan_seeds
from generation.signals import seeds_bred
from generation.tasks import generate_seeds_task, train_generator_task

logger = logging.getLogger(__name__)


SEED_THUMB = 320


# A running job's worker touches `heartbeat_at` this often; a job silent for
# `JOB_STALE_AFTER` has lost its worker (killed, or cut off), and the sweeper
# sends it again. A queued job whose message went missing is sent again after
# `JOB_LOST_AFTER` (the outbox already covers a broker that was down).
JOB_HEARTBEAT_EVERY = timedelta(seconds=10)


JOB_STALE_AFTER = timedelta(seconds=30)


JOB_LOST_AFTER = timedelta(minutes=10)


def start_generation(*, task: CreationTask) -> GenerationJob:
    """Create the job for `task`'s seeds and queue it once the caller commits.

    The job's plan (each CPPN seed's recipe and parents) is fixed here, so
    a rerun or a redelivered message paints exactly the same seeds. Raise
    `NotEnoughParents` for a bred task with fewer than two scored seeds.
    """

    plan = plan_seeds(task=task)
    job = GenerationJob.objects.create(task=task, total=task.seed_count, plan=plan)
    send_on_commit(generate_seeds_task, job.pk)
    return job


def _fixed_plan(job: GenerationJob) -> dict[int, dict]:
    """Return `job`'s plan by seed index, making and storing it on the first run.

    Jobs queued before plans existed get theirs here; the row lock makes
    two deliveries of one job agree on a single plan.
    """
    if not job.plan and job.task.generator == registry.CPPN:
        with transaction.atomic():
            locked = GenerationJob.objects.select_for_update().get(pk=job.pk)
            if not locked.plan:
                locked.plan = plan_seeds(task=job.task)
                locked.save(update_fields=["plan", "updated_at"])
            job.plan = locked.plan
    return {entry["index"]: entry for entry in job.plan}


def _link_parents(seeds: list[SeedImage], plan: dict[int, dict]) -> None:
    """Record the parents the plan names for `seeds`, skipping deleted ones."""
    wanted = {s.pk: plan[s.index]["parents"] for s in seeds if s.index in plan}
    ids = {pk for parents in wanted.values() for pk in parents}
    if not ids:
        return
    alive = set(SeedImage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    Link = SeedImage.parents.through
    Link.objects.bulk_create(
        [
            Link(from_seedimage_id=child, to_seedimage_id=parent)
            for child, parents in wanted.items()
            for parent in parents
            if parent in alive
        ],
        ignore_conflicts=True,
    )


def _seed_recipes(task: CreationTask, indexes: list[int]) -> list[dict]:
    from generation import cppn

    if task.generator != registry.CPPN:
        return _checkpoint_recipes(task, indexes)
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


def _claim_job(job: GenerationJob, device: str) -> bool:
    """Take `job` for this worker; False when it is finished or in live hands.

    A single conditional UPDATE, so of two deliveries of one job (a
    redelivered message, a sweeper's resend) exactly one paints; a job
    whose worker stopped beating is taken over.
    """
    now = timezone.now()
    silent = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - JOB_STALE_AFTER)
    return bool(
        GenerationJob.objects.filter(pk=job.pk)
        .filter(
            Q(state=GenerationJob.State.QUEUED)
            | (Q(state=GenerationJob.State.RUNNING) & silent)
        )
        .update(
            state=GenerationJob.State.RUNNING,
            started_at=Coalesce("started_at", now),
            heartbeat_at=now,
            device=device,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )


@contextmanager
def _heartbeat(job: GenerationJob) -> Iterator[None]:
    """Touch `job.heartbeat_at` from a side thread while the body runs.

    The beat stops with the process, so a killed worker's job goes silent
    and the sweeper hands it on; a long batch on a slow device does not.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(JOB_HEARTBEAT_EVERY.total_seconds()):
                try:
                    GenerationJob.objects.filter(
                        pk=job.pk, state=GenerationJob.State.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a busy database: try again next beat
                    logger.warning("heartbeat of job %s missed", job.pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _store_seed_file(field_file: FieldFile, name: str, content: ContentFile) -> None:
    """Store a seed's file under exactly `name`, replacing a leftover.

    A run that died between writing a file and committing its seed leaves
    the file behind; the rerun paints the same bytes and overwrites it,
    instead of storing a second copy under a suffixed name.
    """
    full = field_file.field.generate_filename(field_file.instance, name)
    if field_file.storage.exists(full):
        field_file.storage.delete(full)
    field_file.save(name, content, save=False)


def run_generation_job(
    *, job: GenerationJob, batch_size: int | None = None
) -> GenerationJob:
    """Paint the missing seeds of `job`'s task in batches, then open the task.

    Seeds already stored are skipped, so a redelivered or resumed job only
    paints what is missing. Progress is committed after every batch. A job
    that is finished, or that a live worker is painting, is left alone.
    """
    from django.conf import settings

    from art_tasks.imaging import difference_hash
    from generation import cppn

    batch_size = batch_size or settings.ATELIER_GENERATION_BATCH
    job = GenerationJob.objects.select_related("task").get(pk=job.pk)
    if job.state == GenerationJob.State.DONE:
        return job
    task = job.task
    device = cppn.pick_device()
    if not _claim_job(job, str(device)):
        logger.info("generation job %s is done or in live hands; skipped", job.pk)
        job.refresh_from_db()
        return job
    try:
        plan = _fixed_plan(job)
        done = set(task.seeds.values_list("index", flat=True))
        todo = [i for i in range(task.seed_count) if i not in done]
        with _heartbeat(job):
            for start in range(0, len(todo), batch_size):
                indexes = todo[start : start + batch_size]
                if plan:
                    recipes = [plan[i]["recipe"] for i in indexes]
                else:
                    recipes = _seed_recipes(task, indexes)
                began = time.perf_counter()
                images = _render(recipes, device)
                per_image_ms = int(1000 * (time.perf_counter() - began) / len(images))
                with transaction.atomic():
                    painted = []
                    for index, recipe, image in zip(
                        indexes, recipes, images, strict=True
                    ):
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
                        _store_seed_file(
                            seed.image, f"{task.pk}/{digest}.png", ContentFile(png)
                        )
                        _store_seed_file(
                            seed.thumbnail,
                            f"{task.pk}/{digest}.webp",
                            ContentFile(thumb),
                        )
                        seed.save()
                        painted.append(seed)
                    _link_parents(painted, plan)
                    bred = [s for s in painted if plan.get(s.index, {}).get("parents")]
                    if bred:
                        seeds_bred.send(sender=SeedImage, task=task, seeds=bred)
                    GenerationJob.objects.filter(pk=job.pk).update(
                        done=task.seeds.count(),
                        heartbeat_at=timezone.now(),
                        updated_at=timezone.now(),
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
    # One transaction: nobody sees the job done while its task is not open.
    with transaction.atomic():
        GenerationJob.objects.filter(pk=job.pk).update(
            state=GenerationJob.State.DONE,
            done=job.total,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        open_task(task=task)
    job.refresh_from_db()
    return job


def stuck_jobs(*, now: datetime | None = None) -> list[int]:
    """Return the generation jobs to send again, and mark them as sent.

    A running job whose heartbeat stopped lost its worker: it is resent
    after `JOB_STALE_AFTER`, then at most once per that period while it
    waits for a worker. A queued job is resent only after `JOB_LOST_AFTER`:
    its message is normally waiting in the queue, and one the broker never
    took is still in the outbox.
    """
    now = now or timezone.now()
    stale = now - JOB_STALE_AFTER
    dead = Q(state=GenerationJob.State.RUNNING, updated_at__lt=stale) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale)
    )
    lost = Q(state=GenerationJob.State.QUEUED, updated_at__lt=now - JOB_LOST_AFTER)
    jobs = GenerationJob.objects.filter(
        dead | lost, task__state=CreationTask.State.GENERATING
    )
    pks = list(jobs.values_list("pk", flat=True))
    GenerationJob.objects.filter(pk__in=pks).update(updated_at=now)
    return pks


def resume_stuck_jobs(*, older_than: datetime) -> int:
    """Send again stalled generation jobs and training runs; count them.

    Jobs follow `stuck_jobs`; a training run is stalled when its row has not
    moved since `older_than`.
    """

    stuck = stuck_jobs()
    for pk in stuck:
        publish(generate_seeds_task, pk)
    # Training runs whose message was lost (queued) or whose worker died
    # (running but silent); the task resumes them from their checkpoint.
    runs = list(
        TrainingRun.objects.filter(
            state__in=[TrainingRun.State.QUEUED, TrainingRun.State.RUNNING],
            updated_at__lt=older_than,
        ).values_list("pk", flat=True)
    )
    for pk in runs:
        publish(train_generator_task, pk)
    return len(stuck) + len(runs)


def _checkpoint_recipes(task: CreationTask, indexes: list[int]) -> list[dict]:
    """Return recipes of `task`'s seeds for its trained (checkpoint) generator."""
    from generation import dcgan, learned

    model = GeneratorModel.objects.filter(
        name=task.generator,
        version=task.generator_version,
        kind=GeneratorModel.Kind.CHECKPOINT,
    ).first()
    if model is None:
        raise UnknownGenerator(
            f"There is no trained generator {task.generator}@{task.generator_version}."
        )
    base = int(task.params.get("seed_base", task.pk * 1000))
    make, extra = dcgan.make_recipe, {}
    if model.params.get("architecture") == learned.ARCHITECTURE:
        make, extra = learned.make_recipe, {"style": task.style}
    return [
        make(
            name=model.name,
            version=model.version,
            weights=model.weights,
            params=model.params,
            seed=base + i,
            size=task.image_size,
            **extra,
        )
        for i in indexes
    ]


def _render(recipes: list[dict], device: object) -> list:
    """Paint `recipes` in order, each with the backend its generator names.

    ``cppn`` recipes go to the CPPN painter, the others to the network
    their trained checkpoint names (``fastgan`` or ``dcgan``); each backend
    gets its recipes as one batch.
    """
    from generation import cppn, dcgan, learned

    images: list = [None] * len(recipes)
    backends = {
        "cppn": cppn.render,
        learned.ARCHITECTURE: learned.render,
        "dcgan": dcgan.render,
    }

    def backend_of(recipe: dict) -> str:
        if recipe.get("generator") == registry.CPPN:
            return "cppn"
        if recipe.get("architecture") == learned.ARCHITECTURE:
            return learned.ARCHITECTURE
        return "dcgan"

    for backend, render in backends.items():
        indexes = [i for i, r in enumerate(recipes) if backend_of(r) == backend]
        if indexes:
            painted = render([recipes[i] for i in indexes], device=device)
            for i, image in zip(indexes, painted, strict=True):
                images[i] = image
    return images


def sweep_stuck_work() -> dict[str, int]:
    """Send again the Celery work that was left behind; count what went.

    The outbox first (work committed while the broker was down), then
    submissions and generation jobs whose worker died or whose message was
    lost: the database still knows the work is pending. The Celery tasks
    are idempotent, so a resend of work that was only slow changes nothing.
    """
    outbox = flush_outbox()
    submissions = resend_idle_submissions()
    cutoff = timezone.now() - STUCK_AFTER
    return {
        "outbox": outbox,
        "submissions": submissions,
        "jobs": resume_stuck_jobs(older_than=cutoff),
    }
