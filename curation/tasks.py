"""Celery tasks of curation: review windows (beat)."""

from celery import shared_task

from curation.services import close_due_reviews


@shared_task
def close_due_reviews_task() -> dict[str, int]:
    """Decide or extend submissions whose review window has ended."""
    return close_due_reviews()
