"""POST a signed body to an endpoint, and refuse addresses inside the site.

Endpoints may not point at loopback, private, link-local or otherwise
reserved addresses (the database, the broker, a cloud metadata service)
unless `ATELIER_WEBHOOKS_ALLOW_PRIVATE` is on. The host is resolved and
checked when the endpoint is saved and again before every attempt, so a
name that later resolves inside the network is refused too. Redirects are
never followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

EXCERPT_BYTES = 1024


class RefusedAddress(ValueError):
    """The URL is not one deliveries may go to."""


def check_url(url: str) -> None:
    """Raise RefusedAddress unless deliveries may be sent to `url`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port past 65535, a broken IPv6 literal
        raise RefusedAddress(f"This URL cannot be used: {exc}.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress("The URL must start with https:// (or http://).")
    if settings.ATELIER_WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedAddress(f"“{parts.hostname}” could not be resolved.") from exc
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise RefusedAddress(
                f"“{parts.hostname}” resolves to {address}, a private or reserved "
                "address; webhooks go to public addresses only."
            )


@dataclass
class Outcome:
    status: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _excerpt(stream: object) -> str:
    try:
        data = stream.read(EXCERPT_BYTES)  # type: ignore[attr-defined]
    except Exception:  # a body cut short says nothing more useful
        return ""
    return data.decode("utf-8", errors="replace")[:EXCERPT_BYTES]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST `body` to `url`; never raise, report what happened."""
    began = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - began) * 1000)

    try:
        check_url(url)
    except RefusedAddress as exc:
        return Outcome(None, "", f"Refused: {exc}", took())
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Outcome(response.status, _excerpt(response), "", took())
    except urllib.error.HTTPError as exc:
        error = (
            "" if exc.code < 300 or exc.code >= 400 else "Redirects are not followed."
        )
        return Outcome(exc.code, _excerpt(exc), error, took())
    except TimeoutError:
        return Outcome(None, "", f"No answer within {timeout:g} s.", took())
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            return Outcome(None, "", f"No answer within {timeout:g} s.", took())
        return Outcome(None, "", f"Could not connect: {reason}"[:500], took())
