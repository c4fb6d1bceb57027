"""Celery tasks of the `generation` queue."""

from celery import shared_task

from .models import GenerationJob
from .services import run_generation_job


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generate_seeds_task(job_id: int) -> None:
    """Paint the seeds of one generation job; a finished job is left alone."""
    job = GenerationJob.objects.filter(pk=job_id).first()
    if job is None or job.state in (
        GenerationJob.State.DONE,
        GenerationJob.State.FAILED,
    ):
        return
    run_generation_job(job=job)
