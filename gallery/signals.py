"""What gallery asks of the apps above it, as Django signals.

Gallery imports none of the apps above it; an app that has something to
add to a work's page connects a receiver in its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import Expression
from django.dispatch import Signal


class BadgeColumn(NamedTuple):
    """A receiver's share of an artwork page's query: badges in one column.

    `expression` is annotated on the work's own query (the work is
    ``OuterRef("pk")``), so the badges cost no query of their own; `read`
    turns the value it gives into ``(label, url)`` pairs.
    """

    expression: Expression
    read: Callable[[Any], list[tuple[str, str]]]


# Sent while an artwork page's query is built, with `viewer`. Each receiver
# returns a `BadgeColumn`; an accepted work shows the badges under its title
# (community: "Winner - <challenge>").
work_badge_columns = Signal()
