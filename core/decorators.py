"""Role gates for pages, and the one way page views turn domain errors into messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url

from core import roles
from core.errors import AtelierError
from core.views import error_text, safe_next

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Open `view` to staff only.

    A visitor is sent to the site's sign-in page (`settings.LOGIN_URL`) and
    back with `next`, never to the Django admin's; a signed-in member who is
    not staff gets a 403 page rather than a sign-in form they cannot pass.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            return render(
                request, "403.html", {"message": "This page is for staff."}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper


def curator_required(message: str) -> Callable[[View], View]:
    """Open a view to curators only; others get a 403 page saying `message`.

    Put it under `login_required`, which sends visitors to sign in first.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: object, **kwargs: object
        ) -> HttpResponse:
            if not roles.is_curator(request.user):
                return render(request, "403.html", {"message": message}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


Back = str | Callable[..., str]


def errors_as_messages(back: Back) -> Callable[[View], View]:
    """Turn a domain error raised by an action view into a message and a redirect.

    The view performs its action and redirects as it likes on success; when
    a service refuses (`AtelierError`, or a `ValidationError` from
    `full_clean`), the person is sent to the request's safe `next`, else to
    `back` (a URL, a URL name, or a callable given the view's arguments)
    with the refusal as an error message. This replaces a try/except in
    every action view.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: object, **kwargs: object
        ) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except (AtelierError, ValidationError) as exc:
                messages.error(request, error_text(exc))
                target = back(request, *args, **kwargs) if callable(back) else back
                return redirect(safe_next(request, resolve_url(target)))

        return wrapper

    return decorator
