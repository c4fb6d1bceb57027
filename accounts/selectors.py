"""Reads of accounts shared by pages and the API: standings, boards, inboxes."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)

from accounts.models import ApiToken, User


def api_tokens(*, user: User) -> QuerySet[ApiToken]:
    """Return `user`'s API tokens, newest first (one query)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
