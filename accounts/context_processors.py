"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def roles(request: HttpRequest) -> dict[str, bool]:
    """Expose the signed-in person's roles to templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_curator": False, "is_staff_user": False}
    return {"is_curator": user.is_curator, "is_staff_user": user.is_staff}


def notifications(request: HttpRequest) -> dict[str, object]:
    """Expose the unread-notification count for the bell in the top bar.

    The count is lazy: it costs one indexed query, and only on pages that
    render it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    from .selectors import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
