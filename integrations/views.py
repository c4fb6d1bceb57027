"""Pages of integrations: the staff webhooks page and "My webhooks".

Both list endpoints with a form to add one; an endpoint's page edits it and
shows its recent deliveries with every attempt, with re-send and resume.
Someone else's endpoint is a 404, as in the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import roles
from core.decorators import errors_as_messages, staff_required
from core.errors import AtelierError, NotFound
from core.views import error_text
from integrations import selectors
from integrations.forms import EndpointForm
from integrations.models import Delivery, Endpoint
from integrations.services import (
    create_endpoint,
    delete_endpoint,
    redeliver,
    resume_endpoint,
    rotate_endpoint_secret,
    update_endpoint,
)

MINE = "integrations:my-webhooks"


def _endpoint(request: HttpRequest, pk: int) -> Endpoint:
    try:
        return selectors.endpoint_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _list_page(request: HttpRequest, *, staff_page: bool) -> HttpResponse:
    staff = roles.is_staff(request.user)
    form = EndpointForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = create_endpoint(
                owner=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except AtelierError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(
                request,
                "Webhook added. Copy its secret now: it is shown only this once.",
            )
            return _detail_page(request, endpoint, secret=endpoint.secret)
    endpoints = selectors.endpoints_for(user=request.user)
    if not staff_page:
        endpoints = endpoints.filter(owner=request.user)
    return render(
        request,
        "integrations/endpoint_list.html",
        {"form": form, "endpoints": endpoints, "staff_page": staff_page},
    )


@login_required
def my_webhooks(request: HttpRequest) -> HttpResponse:
    """My webhooks: endpoints told about my own works (staff: about the site)."""
    return _list_page(request, staff_page=False)


@staff_required
def staff_webhooks(request: HttpRequest) -> HttpResponse:
    """Every endpoint on the site, artists' included; staff add site-wide ones."""
    return _list_page(request, staff_page=True)


def _detail_page(
    request: HttpRequest,
    endpoint: Endpoint,
    *,
    form: EndpointForm | None = None,
    secret: str | None = None,
) -> HttpResponse:
    staff = endpoint.scope == Endpoint.Scope.SITE
    form = form or EndpointForm(
        initial={
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
        },
        staff=staff,
    )
    return render(
        request,
        "integrations/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "form": form,
            "secret": secret,
            "can_reveal": roles.is_staff(request.user),
            "deliveries": selectors.recent_deliveries(endpoint=endpoint),
        },
    )


@login_required
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An endpoint: edit it, see its deliveries and their attempts."""
    endpoint = _endpoint(request, pk)
    if request.method != "POST":
        return _detail_page(request, endpoint)
    form = EndpointForm(request.POST, staff=endpoint.scope == Endpoint.Scope.SITE)
    if form.is_valid():
        try:
            endpoint = update_endpoint(
                endpoint=endpoint, by=request.user, **form.cleaned_data
            )
        except AtelierError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, "Webhook saved.")
            return redirect(endpoint)
    return _detail_page(request, endpoint, form=form)


@login_required
@require_POST
@errors_as_messages(MINE)
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = delete_endpoint(endpoint=_endpoint(request, pk), by=request.user)
    messages.info(request, f"The webhook to {endpoint.url} is deleted.")
    if roles.is_staff(request.user) and endpoint.owner_id != request.user.pk:
        return redirect("integrations:staff-webhooks")
    return redirect(MINE)


@login_required
@require_POST
@errors_as_messages(MINE)
def endpoint_resume(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = resume_endpoint(endpoint=_endpoint(request, pk), by=request.user)
    messages.success(request, "Webhook resumed: waiting deliveries are on their way.")
    return redirect(endpoint)


@login_required
@require_POST
@errors_as_messages(MINE)
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = rotate_endpoint_secret(endpoint=_endpoint(request, pk), by=request.user)
    messages.success(
        request,
        "New secret made; the old one no longer signs. Copy it now: it is shown "
        "only this once.",
    )
    return _detail_page(request, endpoint, secret=endpoint.secret)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        delivery: Delivery = selectors.delivery_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        redeliver(delivery=delivery, by=request.user)
    except AtelierError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Sent again: the new delivery is at the top.")
    return redirect(delivery.endpoint)
