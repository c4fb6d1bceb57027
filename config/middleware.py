"""Request hygiene shared by every page and API view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL = "\x00"
NUL_MESSAGE = (
    "The address contains a NUL character (%00), which no page or search "
    "accepts. Remove it and try again."
)


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    return any(
        NUL in key or any(NUL in value for value in values)
        for key, values in request.GET.lists()
    )


class RejectNulMiddleware:
    """Answer 400 to any request whose path or query string holds a NUL byte.

    PostgreSQL refuses NUL in text, so such a value reaching a query would
    crash it with a 500. Form and JSON bodies need no guard: Django's and
    DRF's character fields already refuse NUL with a field error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": NUL_MESSAGE, "code": "bad_request"}, status=400
                )
            return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)
