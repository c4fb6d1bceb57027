"""Pages of accounts: sign-up, artist profiles, the leaderboard, notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gallery.selectors import artist_works

from . import ratelimit, selectors
from .errors import AtelierError
from .forms import SignupForm
from .models import User
from .ratelimit import rate_limited
from .services import (
    follow_artist,
    mark_notifications_read,
    register_user,
    set_email_notifications,
    unfollow_artist,
)

INBOX_SIZE = 50


class LoginView(auth_views.LoginView):
    """Django's sign-in page, refusing for a while after repeated failures.

    Attempts count per account (the name typed) and per client address
    (rates "login-account" and "login-ip"), before the password is checked,
    so simultaneous guesses cannot slip past the limit; past either limit the
    page answers 429 without checking the password. A successful sign-in
    takes its attempt back and clears the account's count.
    """

    template_name = "accounts/login.html"

    def _account(self) -> str:
        return (self.request.POST.get("username") or "").strip().casefold()

    def post(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        ip, account = ratelimit.client_ip(request), self._account()
        wait = ratelimit.hit("login-ip", ip)
        if wait is None and account:
            wait = ratelimit.hit("login-account", account)
            if wait is not None:
                ratelimit.undo("login-ip", ip)
        if wait is not None:
            return ratelimit.too_many_requests(
                request,
                ratelimit.RateLimited(
                    ratelimit.limited_message("login", wait), retry_after=wait
                ),
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:  # noqa: ANN001
        ratelimit.undo("login-ip", ratelimit.client_ip(self.request))
        ratelimit.reset("login-account", self._account())
        return super().form_valid(form)


@rate_limited("signup")
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = register_user(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            display_name=data.get("display_name", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Atelier. Claim a task to start.")
        return redirect("art_tasks:task-list")
    return render(request, "accounts/signup.html", {"form": form})


def artist(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    return render(
        request,
        "accounts/artist.html",
        {
            "artist": person,
            "works": artist_works(artist=person),
            "standing": selectors.artist_standing(artist=person, viewer=request.user),
        },
    )


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    try:
        follow_artist(follower=request.user, artist=person)
        messages.success(
            request, f"You follow {person.shown_name}: new work will reach you."
        )
    except AtelierError as exc:
        messages.error(request, exc.message)
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
        "accounts/leaderboard.html",
        {
            "period": period,
            "periods": selectors.PERIODS,
            "since": selectors.period_start(period),
            "contributors": selectors.leaderboard(board="contributors", period=period),
            "curators": selectors.leaderboard(board="curators", period=period),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Show the latest notifications; opening the page marks them read."""
    items = list(selectors.inbox(user=request.user)[:INBOX_SIZE])
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        mark_notifications_read(user=request.user, ids=unread)
    return render(request, "accounts/notifications.html", {"items": items})


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
    return redirect("accounts:notifications")
