"""API pieces every app shares: file URLs and cursor pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class FileUrlField(serializers.Field):
    """An absolute URL for a stored file, or null while it does not exist."""

    def __init__(self, **kwargs):  # noqa: ANN003, ANN204
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):  # noqa: ANN001, ANN201
        if not value:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(value.url) if request else value.url


class CursorPage(CursorPagination):
    """Cursor pages of a list: 30 items, `?page_size=` up to 100.

    A subclass names its `ordering`: the first key is the cursor's position
    (an indexed column, never null), the last a unique one (the id) so the
    order is stable. Pages answer `{"next", "previous", "results"}`.
    """

    page_size = 30
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering: tuple[str, ...] = ("-created_at", "-id")


def cursor_page(*ordering: str) -> type[CursorPage]:
    """Return a `CursorPage` class that pages in `ordering`."""
    return type("CursorPage", (CursorPage,), {"ordering": ordering})


def paginated_response(
    view: APIView,
    queryset: QuerySet,
    serialize: Callable[[list], Any],
    *,
    ordering: tuple[str, ...] | None = None,
) -> Response:
    """Return one cursor page of `queryset` for `view`'s request.

    `view.pagination_class` pages it (its ordering, or `ordering` where the
    request chose one); `serialize` turns the page's items into data.
    """
    paginator = view.pagination_class()
    if ordering is not None:
        paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serialize(page))
