"""Helpers every app's page views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import AtelierError


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Return the request's `next` if it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def error_text(exc: AtelierError | ValidationError) -> str:
    """Return the sentence a person reads for a refused action."""
    if isinstance(exc, AtelierError):
        return exc.message
    return " ".join(exc.messages)


def add_form_error(
    form: Form, exc: AtelierError | ValidationError, field: str | None = None
) -> None:
    """Show a service's refusal on `form`: on `field`, or above the form.

    A `ValidationError` keyed by field names lands on those fields, as the
    service named them.
    """
    if isinstance(exc, AtelierError):
        form.add_error(field, exc.message)
    else:
        form.add_error(field, exc)
