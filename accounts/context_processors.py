"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def roles(request: HttpRequest) -> dict[str, object]:
    """Expose the signed-in person's roles to templates.

    Whether they curate costs a query (their groups), so it is read only by
    templates that ask: the fragments pages poll do not.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_curator": False, "is_staff_user": False}
    return {
        "is_curator": SimpleLazyObject(lambda: bool(user.is_curator)),
        "is_staff_user": user.is_staff,
    }
