"""Live fragments: parts of a page that HTMX polls, more slowly while idle.

A live fragment is rendered inside its page, then asks its own URL again
every few seconds (`hx-trigger="every Ns"`, `hx-swap="outerHTML"`). Each
answer carries the next poll: the fragment sends back a short `version` of
what it showed (`v`) and how long it waited (`every`); when the version is
unchanged the wait doubles, up to the fragment's cap, and after a change
it drops back to the base. An idle page thus costs a request a minute or
two, while a page that is changing follows within seconds. The base and
cap of each fragment are its `Pace`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


@dataclass(frozen=True)
class Pace:
    """How often a fragment polls: `base` seconds after a change, at most `cap`."""

    base: int
    cap: int


@dataclass(frozen=True)
class Poll:
    """The next poll of a fragment: the URL to ask and the seconds to wait."""

    url: str
    every: int


def version_of(parts: Iterable[object]) -> str:
    """Return a short fingerprint of what a fragment shows."""
    text = "|".join(str(p) for p in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]


def next_poll(
    request: HttpRequest,
    *,
    url: str,
    version: str,
    pace: Pace,
    params: dict[str, str] | None = None,
) -> Poll:
    """Return when and where the fragment showing `version` asks next.

    A first render (the page itself, no `v` in the request) or a changed
    version waits `pace.base`; an unchanged one waits twice what it waited
    last time, at most `pace.cap`. Bad numbers count as the base.
    """
    raw = request.GET.get("every", "")
    waited = int(raw) if raw.isdecimal() else pace.base
    waited = min(max(waited, pace.base), pace.cap)
    unchanged = request.GET.get("v") == version
    every = min(waited * 2, pace.cap) if unchanged else pace.base
    query = urlencode({**(params or {}), "v": version, "every": every})
    return Poll(url=f"{url}?{query}", every=every)


View = Callable[..., HttpResponse]


def live_fragment(view: View) -> View:
    """Open a polled fragment to signed-in people, never cached.

    A visitor's plain request is sent to sign in, as for the page. A poll
    from a page whose session has ended gets no content and reloads the
    page (`HX-Refresh`), which then shows the person signed out; a sign-in
    form swapped into a bell would help nobody.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return redirect_to_login(request.get_full_path())
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
