"""Keyset ("cursor") pages over an ordered queryset, for pages and the API.

A cursor encodes the ordering values of the last work on a page; the next
page is the rows strictly after it in the order. Unlike an offset, a cursor
neither skips nor repeats works when new ones arrive, and every page costs
the same index range scan however deep the visitor scrolls.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    Field,
    IntegerField,
    Model,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gallery.errors import BadCursor


@dataclass
class KeysetPage:
    """One page of works and the cursor of the next page (None at the end)."""

    items: list[Any] = field(default_factory=list)
    next_cursor: str | None = None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


DAMAGED = "This page link is damaged; start from the first page."


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        try:
            parsed = parse_datetime(str(value["t"]))
        except ValueError:  # well formed, but no such date: month 13
            parsed = None
        if parsed is None or timezone.is_naive(parsed):
            raise BadCursor(DAMAGED)
        return parsed
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadCursor(DAMAGED)
    return value


def _fit(value: Any, field: Field) -> Any:
    """Return `value` as `field` would store it, or raise `BadCursor`.

    A cursor is only base64 JSON, so anyone can hand-craft one: each value
    must be of its column's type and within what the database can compare
    (no NUL in text, no infinite or NaN numbers, integers in range), or the
    query itself would fail with a 500.
    """
    is_moment = isinstance(field, DateTimeField)
    if is_moment != isinstance(value, datetime):
        raise BadCursor(DAMAGED)
    if isinstance(value, float) and not math.isfinite(value):
        raise BadCursor(DAMAGED)
    if isinstance(value, str) and "\x00" in value:
        raise BadCursor(DAMAGED)
    try:
        fitted = field.to_python(value)
    except (ValidationError, TypeError, ValueError, OverflowError) as exc:
        raise BadCursor(DAMAGED) from exc
    if isinstance(field, IntegerField):  # the auto primary keys too
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and fitted < low) or (high is not None and fitted > high):
            raise BadCursor(DAMAGED)
    return fitted


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, fields: list[Field]) -> list[Any]:
    """Return the ordering values in `cursor` for `fields`, or raise `BadCursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(DAMAGED) from exc
    if not isinstance(values, list) or len(values) != len(fields):
        raise BadCursor("This page link is out of date; start from the first page.")
    return [
        _fit(_decode_value(v), field) for v, field in zip(values, fields, strict=True)
    ]


def _after(queryset: QuerySet, ordering: tuple[str, ...], values: list[Any]) -> Any:
    """Return the condition "strictly after `values` in `ordering`".

    When every field runs the same way (all the gallery's orders do), this
    is a row-value comparison, ``(rank_top, id) <= (x, y)``, which
    PostgreSQL answers by starting a composite index's range scan at the
    cursor: a deep page costs what the first one does. The cursor's own
    row is then left out with ``(rank_top, id) <> (x, y)``, so the pair
    means exactly "strictly after".

    Why not the strict ``<`` alone: the planner estimates a row comparison
    from its first column only, here ``rank_top < x``. Deep in a run of
    equal values (the many works whose trending score has decayed to 0,
    ordered by id) that reads as "no rows left", and with a filter the
    planner then picks a plan that fetches the whole tail and sorts it, a
    page costing several times the first. ``<=`` counts the run of equal
    values too, an estimate of the right size, so a deep page keeps the
    first page's plan. Mixed directions fall back to the expanded form
    ``a < x OR (a = x AND b < y)``.
    """
    directions = {name.startswith("-") for name in ordering}
    if len(directions) == 1:
        meta = queryset.model._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        columns = ", ".join(
            f"{table}.{quote(meta.get_field(name.lstrip('-')).column)}"
            for name in ordering
        )
        marks = ", ".join(["%s"] * len(values))
        op = "<=" if directions == {True} else ">="
        # Column names come from the model, quoted; the values are parameters.
        return RawSQL(  # noqa: S611
            f"({columns}) {op} ({marks}) AND ({columns}) <> ({marks})",
            (*values, *values),
            output_field=BooleanField(),
        )
    condition = Q()
    equal_so_far = Q()
    for name, value in zip(ordering, values, strict=True):
        attr = name.lstrip("-")
        op = "lt" if name.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{attr}__{op}": value})
        equal_so_far &= Q(**{attr: value})
    return condition


def _values_of(item: Model | dict, ordering: tuple[str, ...]) -> list[Any]:
    if isinstance(item, dict):  # a row of .values()
        return [item[name.lstrip("-")] for name in ordering]
    return [getattr(item, name.lstrip("-")) for name in ordering]


def keyset_page(
    queryset: QuerySet, *, ordering: tuple[str, ...], cursor: str | None, size: int
) -> KeysetPage:
    """Return the page of `queryset` after `cursor` in `ordering` (one query).

    The last field of `ordering` must be unique (the primary key), so the
    order is total and no two rows share a cursor.
    """
    qs = queryset.order_by(*ordering)
    if cursor:
        meta = queryset.model._meta
        fields = [meta.get_field(name.lstrip("-")) for name in ordering]
        qs = qs.filter(_after(qs, ordering, decode_cursor(cursor, fields=fields)))
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size and items:
        next_cursor = encode_cursor(_values_of(items[-1], ordering))
    return KeysetPage(items=items, next_cursor=next_cursor)
