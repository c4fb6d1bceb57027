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
    """Expose the bell's unread count, and whether the viewer curates.

    Both are lazy and come from one indexed query (`top_bar`), made only
    on pages that render the top bar, when it renders (after the view has
    done its work, so the count is current); the bell's poll reuses it.
    `is_curator` here stands in for the roles processor's, which would
    cost a query of its own.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    from community.selectors import top_bar

    bar = SimpleLazyObject(lambda: top_bar(user=user))
    unread = SimpleLazyObject(lambda: bar.unread)
    return {
        "unread_notifications": unread,
        "is_curator": SimpleLazyObject(lambda: bar.curator),
        "bell_poll": SimpleLazyObject(lambda: bell_poll(request, unread)),
    }
