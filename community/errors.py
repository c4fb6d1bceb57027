"""Errors raised by community."""

from core.errors import AtelierError


class CannotFollowSelf(AtelierError):
    code = "follow_self"


class ChallengeRefused(AtelierError):
    """A challenge cannot be opened as asked (dates, tasks, cover)."""

    code = "challenge_refused"
