"""A full task's refusal, kept a moment in the shared cache.

When hundreds of people claim the last slots of a task at once, all but a
few are refused because every slot is taken. The first refusal notes it
here (`note_full`), with its message, for at most `ATELIER_CLAIM_GATE_SECONDS`
and never past the moment the first live claim ends (when a slot may free
up, the note is gone). While the note lasts, the claim API answers a claim
on that task before any of its usual work (`ClaimCreateApi.dispatch`): no
token or session lookup, no query, one cache read. Releasing a claim drops
the note at once (`forget_full`), so a freed slot is offered straight away.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _key(task_id: int) -> str:
    return f"claim-full:{task_id}"


def note_full(task_id: int, message: str, *, now: datetime, until: datetime | None):
    """Note that task `task_id` is full; `until`: when its first live claim ends."""
    seconds = settings.ATELIER_CLAIM_GATE_SECONDS
    if until is not None:
        seconds = min(seconds, (until - now).total_seconds())
    if seconds >= 1:
        cache.set(_key(task_id), message, timeout=math.floor(seconds))


def full_message(task_id: int) -> str | None:
    """Return the refusal noted for task `task_id`, or None."""
    return cache.get(_key(task_id))


def forget_full(task_id: int) -> None:
    """Drop task `task_id`'s note now, and again once the transaction commits.

    The second drop covers a refusal noted by a claim that read the task
    before this transaction's change was committed.
    """
    cache.delete(_key(task_id))
    transaction.on_commit(lambda: cache.delete(_key(task_id)))
