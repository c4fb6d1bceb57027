"""Celery tasks of the gallery: ranking upkeep (beat)."""

from celery import shared_task

from gallery.services import decay_trending, refresh_gallery_layout


@shared_task
def decay_trending_task() -> int:
    """Let "trending" scores fall with the age of the work."""
    return decay_trending()


@shared_task
def refresh_gallery_layout_task() -> dict[str, float]:
    """Measure the site mean for "top" and lay out "discover" again."""
    return refresh_gallery_layout()
