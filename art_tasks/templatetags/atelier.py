"""Template filters for Atelier's pages: durations, images, voting rules."""

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from art_tasks.voting import VotingRule, stored_rule

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


PAINTERS = {
    "cppn": "the pattern painter",
    "dcgan": "the painter trained on the gallery",
}


@register.filter
def painter(name: str) -> str:
    """Name a generator in words for visitors ("the pattern painter")."""
    return PAINTERS.get(name or "", "a generator")


@register.filter
def ago(moment: datetime | None) -> str:
    """Say how long ago `moment` was: "just now" under a minute, not "0 minutes"."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def voting_rule(task: Any) -> VotingRule:
    """Return the voting rule in force for a task."""
    return VotingRule.for_task(task)


DECIDED_HOW = {
    "quorum": "decided at quorum",
    "early": "closed early",
    "window": "decided when the review window ended",
    "unreviewed": "no votes by the end of the window and its extension",
    "staff": "decided by staff",
}


@register.filter
def decided_how(rule: dict | None) -> str:
    """Say how a stored decision came about ("decided at quorum"), or ""."""
    return DECIDED_HOW.get((rule or {}).get("trigger", ""), "")


@register.filter
def rule_summary(rule: dict | None) -> str:
    """Describe a stored decision rule (`Submission.decision_rule`) in words."""
    if not rule:
        return ""
    how = decided_how(rule)
    text = stored_rule(rule).describe()
    return f"{text} This work: {how}." if how else text


@register.filter
def until(value: datetime | None) -> str:
    """Render the time left until `value` in its largest unit: "5 hours".

    Cards have room for one unit; the exact time goes in a `title` or a
    `<time>` beside it.
    """
    if not value:
        return ""
    return timeuntil(value, depth=1)


@register.filter
def studio_op(name: str) -> str:
    """Return a studio step's name as people read it: "Colour balance"."""
    return str(name).replace("_", " ").capitalize()
