"""A full task's refusal, kept a moment in the shared cache.

When hundreds of people claim the last slots of a task at once, all but a
few are refused because every slot is taken. The first refusal notes it
here (`note_full`), with its message, for at most `ATELIER_CLAIM_GATE_SECONDS`
and never past the moment the first live claim ends (when a slot may free
up, the note is gone). While the note lasts, the claim API answers a claim
on that task before any of its usual work (`ClaimGateMiddleware`, first
in the middleware): no token or session lookup, no query, one cache read.
Releasing a claim drops the note at once (`forget_full`), so a freed slot
is offered straight away.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from art_tasks.errors import ClaimLimitReached


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


@once
def _claim_path() -> re.Pattern:
    """The API's claim address, `/api/v1/tasks/<pk>/claim/`, as a pattern."""
    sample = reverse("api:art_tasks:claim-create", kwargs={"pk": 1})
    head, tail = sample.rsplit("/1/", 1)
    return re.compile(rf"^{re.escape(head)}/(\d+)/{re.escape(tail)}$")


def _has_credentials(request: HttpRequest) -> bool:
    return bool(
        request.META.get("HTTP_AUTHORIZATION")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    )


class ClaimGateMiddleware:
    """Answer an API claim on a task noted full with its 409, before all else.

    Only requests with credentials (a token or a session cookie) are
    answered here: one without gets the usual 401. The answer is the
    claim API's own (same body, same status), and it is not logged as a
    warning one by one, as a storm of them would bury the log; the access
    log still has each.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and _has_credentials(request):
            found = _claim_path().match(request.path)
            message = found and full_message(int(found[1]))
            if message:
                response = JsonResponse(
                    {"detail": message, "code": ClaimLimitReached.code},
                    status=ClaimLimitReached.status,
                )
                response._has_been_logged = True  # see the docstring
                return response
        return self.get_response(request)
