"""Rate limits counted in the shared cache, for pages and the API alike.

A limit is a scope ("claim", "vote", ...) with a rate from
``settings.ATELIER_RATE_LIMITS`` ("10/minute", "5/15minute"). Hits are
counted per key (a user id or a client address) in Django's default cache,
which is Redis whenever ``REDIS_URL`` is set, so every web process sees the
same count.

The count is a sliding window kept in twenty slices of the period: a hit is
allowed while the hits of the current slice and the twenty before it (the
last ``period`` seconds and up to one slice more) stay within the limit. So
no stretch of ``period`` seconds ever lets more than the limit through,
however the hits bunch up, and a steady stream gets at least 20/21 of it.
Each hit is an atomic ``incr``; a hit over the limit is taken back, so
refused requests do not extend the wait. On Redis a hit is one round trip
(a small Lua script counts, reads the window and takes back a refused hit);
any other cache does the same in a few calls of Django's cache API.

`rate_limited` guards a page view; `accounts.throttling` reuses `hit` for
DRF; the login page counts each attempt with `hit` before checking the
password (so concurrent guesses cannot slip past the limit) and takes back
the attempts that succeed.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import time
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from core.errors import AtelierError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    """At most `count` hits in any `seconds`-long stretch."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"Not a rate: {text!r} (write e.g. '10/minute').")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _UNITS[unit.lower()[0]])

    def __str__(self) -> str:
        return f"{self.count} per {self.seconds} s"


class RateLimited(AtelierError):
    """Too many requests of one kind; `retry_after` says when to try again."""

    status = 429
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, extra={"retry_after": retry_after})
        self.retry_after = retry_after


def rate_for(scope: str) -> Rate | None:
    """The configured rate of `scope`, or None when that scope is unlimited."""
    text = settings.ATELIER_RATE_LIMITS.get(scope)
    return Rate.parse(text) if text else None


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting ``DJANGO_NUM_PROXIES`` proxies in front."""
    proxies = getattr(settings, "ATELIER_NUM_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [part.strip() for part in forwarded.split(",") if part.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def request_key(request: HttpRequest) -> str:
    """Who a request counts against: the signed-in user, else its address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return address_key(request)


def address_key(request: HttpRequest) -> str:
    """What an anonymous request counts against: its client's address."""
    return f"ip:{client_ip(request)}"


BUCKETS = 20  # a period is counted in this many slices


@dataclass(frozen=True)
class _Window:
    """The cache keys of one key's slices, oldest first, and where we are."""

    keys: list[str]  # BUCKETS + 1 keys: the oldest slice ... the current one
    elapsed: float  # fraction of the current slice already gone
    width: float  # seconds per slice
    timeout: int


def _window(scope: str, key: str, rate: Rate, now: float) -> _Window:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    width = rate.seconds / BUCKETS
    index = int(now // width)
    base = f"ratelimit:{scope}:{rate.seconds}:{digest}"
    keys = [f"{base}:{i}" for i in range(index - BUCKETS, index + 1)]
    elapsed = (now - index * width) / width
    return _Window(keys, elapsed, width, math.ceil(rate.seconds + 2 * width))


def _wait(rate: Rate, counts: list[int], window: _Window) -> int:
    """Seconds until one more hit fits: the oldest slices leave one by one."""
    excess = sum(counts) + 1 - rate.count
    seconds = (1 - window.elapsed) * window.width  # the oldest leaves first
    for count in counts:
        excess -= count
        if excess <= 0:
            break
        seconds += window.width
    return max(1, math.ceil(seconds))


def _counts(window: _Window) -> list[int]:
    values = cache.get_many(window.keys)
    return [int(values.get(k) or 0) for k in window.keys]


# KEYS: the window's slices, oldest first; ARGV: the limit, the keys' time to
# live. Counts the hit in the newest slice; when that puts the window over the
# limit, takes it back and returns every slice's count as this hit saw it
# (else nothing, the usual case, which keeps the reply short).
_HIT_SCRIPT = """
local current = KEYS[#KEYS]
local n = redis.call('INCR', current)
if n == 1 then redis.call('EXPIRE', current, ARGV[2]) end
local counts = redis.call('MGET', unpack(KEYS))
local total = n
for i = 1, #KEYS - 1 do
  counts[i] = tonumber(counts[i]) or 0
  total = total + counts[i]
end
if total <= tonumber(ARGV[1]) then return {} end
redis.call('DECR', current)
counts[#KEYS] = n - 1
return counts
"""
_HIT_SHA = hashlib.sha1(_HIT_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis's name


def _redis() -> RedisCache | None:
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


def _redis_hit(
    backend: RedisCache, window: _Window, rate: Rate, read: list[str] = ()
) -> tuple[list[int], list]:
    """One hit and a read of `read` cache keys, in one Redis round trip.

    Returns the window's counts when the hit was refused (else []) and the
    raw values under `read`.
    """
    from redis.exceptions import NoScriptError

    client = backend._cache.get_client(write=True)
    keys = [backend.make_key(k) for k in window.keys]
    for attempt in (1, 2):
        pipe = client.pipeline(transaction=False)
        pipe.evalsha(_HIT_SHA, len(keys), *keys, rate.count, window.timeout)
        if read:
            pipe.mget([backend.make_key(k) for k in read])
        try:
            replies = pipe.execute()
            break
        except NoScriptError:  # a Redis that has not seen the script yet
            if attempt == 2:
                raise
            client.script_load(_HIT_SCRIPT)
    counts = [int(c) for c in replies[0]]
    return counts, (replies[1] if read else [])


def _cache_hit(window: _Window, rate: Rate) -> int | None:
    """`hit` through Django's cache API (any backend), in a few calls."""
    current_key = window.keys[-1]
    cache.add(current_key, 0, timeout=window.timeout)
    try:
        current = cache.incr(current_key)
    except ValueError:  # expired between add and incr
        cache.add(current_key, 1, timeout=window.timeout)
        current = 1
    counts = _counts(window)
    counts[-1] = current  # our own increment's view, not a later one
    if sum(counts) <= rate.count:
        return None
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing to undo
        cache.decr(current_key)
    counts[-1] = current - 1
    return _wait(rate, counts, window)


def hit(scope: str, key: str, *, rate: Rate | None = None) -> int | None:
    """Count one hit of `key` in `scope`.

    Returns None when it is within the limit, else the seconds to wait (and
    the hit is not counted).
    """
    return hit_and_read(scope, key, [], rate=rate)[0]


def hit_and_read(
    scope: str, key: str, read: list[str], *, rate: Rate | None = None
) -> tuple[int | None, dict]:
    """`hit`, and the cache's values under the keys `read`, together.

    On Redis both go in one round trip, so a view that answers from the
    cache pays for its limit and its answer at once. Returns (what `hit`
    returns, the values found, as `cache.get_many` gives them).
    """
    rate = rate or rate_for(scope)
    backend = _redis()
    if rate is None:
        return None, (cache.get_many(read) if read else {})
    window = _window(scope, key, rate, time.time())
    if backend is None:
        wait = _cache_hit(window, rate)
        return wait, (cache.get_many(read) if read else {})
    counts, raw = _redis_hit(backend, window, rate, read)
    loads = backend._cache._serializer.loads
    found = {k: loads(v) for k, v in zip(read, raw, strict=True) if v is not None}
    return (_wait(rate, counts, window) if counts else None), found


def peek(scope: str, key: str, *, rate: Rate | None = None) -> int | None:
    """Like `hit` without counting: None if one more hit would be allowed."""
    rate = rate or rate_for(scope)
    if rate is None:
        return None
    window = _window(scope, key, rate, time.time())
    counts = _counts(window)
    if sum(counts) + 1 <= rate.count:
        return None
    return _wait(rate, counts, window)


def undo(scope: str, key: str, *, rate: Rate | None = None) -> None:
    """Take back one counted hit (e.g. a sign-in attempt that succeeded)."""
    rate = rate or rate_for(scope)
    if rate is None:
        return
    current_key = _window(scope, key, rate, time.time()).keys[-1]
    with contextlib.suppress(ValueError):
        if cache.decr(current_key) < 0:
            cache.incr(current_key)


def reset(scope: str, key: str, *, rate: Rate | None = None) -> None:
    """Forget the hits of `key` in `scope` (e.g. after a successful sign-in)."""
    rate = rate or rate_for(scope)
    if rate is None:
        return
    cache.delete_many(_window(scope, key, rate, time.time()).keys)


def wait_phrase(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


MESSAGES = {
    "claim": "You are claiming too fast",
    "submit": "You are uploading too fast",
    "vote": "You are voting too fast",
    "like": "You are liking too fast",
    "report": "You have sent many reports",
    "signup": "Too many accounts were created from your address",
    "login": "Too many failed sign-ins",
}


def limited_message(scope: str, retry_after: int) -> str:
    lead = MESSAGES.get(scope, "Too many requests")
    return f"{lead}. Please try again in {wait_phrase(retry_after)}."


def too_many_requests(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The 429 a page answers: the whole page, or a message for HTMX to add."""
    context = {"message": exc.message, "retry_after": exc.retry_after}
    if getattr(request, "htmx", False):
        response = render(request, "_rate_limited.html", context, status=429)
        # The message joins the page's messages instead of replacing a widget.
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "beforeend"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    patch_vary_headers(response, ["HX-Request"])
    return response


def check(request: HttpRequest, scope: str) -> None:
    """Count this request in `scope`; raise `RateLimited` when over the limit."""
    retry_after = hit(scope, request_key(request))
    if retry_after is not None:
        raise RateLimited(limited_message(scope, retry_after), retry_after=retry_after)


def rate_limited(
    scope: str, *, methods: Iterable[str] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a page view's `methods` requests to the rate of `scope`."""
    methods = frozenset(m.upper() for m in methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object):  # noqa: ANN202
            if request.method in methods:
                try:
                    check(request, scope)
                except RateLimited as exc:
                    return too_many_requests(request, exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
