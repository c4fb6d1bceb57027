"""Request hygiene shared by every page and API view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

NUL = "\x00"
NUL_MESSAGE = (
    "The request contains a NUL character (%00), which no page, search or "
    "form accepts. Remove it and try again."
)
API_PREFIX = "/api/"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_in(params: QueryDict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values)
        for key, values in params.lists()
    )


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or _nul_in(request.GET):
        return True
    # Form posts to pages too, as some read fields straight from POST; the
    # CSRF check parses these bodies anyway. API bodies are left to DRF's
    # parsers and serializers, which refuse NUL in character fields.
    return (
        request.method == "POST"
        and not request.path.startswith(API_PREFIX)
        and request.content_type in FORMS
        and _nul_in(request.POST)
    )


class RejectNulMiddleware:
    """Answer 400 to a request whose path, query or form post holds a NUL byte.

    PostgreSQL refuses NUL in text, so such a value reaching a query would
    crash it with a 500. API bodies go through DRF's character fields,
    which already refuse NUL with a field error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    {"detail": NUL_MESSAGE, "code": "bad_request"}, status=400
                )
            return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)
