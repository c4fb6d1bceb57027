"""Template filters for Atelier's pages: durations and responsive images."""

from datetime import timedelta
from typing import Any

from django import template

register = template.Library()

THUMB_SIDE = 480
WEB_SIDE = 1280


def _fit_width(width: int, height: int, side: int) -> int:
    """Return the width of an image scaled (down only) to fit a `side` box."""
    if not width or not height:
        return side
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale))


@register.simple_tag
def work_srcset(work: Any) -> str:
    """Return the ``srcset`` of a work's 480 px and 1280 px WebP variants."""
    parts = []
    if work.thumbnail:
        parts.append(
            f"{work.thumbnail.url} {_fit_width(work.width, work.height, THUMB_SIDE)}w"
        )
    if work.web:
        parts.append(f"{work.web.url} {_fit_width(work.width, work.height, WEB_SIDE)}w")
    return ", ".join(parts)


@register.filter
def duration(value: timedelta | None) -> str:
    """Render a timedelta as people say it: "2 hours", "1 hour 30 minutes"."""
    if not value:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (mins, "minute")):
        if amount:
            parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return " ".join(parts) or "under a minute"
