"""Pages of accounts: artist profiles, settings, the leaderboard, notifications.

Sign-up, sign-in and the password and e-mail pages are allauth's views
(mounted in `urls.py`), drawn with the templates in templates/account/.
"""

from __future__ import annotations

from allauth.account import views as allauth_views

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import ratelimit, selectors
from accounts.forms import ProfileForm, TokenForm
from accounts.models import SentMail
from accounts.ratelimit import rate_limited
from accounts.services import issue_token, revoke_token, rotate_token, update_profile
from core.decorators import errors_as_messages, staff_required
from core.errors import AtelierError

TOKENS = "accounts:token-settings"

MAIL_PAGE = 100


def _login_account(request: HttpRequest) -> str:
    return (request.POST.get("login") or "").strip().casefold()


def login(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """allauth's sign-in page, refusing for a while after repeated attempts.

    Attempts count per account (the name or address typed) and per client
    address (rates "login-account" and "login-ip") before the password is
    checked, so simultaneous guesses cannot slip past the limit; past either
    limit the page answers 429 without checking the password. A successful
    sign-in takes its attempt back and clears the account's count. allauth's
    own failed-login limits stay on behind this.
    """
    if request.method != "POST":
        return allauth_views.login(request, *args, **kwargs)
    ip, account = ratelimit.client_ip(request), _login_account(request)
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
    was_signed_in = request.user.is_authenticated
    response = allauth_views.login(request, *args, **kwargs)
    if request.user.is_authenticated and not was_signed_in:
        ratelimit.undo("login-ip", ip)
        ratelimit.reset("login-account", account)
    return response


signup = rate_limited("signup")(allauth_views.signup)


def _form_errors(form, exc: ValidationError) -> None:  # noqa: ANN001
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    """Edit display name, bio and picture."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={"display_name": user.display_name, "bio": user.bio},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_profile(
                user=user,
                display_name=data["display_name"],
                bio=data["bio"],
                avatar=data.get("avatar"),
                remove_avatar=data.get("remove_avatar", False),
            )
        except AtelierError as exc:
            form.add_error("avatar", exc.message)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile-settings")
    return render(request, "accounts/profile_settings.html", {"form": form})


def _token_page(
    request: HttpRequest, *, form: TokenForm, secret: str | None
) -> HttpResponse:
    """The tokens page; `secret` is a new token's secret, shown this once."""
    return render(
        request,
        "accounts/token_settings.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.api_tokens(user=request.user),
        },
    )


@login_required
def token_settings(request: HttpRequest) -> HttpResponse:
    """List my API tokens; make one (its secret is shown once, on this page)."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = issue_token(user=request.user, name=form.cleaned_data["name"])
        except AtelierError as exc:
            form.add_error(None, exc.message)
        else:
            secret = issued.secret
            messages.success(
                request,
                f"Token “{issued.token.name}” made. Copy it now: it is "
                "shown only once.",
            )
            form = TokenForm()
    return _token_page(request, form=form, secret=secret)


@login_required
@require_POST
@errors_as_messages(TOKENS)
def token_rotate(request: HttpRequest, token_id: int) -> HttpResponse:
    issued = rotate_token(user=request.user, token_id=token_id)
    messages.success(
        request,
        f"“{issued.token.name}” has a new secret; the old one no longer works. "
        "Copy it now: it is shown only once.",
    )
    return _token_page(request, form=TokenForm(), secret=issued.secret)


@login_required
@require_POST
@errors_as_messages(TOKENS)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = revoke_token(user=request.user, token_id=token_id)
    messages.info(request, f"“{token.name}” is revoked.")
    return redirect(TOKENS)


@staff_required
def sent_mail(request: HttpRequest) -> HttpResponse:
    """The latest e-mails the site sent (kept when ATELIER_MAIL_STORE is on)."""
    return render(
        request,
        "accounts/sent_mail.html",
        {"mails": SentMail.objects.all()[:MAIL_PAGE]},
    )


@staff_required
def sent_mail_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    return render(
        request,
        "accounts/sent_mail_detail.html",
        {"mail": get_object_or_404(SentMail, pk=mail_id)},
    )
