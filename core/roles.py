"""Who is who: the role checks every app asks, written once.

Roles come from the account itself: `is_staff` for staff, membership of the
curators group (`settings.ATELIER_CURATORS_GROUP`) for curators. Moderators
are curators and staff. The checks read prefetched groups when a list has
them, so they cost no query per row; on one account the first check reads
its groups and later ones reuse them. The signed-in person's account comes
with `in_curators_group` already read (the sign-in backend loads it), so
their checks cost nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects

from core.errors import NotAllowed


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_staff(user: Any) -> bool:
    """Return whether `user` is active staff."""
    return bool(is_signed_in(user) and user.is_active and user.is_staff)


def is_curator(user: Any) -> bool:
    """Return whether `user` belongs to the curators group."""
    if not is_signed_in(user):
        return False
    preloaded = getattr(user, "in_curators_group", None)
    if preloaded is not None:  # read with the account (`community.auth`)
        return bool(preloaded)
    name = settings.ATELIER_CURATORS_GROUP
    if "groups" not in getattr(user, "_prefetched_objects_cache", {}):
        # Read the groups once per request: every later check reuses them.
        prefetch_related_objects([user], "groups")
    return any(group.name == name for group in user.groups.all())


def is_moderator(user: Any) -> bool:
    """Return whether `user` may hide, restore and dismiss: staff or curators."""
    return bool(is_signed_in(user) and (user.is_staff or is_curator(user)))


def require_staff(user: Any, message: str = "Only staff can do this.") -> None:
    """Raise `NotAllowed` with `message` unless `user` is staff."""
    if not (is_signed_in(user) and user.is_staff):
        raise NotAllowed(message)
