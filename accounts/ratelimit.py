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
    base: str  # each key is f"{base}:{slice number}"
    first: int  # the oldest slice's number


def _window(scope: str, key: str, rate: Rate, now: float) -> _Window:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    width = rate.seconds / BUCKETS
    index = int(now // width)
    base = f"ratelimit:{scope}:{rate.seconds}:{digest}"
    keys = [f"{base}:{i}" for i in range(index - BUCKETS, index + 1)]
    elapsed = (now - index * width) / width
    timeout = math.ceil(rate.seconds + 2 * width)
    return _Window(keys, elapsed, width, timeout, base, index - BUCKETS)


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


# KEYS: the keys to read; ARGV: the slices' key prefix (the cache's own key
# of "{base}:"), the oldest slice's number, the number of slices, the limit and
# the slices' time to live. The script names the slices itself, which keeps the
# request small (the cache is one Redis, never a cluster, so any key may be
# touched). Counts the hit in the newest slice; when that puts the window over
# the limit, takes it back. The reply: every slice's count as this hit saw it
# when it was refused (else an empty list, the usual case, which keeps the
# reply short), then the values under the keys to read.
_HIT_SCRIPT = """
local first, slices = tonumber(ARGV[2]), tonumber(ARGV[3])
local names = {}
for i = 1, slices do names[i] = ARGV[1] .. (first + i - 1) end
local current = names[slices]
local n = redis.call('INCR', current)
if n == 1 then redis.call('EXPIRE', current, ARGV[5]) end
local values = redis.call('MGET', unpack(names))
local total = n
local counts = {}
for i = 1, slices - 1 do
  counts[i] = tonumber(values[i]) or 0
  total = total + counts[i]
end
local reply = {{}}
if total > tonumber(ARGV[4]) then
  redis.call('DECR', current)
  counts[slices] = n - 1
  reply[1] = counts
end
if #KEYS > 0 then
  local found = redis.call('MGET', unpack(KEYS))
  for i = 1, #KEYS do reply[i + 1] = found[i] end
end
return reply
"""
_HIT_SHA = hashlib.sha1(_HIT_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis's name


def _redis() -> RedisCache | None:
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


def _slice_prefix(backend: RedisCache, window: _Window) -> str | None:
    """The cache's key of "{base}:", when its keys of slices just append."""
    oldest = backend.make_key(window.keys[0])
    prefix = oldest[: -len(str(window.first))]
    if backend.make_key(window.keys[-1]) != f"{prefix}{window.first + BUCKETS}":
        return None  # a KEY_FUNCTION of another shape: no shortcut
    return prefix


def _redis_hit(
    backend: RedisCache, window: _Window, rate: Rate, read: list[str] = ()
) -> tuple[list[int], list] | None:
    """One hit and a read of `read` cache keys, in one Redis call.

    Returns the window's counts when the hit was refused (else []) and the
    raw values under `read` (None where there is none); None when the
    cache's keys cannot be named by the script.
    """
    from redis.exceptions import NoScriptError

    prefix = _slice_prefix(backend, window)
    if prefix is None:
        return None
    client = backend._cache.get_client(write=True)
    keys = [backend.make_key(k) for k in read]
    args = (prefix, window.first, len(window.keys), rate.count, window.timeout)
    try:
        reply = client.evalsha(_HIT_SHA, len(keys), *keys, *args)
    except NoScriptError:  # a Redis that has not seen the script yet
        reply = client.eval(_HIT_SCRIPT, len(keys), *keys, *args)
    counts = [int(c) for c in reply[0]]
    values = reply[1:]
    return counts, values + [None] * (len(read) - len(values))


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
    done = _redis_hit(backend, window, rate, read) if backend is not None else None
    if done is None:
        wait = _cache_hit(window, rate)
        return wait, (cache.get_many(read) if read else {})
    counts, raw = done
    loads = backend._cache._serializer.loads
    found = {k: loads(v) for k, v in zip(read, raw, strict=True) if v is not None}
    return (_wait(rate, counts, window) if counts else None), found


# `_HIT_SCRIPT`'s count for several windows in turn, without the read: ARGV
# is the number of windows, then five values per window as `_HIT_SCRIPT`
# takes them. Stops at the first window the hit does not fit (taking it back
# there; the later windows are not counted) and replies with that window's
# number and its slices' counts; the reply is empty when every window took it.
_HIT_ALL_SCRIPT = """
local at = 2
for w = 1, tonumber(ARGV[1]) do
  local first, slices = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local names = {}
  for i = 1, slices do names[i] = ARGV[at] .. (first + i - 1) end
  local current = names[slices]
  local n = redis.call('INCR', current)
  if n == 1 then redis.call('EXPIRE', current, ARGV[at + 4]) end
  local values = redis.call('MGET', unpack(names))
  local total = n
  local counts = {}
  for i = 1, slices - 1 do
    counts[i] = tonumber(values[i]) or 0
    total = total + counts[i]
  end
  if total > tonumber(ARGV[at + 3]) then
    redis.call('DECR', current)
    counts[slices] = n - 1
    return {w, counts}
  end
  at = at + 5
end
return {}
"""
_HIT_ALL_SHA = hashlib.sha1(_HIT_ALL_SCRIPT.encode()).hexdigest()  # noqa: S324


def hit_all(hits: Iterable[tuple[str, str]]) -> tuple[str, int] | None:
    """Count one hit of each (scope, key) in `hits`, in order, as `hit` would.

    Stops at the first scope over its limit and returns it with the seconds
    to wait (that hit is not counted, nor are the ones after it); None when
    every hit fits. On Redis all of it is one round trip.
    """
    todo = [(scope, key, rate) for scope, key in hits if (rate := rate_for(scope))]
    backend = _redis()
    now = time.time()
    windows = [(s, rate, _window(s, key, rate, now)) for s, key, rate in todo]
    prefixes = [_slice_prefix(backend, w) for _, _, w in windows] if backend else []
    if backend is None or None in prefixes:
        for scope, key, rate in todo:
            wait = hit(scope, key, rate=rate)
            if wait is not None:
                return scope, wait
        return None
    from redis.exceptions import NoScriptError

    args: list = [len(windows)]
    for prefix, (_, rate, window) in zip(prefixes, windows, strict=True):
        args += [prefix, window.first, len(window.keys), rate.count, window.timeout]
    client = backend._cache.get_client(write=True)
    try:
        reply = client.evalsha(_HIT_ALL_SHA, 0, *args)
    except NoScriptError:  # a Redis that has not seen the script yet
        reply = client.eval(_HIT_ALL_SCRIPT, 0, *args)
    if not reply:
        return None
    scope, rate, window = windows[int(reply[0]) - 1]
    return scope, _wait(rate, [int(c) for c in reply[1]], window)


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
    "comment": "You are commenting too fast",
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
