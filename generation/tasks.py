"""Celery tasks of generation: seeds on `generation`, training on `training`,
the sweeper on `default`.

Each imports its service inside its body, so the services can import these
at the top without a cycle. Time limits are set per task in settings
(ATELIER_TIME_LIMITS).
"""

from celery import shared_task

from django.utils import timezone


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
)
def generate_seeds_task(job_id: int) -> None:
    """Paint the seeds of one generation job; a finished job is left alone.

    Past the soft time limit the job fails and its task returns to draft
    with the error; the hard limit only catches a worker stuck in C code.
    """
    from generation.models import GenerationJob
    from generation.services import run_generation_job

    job = GenerationJob.objects.filter(pk=job_id).first()
    if job is None or job.state in (
        GenerationJob.State.DONE,
        GenerationJob.State.FAILED,
    ):
        return
    run_generation_job(job=job)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def train_generator_task(self, run_id: int) -> None:
    """Train one generator run; a finished or failed run is left alone.

    A run another worker is still training (its row moved recently) is
    looked at again later, so a redelivered message never trains twice at
    once; once that worker has gone quiet, the run resumes from its last
    checkpoint.
    """
    from generation.models import TrainingRun
    from generation.services import TRAINING_STALE_AFTER

    run = TrainingRun.objects.filter(pk=run_id).first()
    if run is None or run.state in (TrainingRun.State.DONE, TrainingRun.State.FAILED):
        return
    live_since = timezone.now() - TRAINING_STALE_AFTER
    if run.state == TrainingRun.State.RUNNING and run.updated_at > live_since:
        raise self.retry(countdown=TRAINING_STALE_AFTER.total_seconds())
    from generation.training import train_generator

    train_generator(run=run)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def paint_generator_samples_task(model_id: int) -> None:
    """Paint the sample sheet of a trained version that has none; else nothing."""
    from generation.models import GeneratorModel

    model = GeneratorModel.objects.filter(
        pk=model_id, kind=GeneratorModel.Kind.CHECKPOINT
    ).first()
    if model is None or model.samples:
        return
    from generation.training import paint_samples

    paint_samples(model=model)


@shared_task
def sweep_stuck_work_task() -> dict[str, int]:
    """Resend work left behind: the outbox, idle submissions, stalled jobs (beat)."""
    from generation.services import sweep_stuck_work

    return sweep_stuck_work()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def paint_lab_grid_task(grid_id: int) -> None:
    """Paint the children of one lab grid; a finished grid is left alone.

    Routed to the generation queue with a lower message priority than task
    seeds (CELERY_TASK_ROUTES), so the lab never holds up a task.
    """
    from generation.models import LabGrid
    from generation.services.lab import run_lab_grid

    grid = LabGrid.objects.filter(pk=grid_id).first()
    if grid is None or grid.finished:
        return
    run_lab_grid(grid=grid)
