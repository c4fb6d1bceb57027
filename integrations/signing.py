"""Sign webhook bodies, and check a signature as a receiver should.

The header is ``X-Atelier-Signature: t=<unix time>,v1=<hex>`` where the hex
is HMAC-SHA256, keyed with the endpoint's secret, of ``"<t>.<body>"`` (the
raw body bytes). `verify_signature` uses only the standard library, so a
receiver can copy this module as it is (docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
import time

DEFAULT_TOLERANCE = 300  # seconds: five minutes either side of now


class SignatureError(ValueError):
    """The signature header is missing, malformed, stale or wrong."""


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """Return the ``X-Atelier-Signature`` value for `body` sent at `timestamp`."""
    mac = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    )
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> int:
    """Check `header` against `body`; return its timestamp or raise SignatureError.

    A timestamp more than `tolerance` seconds from now is refused even with
    a good signature, so a recorded delivery cannot be replayed later; keep
    the delivery ids you have handled to refuse replays inside the window.
    Several ``v1=`` values are accepted (one matching is enough), so a
    sender may sign with an old and a new secret while rotating.
    """
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("The signature header has no timestamp or no v1 value.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("The signature's timestamp is outside the tolerance.")
    expected = sign(secret, body, timestamp).partition(",v1=")[2]
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise SignatureError("The signature does not match the body.")
    return timestamp
