"""Role gates for pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
