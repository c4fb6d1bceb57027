"""API tokens: issue, rotate and revoke named tokens; look a secret up.

Only the sha256 of a secret is stored. Secrets carry 240 random bits, so a
fast hash is enough: there is nothing to guess that a slow hash would
protect. The secret is returned once, by the call that makes it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone

from accounts.models import ApiToken, User
from core.errors import NotAllowed, NotFound

SECRET_PREFIX = "atl_"  # noqa: S105 - a label that marks Atelier tokens
SHOWN_CHARS = 12  # "atl_" and the first eight random characters
LAST_USED_GRAIN_SECONDS = 60


@dataclass(frozen=True)
class IssuedToken:
    """A token with its secret, which exists only in this object."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """Return the hex sha256 under which `secret` is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str, str]:
    secret = SECRET_PREFIX + secrets.token_urlsafe(30)
    return secret, secret[:SHOWN_CHARS], hash_secret(secret)


def _own_token(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("You have no token with that id.")
    return token


@transaction.atomic
def issue_token(*, user: User, name: str = "API token") -> IssuedToken:
    """Create a named token for `user`; the secret is in the result only.

    Refused past `ATELIER_MAX_API_TOKENS`, so a script that asks for a token
    on every run cannot pile them up unseen.
    """
    from allauth.account.utils import has_verified_email

    if not user.is_authenticated or not user.is_active:
        raise NotAllowed("Sign in to make API tokens.")
    if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not has_verified_email(
        user
    ):
        raise NotAllowed(
            "Confirm your e-mail address first: open the link we sent you.",
            code="email_unverified",
        )
    name = name.strip() or "API token"
    User.objects.select_for_update().filter(pk=user.pk).first()  # one at a time
    limit = settings.ATELIER_MAX_API_TOKENS
    if ApiToken.objects.filter(user=user).count() >= limit:
        raise NotAllowed(
            f"You already have {limit} API tokens. Revoke one you no longer use "
            "(Settings → API tokens) before making another.",
            code="too_many_tokens",
        )
    secret, prefix, digest = _new_secret()
    token = ApiToken(user=user, name=name, prefix=prefix, key_hash=digest)
    token.full_clean()
    token.save()
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def rotate_token(*, user: User, token_id: int) -> IssuedToken:
    """Give `user`'s token a new secret; the old secret stops working now."""
    token = _own_token(user=user, token_id=token_id)
    secret, token.prefix, token.key_hash = _new_secret()
    token.rotated_at = timezone.now()
    token.last_used_at = None
    token.save(update_fields=["prefix", "key_hash", "rotated_at", "last_used_at"])
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """Delete `user`'s token; requests with its secret are refused from now."""
    token = _own_token(user=user, token_id=token_id)
    token.delete()
    return token


def authenticate_token(*, secret: str) -> ApiToken | None:
    """Return the live token whose secret is `secret`, noting when it was used.

    `last_used_at` is written at most once a minute per token, so a busy
    client does not turn every request into a write (see `_note_use`).
    """
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() >= LAST_USED_GRAIN_SECONDS:
        _note_use(token.pk, now)
        token.last_used_at = now
    return token


def _note_use(token_id: int, now: datetime) -> None:
    """Write token `token_id`'s `last_used_at` without waiting for the disk.

    On its own the write is committed with ``synchronous_commit`` off: the
    request does not wait for the WAL flush (most of the write's cost),
    and a crash can lose only the last moment's "last used" marks, never
    anything else. Inside a caller's transaction it is a plain UPDATE, so
    the setting never reaches the caller's writes.
    """
    db = router.db_for_write(ApiToken)
    connection = connections[db]
    if connection.in_atomic_block or connection.vendor != "postgresql":
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        return
    with transaction.atomic(using=db):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)


def validate_token_name(name: str) -> str:
    """Return `name` trimmed, or raise when it does not fit."""
    name = name.strip()
    if len(name) > 80:
        raise ValidationError({"name": "Keep the token's name under 80 characters."})
    return name
