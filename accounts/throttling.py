"""DRF throttles over `accounts.ratelimit`, so the API and pages share counts.

`AnonThrottle` and `UserThrottle` are the site-wide API limits;
`ScopedThrottle` applies a view's ``throttle_scope`` ("claim", "vote", ...),
the same scope and count its page counterpart uses. A refused request gets
a 429 with ``Retry-After`` and a message naming what was limited
(`ratelimit.RateLimited`, which `config.exceptions` answers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import BaseThrottle

from accounts import ratelimit

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _CacheThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: int | None = None
        self.scope = ""

    def get_scope(self, view: APIView) -> str | None:
        raise NotImplementedError

    def get_key(self, request: Request) -> str | None:
        return ratelimit.request_key(request)

    def allow_request(self, request: Request, view: APIView) -> bool:
        scope = self.get_scope(view)
        key = self.get_key(request) if scope else None
        if not scope or key is None:
            return True
        self.scope = scope
        self._wait = ratelimit.hit(scope, key)
        if self._wait is not None:
            raise ratelimit.RateLimited(
                ratelimit.limited_message(scope, self._wait), retry_after=self._wait
            )
        return True

    def wait(self) -> float | None:
        return self._wait


class AnonThrottle(_CacheThrottle):
    """The API's limit for requests without a signed-in user, per address."""

    def get_scope(self, view: APIView) -> str | None:
        return "anon"

    def get_key(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return ratelimit.request_key(request)


class UserThrottle(_CacheThrottle):
    """The API's limit for a signed-in user, whichever address they use."""

    def get_scope(self, view: APIView) -> str | None:
        return "user"

    def get_key(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return ratelimit.request_key(request)
        return None


class ScopedThrottle(_CacheThrottle):
    """The limit named by the view's ``throttle_scope``, on writes only."""

    def get_scope(self, view: APIView) -> str | None:
        return getattr(view, "throttle_scope", None)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
