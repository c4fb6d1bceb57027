"""Pages of community: artist profiles, follows, the leaderboard, notifications."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.services import set_email_notifications
from community import selectors
from community.context_processors import bell_poll
from community.services import follow_artist, mark_notifications_read, unfollow_artist
from core.decorators import errors_as_messages
from core.live import live_fragment
from gallery.errors import BadCursor
from gallery.selectors import artist_page, collection_list

INBOX_SIZE = 50
# The public collections an artist's page shows, newest first.
ARTIST_COLLECTIONS_SHOWN = 12


def artist(request: HttpRequest, username: str) -> HttpResponse:
    """An artist's profile and their work, a page of cards at a time.

    Four queries: the artist, their standing, one page of their works and
    their public collections; an HTMX request for the next page gets just
    its cards.
    """
    person = get_object_or_404(User, username=username, is_active=True)
    try:
        page = artist_page(
            artist=person,
            cursor=request.GET.get("cursor") or None,
            viewer=request.user,
        )
    except BadCursor as exc:
        messages.error(request, exc.message)
        return redirect(person)
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({'cursor': page.next_cursor})}"
    context = {"page": page, "next_url": next_url}
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    context.update(
        artist=person,
        first_page=not request.GET.get("cursor"),
        standing=selectors.artist_standing(artist=person, viewer=request.user),
        collections=list(collection_list(owner=person)[:ARTIST_COLLECTIONS_SHOWN]),
        collections_shown=ARTIST_COLLECTIONS_SHOWN,
    )
    return render(request, "community/artist.html", context)


@login_required
@require_GET
def following(request: HttpRequest) -> HttpResponse:
    """New accepted work by the artists the person follows, newest first.

    One query for a page of cards (an HTMX request for the next page gets
    just the cards); an empty first page adds whether they follow anyone
    and, if not, the top artists to suggest.
    """
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.following_page(user=request.user, cursor=cursor)
    except BadCursor as exc:
        messages.error(request, exc.message)
        return redirect("community:following")
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({'cursor': page.next_cursor})}"
    context = {"page": page, "next_url": next_url}
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    context["first_page"] = cursor is None
    if not page.items:
        context["follows_anyone"] = selectors.follows_anyone(user=request.user)
        if not context["follows_anyone"]:
            context["suggested"] = selectors.artists_to_follow(user=request.user)
    return render(request, "community/following.html", context)


def _artist_page(request: HttpRequest, username: str) -> str:
    return reverse("community:artist", kwargs={"username": username})


@login_required
@require_POST
@errors_as_messages(_artist_page)
def follow(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    follow_artist(follower=request.user, artist=person)
    messages.success(
        request, f"You follow {person.shown_name}: new work will reach you."
    )
    return redirect(person)


@login_required
@require_POST
def unfollow(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    unfollow_artist(follower=request.user, artist=person)
    messages.info(request, f"You no longer follow {person.shown_name}.")
    return redirect(person)


def leaderboard(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "week")
    if period not in selectors.PERIODS:
        period = "week"
    return render(
        request,
        "community/leaderboard.html",
        {
            "period": period,
            "periods": selectors.PERIODS,
            "since": selectors.period_start(period),
            "contributors": selectors.leaderboard(board="contributors", period=period),
            "curators": selectors.leaderboard(board="curators", period=period),
        },
    )


def _inbox_context(user: User) -> dict[str, object]:
    items = list(selectors.inbox(user=user)[:INBOX_SIZE])
    return {"items": items, "unread": any(n.is_unread for n in items)}


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """Show the latest notifications, new ones marked; reading changes nothing.

    A GET must not change state (link previews, prefetching and crawlers
    open pages too): the "Mark read" buttons post to `notifications_read`.
    """
    return render(request, "community/notifications.html", _inbox_context(request.user))


@live_fragment
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell in the top bar, polled: its count follows new notifications."""
    unread = selectors.unread_count(user=request.user)
    return render(
        request,
        "community/_bell.html",
        {"unread_notifications": unread, "bell_poll": bell_poll(request, unread)},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them read.

    An HTMX request gets the inbox back, with the bell's count out of band.
    """
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdecimal() else None
    mark_notifications_read(user=request.user, ids=ids)
    if request.htmx:
        return render(
            request, "community/_inbox_read.html", _inbox_context(request.user)
        )
    return redirect("community:notifications")


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("email_notifications") == "on"
    set_email_notifications(user=request.user, enabled=enabled)
    if enabled:
        messages.success(
            request, f"Notifications will also go to {request.user.email}."
        )
    else:
        messages.info(request, "No more e-mails: notifications stay here on the site.")
    return redirect("community:notifications")
