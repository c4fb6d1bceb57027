"""Reads to a replica, everything else to the primary.

Active when ``DATABASE_REPLICA_URL`` is set (config/settings.py). Only the
reads of a safe request (GET, HEAD, OPTIONS) may go to the ``replica``
alias, and only until that request writes: after its first write, and
inside any transaction on the primary, it reads from ``default`` again, so
a request always sees what it has just written. Workers, beat and
management commands never read from the replica: a Celery task sent after
a commit must find the row it was sent for.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Where this request's reads may go: REPLICA only inside a safe request.
_reads_from: ContextVar[str] = ContextVar("atelier_reads_from", default=PRIMARY)


def reads_from() -> str:
    """The alias reads of the current request or process go to."""
    if _reads_from.get() == REPLICA and not connections[PRIMARY].in_atomic_block:
        return REPLICA
    return PRIMARY


class PrimaryReplicaRouter:
    """Reads to the replica where allowed, writes to the primary."""

    def db_for_read(self, model, **hints) -> str:
        return reads_from()

    def db_for_write(self, model, **hints) -> str:
        # Read-after-write: the rest of this request reads from the primary.
        _reads_from.set(PRIMARY)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Let the reads of a safe request go to the replica (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS or REPLICA not in connections.settings:
            return self.get_response(request)
        token = _reads_from.set(REPLICA)
        try:
            return self.get_response(request)
        finally:
            _reads_from.reset(token)
