"""Template filters for Atelier's pages."""

from datetime import timedelta

from django import template

register = template.Library()


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
