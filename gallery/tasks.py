"""Celery tasks of the gallery: ranking upkeep and page views (beat).

Each imports its service inside its body (see docs/architecture.md).
"""

from celery import shared_task


@shared_task
def decay_trending_task() -> int:
    """Let "trending" scores fall with the age of the work."""
    from gallery.services import decay_trending

    return decay_trending()


@shared_task
def refresh_gallery_layout_task() -> dict[str, float]:
    """Measure the site mean for "top" and lay out "discover" again."""
    from gallery.services import refresh_gallery_layout

    return refresh_gallery_layout()


@shared_task
def fold_views_task() -> int:
    """Add the page views counted in Redis to the works' counts and ranks."""
    from gallery.services import fold_views

    return fold_views()
