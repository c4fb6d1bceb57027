"""Celery tasks of curation: review windows (beat).

Each imports its service inside its body (see docs/architecture.md).
"""

from celery import shared_task


@shared_task
def close_due_reviews_task() -> dict[str, int]:
    """Decide or extend submissions whose review window has ended."""
    from curation.services import close_due_reviews

    return close_due_reviews()
