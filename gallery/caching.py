"""The public gallery's shared parts, kept a short while in the cache.

Everything kept here is what any signed-out visitor sees: the filter
choices of the gallery page and the API's anonymous pages. Every key
carries the gallery's *generation*, a counter bumped whenever a work's
state is saved (accepted, hidden, restored, withdrawn), so a work that
leaves the gallery leaves every cached page with it at once; likes, views
and ranks may lag by at most the time to live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "gallery:generation"
CHOICES_TTL = 60  # seconds
API_PAGE_TTL = 30  # seconds
NOT_YET_PUBLIC = {"processing", "in_review"}


def generation() -> int:
    """Return the gallery's current generation (1 until the first change)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def bump_generation() -> None:
    """Forget every cached public part, once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there yet (evicted or never read)
            cache.add(GENERATION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


_last_seen = {"generation": 1}  # this process's guess, saves a round trip


def cached(
    name: str,
    ttl: int,
    build: Callable[[], Any],
    *,
    read: Callable[[list[str]], dict] | None = None,
) -> Any:
    """Return `build()`, kept `ttl` seconds under `name` in this generation.

    The generation and the value under the last generation this process
    saw are read together (one round trip, by `read` when given: it takes
    the keys and returns what `cache.get_many` would); only when the
    generation has moved on is the value read again.
    """
    guess = _last_seen["generation"]
    guessed_key = f"gallery:{guess}:{name}"
    found = (read or cache.get_many)([GENERATION_KEY, guessed_key])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    current = int(current)
    _last_seen["generation"] = current
    key = f"gallery:{current}:{name}"
    value = found.get(guessed_key) if key == guessed_key else cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ttl)
    return value


def on_submission_saved(
    sender: type, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """Bump the generation when a submission's state may have changed.

    Work still processing or in review was never in the gallery, so moving
    between those states changes nothing public.
    """
    if getattr(instance, "state", None) in NOT_YET_PUBLIC:
        return
    if update_fields is None or "state" in update_fields:
        bump_generation()
