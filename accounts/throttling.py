"""The DRF throttle over `accounts.ratelimit`, so the API and pages share counts.

`ApiThrottle` counts a request against the site-wide API limit ("anon" per
address without a signed-in user, "user" per user) and, on writes, against
the view's ``throttle_scope`` ("claim", "vote", ...), the same scope and
count its page counterpart uses. Both are counted in one call to the cache
(`ratelimit.hit_all`), the site-wide limit first: a request it refuses is
not counted in the view's scope. A refused request gets a 429 with
``Retry-After`` and a message naming what was limited
(`ratelimit.RateLimited`, which `config.exceptions` answers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import BaseThrottle

from accounts import ratelimit

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiThrottle(BaseThrottle):
    """The site-wide API limit and the view's ``throttle_scope``, together."""

    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        user = request.user
        key = ratelimit.request_key(request)
        hits = [("user" if user and user.is_authenticated else "anon", key)]
        scope = getattr(view, "throttle_scope", None)
        if scope and request.method not in SAFE_METHODS:
            hits.append((scope, key))
        refused = ratelimit.hit_all(hits)
        if refused is not None:
            scope, self._wait = refused
            raise ratelimit.RateLimited(
                ratelimit.limited_message(scope, self._wait), retry_after=self._wait
            )
        return True

    def wait(self) -> float | None:
        return self._wait
