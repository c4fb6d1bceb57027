"""Helpers every app's page views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
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


def page_with_links(
    request: HttpRequest, rows: QuerySet, *, key: str, size: int
) -> Page:
    """Return the page of `rows` that `?<key>=` asks for, `size` rows long.

    The page carries `previous_url` and `next_url` ("" at either end) for
    `_pager.html`; each keeps the request's other parameters, so two lists
    on one page (reports and hidden works) page through independently.
    """
    page = Paginator(rows, size).get_page(request.GET.get(key))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[key] = str(number)
        return f"?{query.urlencode()}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page
