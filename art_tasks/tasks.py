"""Celery tasks of the creation-task domain: imaging and housekeeping.

Each imports its service inside its body, so `art_tasks.services` can import
these at the top without a cycle. Time limits are set per task in settings
(ATELIER_TIME_LIMITS).
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)
def process_submission_task(submission_id: int) -> None:
    """Make a submission's web variants and hashes, then send it to review."""
    from art_tasks.models import Submission
    from art_tasks.services import fail_submission_processing, process_submission

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
    from art_tasks.services import expire_claims

    return expire_claims()


@shared_task
def close_finished_tasks_task() -> int:
    from art_tasks.services import close_finished_tasks

    return close_finished_tasks()


@shared_task
def delete_old_drafts_task() -> int:
    """Delete drafts past their day, with their files (Celery beat)."""
    from art_tasks.services import delete_old_drafts

    return delete_old_drafts()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_studio_task(render_id: int) -> None:
    """Render a studio recipe from the original pixels, then hand it on."""
    from art_tasks.models import StudioRender
    from art_tasks.services import fail_studio_render, run_studio_render

    render = StudioRender.objects.filter(pk=render_id).first()
    if render is None or render.is_finished:  # a redelivery changes nothing
        return
    try:
        run_studio_render(render=render)
    except Exception as exc:
        logger.exception("studio render %s failed", render_id)
        fail_studio_render(render=render, error=str(exc))


@shared_task
def delete_old_studio_renders_task() -> int:
    """Delete finished studio renders past their keep time (Celery beat)."""
    from art_tasks.services import delete_old_studio_renders

    return delete_old_studio_renders()
