"""Template context shared by every page: the bell's unread count."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core.live import Pace, Poll, next_poll

# The bell asks for its count within 15 s of a change, every 2 min when idle.
BELL_PACE = Pace(base=15, cap=120)


def bell_poll(request: HttpRequest, unread: object) -> Poll:
    """Return the bell's next poll, given the `unread` count it shows."""
    return next_poll(
        request,
        url=reverse("community:bell"),
        version=str(unread),
        pace=BELL_PACE,
    )


def notifications(request: HttpRequest) -> dict[str, object]:
    """Expose the unread-notification count for the bell in the top bar.

    The count is lazy: it costs one indexed query, and only on pages that
    render it; the bell's poll reuses it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    from community.selectors import unread_count

    unread = SimpleLazyObject(lambda: unread_count(user=user))
    return {
        "unread_notifications": unread,
        "bell_poll": SimpleLazyObject(lambda: bell_poll(request, unread)),
    }
