"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, bool]:
    """Expose the signed-in person's roles to templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_curator": False, "is_staff_user": False}
    return {"is_curator": user.is_curator, "is_staff_user": user.is_staff}
