"""Celery tasks of the creation-task domain: imaging and housekeeping."""

import logging

from celery import shared_task

from art_tasks.models import Submission
from art_tasks.services import (
    close_finished_tasks,
    expire_claims,
    fail_submission_processing,
    process_submission,
    sweep_stuck_work,
)

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def process_submission_task(submission_id: int) -> None:
    """Make a submission's web variants and hashes, then send it to review."""
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None or submission.state != Submission.State.PROCESSING:
        return
    try:
        process_submission(submission=submission)
    except Exception as exc:
        logger.exception("processing submission %s failed", submission_id)
        fail_submission_processing(submission=submission, error=str(exc))


@shared_task
def expire_claims_task() -> int:
    return expire_claims()


@shared_task
def close_finished_tasks_task() -> int:
    return close_finished_tasks()


@shared_task
def sweep_stuck_work_task() -> dict[str, int]:
    return sweep_stuck_work()
