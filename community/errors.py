"""Errors raised by community."""

from core.errors import AtelierError


class CannotFollowSelf(AtelierError):
    code = "follow_self"
