"""One place that turns domain errors into readable 4xx API responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.ratelimit import RateLimited
from core.errors import AtelierError


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return {"detail": " ".join(exc.messages)}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map `AtelierError`, Django's `ValidationError` and DRF errors to 4xx.

    Every error body has `detail` (a sentence a person can act on) and
    `code`; validation errors add per-field messages.
    """
    if isinstance(exc, AtelierError):
        body = {"detail": exc.message, "code": exc.code, **exc.extra}
        response = Response(body, status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        detail = _django_validation_detail(exc)
        if "detail" not in detail:
            first = next(iter(detail.values()), [""])
            detail = {
                "detail": first[0] if isinstance(first, list) else str(first),
                "errors": detail,
            }
        return Response({**detail, "code": "invalid"}, status=400)
    if isinstance(exc, RequestDataTooBig):
        body = {"detail": "The request body is too large.", "code": "too_large"}
        return Response(body, status=413)
    if isinstance(exc, SuspiciousOperation):  # too many fields or files, say
        body = {"detail": f"The request could not be read: {_sentence(exc)}"}
        return Response({**body, "code": "bad_request"}, status=400)
    if isinstance(exc, ObjectDoesNotExist):
        exc = Http404()
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = response.data
        first = ""
        if isinstance(errors, dict) and errors:
            key, value = next(iter(errors.items()))
            message = value[0] if isinstance(value, list) and value else value
            first = f"{key}: {message}" if key != "non_field_errors" else str(message)
        elif isinstance(errors, list) and errors:
            first = str(errors[0])
        response.data = {"detail": first, "code": "invalid", "errors": errors}
    elif response is not None and isinstance(response.data, dict):
        response.data.setdefault("code", _code_of(exc))
    return response


def _sentence(exc: SuspiciousOperation) -> str:
    name = type(exc).__name__
    if name.startswith("TooMany"):
        return "it has too many fields or files."
    return "it is malformed."


def _code_of(exc: Exception) -> str:
    if isinstance(exc, Http404):
        return "not_found"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        return codes if isinstance(codes, str) else exc.default_code
    return "permission_denied"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, except under /api/, where clients get a JSON error."""
    if request.path.startswith("/api/"):
        body = {"detail": "No such API address; see /api/docs/.", "code": "not_found"}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
