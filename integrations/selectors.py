"""Reads of integrations that pages and the API share."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from core import roles
from core.errors import NotFound
from integrations.models import Attempt, Delivery, Endpoint

RECENT_DELIVERIES = 25


def endpoints_for(*, user: User) -> QuerySet[Endpoint]:
    """Return the endpoints `user` manages: staff all, anyone else their own."""
    endpoints = Endpoint.objects.select_related("owner").order_by("-created_at", "-id")
    if roles.is_staff(user):
        return endpoints
    return endpoints.filter(owner=user)


def endpoint_for(*, user: User, pk: int) -> Endpoint:
    """Return endpoint `pk` if `user` manages it; NotFound otherwise.

    Someone else's endpoint is "not found", so its existence is not told.
    """
    endpoint = endpoints_for(user=user).filter(pk=pk).first()
    if endpoint is None:
        raise NotFound("No such webhook.")
    return endpoint


def deliveries_for(
    *,
    user: User,
    endpoint_id: int | None = None,
    state: str | None = None,
    event_type: str | None = None,
) -> QuerySet[Delivery]:
    """Return the deliveries of the endpoints `user` manages, newest first."""
    deliveries = Delivery.objects.select_related("event", "endpoint").order_by(
        "-created_at", "-id"
    )
    if not roles.is_staff(user):
        deliveries = deliveries.filter(endpoint__owner=user)
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if state:
        deliveries = deliveries.filter(state=state)
    if event_type:
        deliveries = deliveries.filter(event__type=event_type)
    return deliveries


def recent_deliveries(*, endpoint: Endpoint) -> list[Delivery]:
    """Return the endpoint's latest deliveries with their attempts (2 queries)."""
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(
            Prefetch("attempts", queryset=Attempt.objects.order_by("-number"))
        )
        .order_by("-created_at", "-id")[:RECENT_DELIVERIES]
    )


def delivery_for(*, user: User, pk: int) -> Delivery:
    """Return delivery `pk` with its attempts if `user` manages its endpoint."""
    delivery = (
        deliveries_for(user=user)
        .prefetch_related(
            Prefetch("attempts", queryset=Attempt.objects.order_by("-number"))
        )
        .filter(pk=pk)
        .first()
    )
    if delivery is None:
        raise NotFound("No such delivery.")
    return delivery
