"""AtelierError and its kinds, shared by every app.

Each carries a message a person can act on and a machine-readable `code`; the
API's exception handler and the page views turn them into 4xx responses.
"""

from __future__ import annotations

from typing import Any


class AtelierError(Exception):
    """Base of every domain error; `status` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class NotAllowed(AtelierError):
    status = 403
    code = "not_allowed"


class NotFound(AtelierError):
    status = 404
    code = "not_found"


class Conflict(AtelierError):
    status = 409
    code = "conflict"
