"""Database expressions the apps share, written for PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Aggregate,
    CharField,
    DurationField,
    F,
    Func,
    JSONField,
    Model,
    Subquery,
)
from django.utils import timezone

M = TypeVar("M", bound=Model)


class JoinedNames(Aggregate):
    """A column's values joined by commas: `STRING_AGG` on PostgreSQL,
    `GROUP_CONCAT` on the embedded SQLite default.

    Made for names that hold no comma (slugs); the order is not kept, so
    readers sort what they split.
    """

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


class JSONRows(Subquery):
    """The rows of a subquery as one JSON array, in the subquery's order.

    `queryset` selects a single `JSONObject` column named ``row``
    (``.values(row=JSONObject(...))``); the annotation reads back as a list
    of dicts, ``[]`` when there are none. It folds a short, bounded list
    (a work's collections, an artist's wins) into the query of the row it
    belongs to: `JSONB_AGG` on PostgreSQL, `JSON_GROUP_ARRAY` on SQLite,
    both fed by the ordered subquery. Its ORDER BY keeps PostgreSQL from
    flattening it, so the aggregate takes the rows in that order, as an
    `ArraySubquery` does.
    """

    template = (
        "(SELECT COALESCE(JSONB_AGG(_rows.row), '[]'::jsonb) FROM (%(subquery)s) _rows)"
    )
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        template = (
            "(SELECT JSON_GROUP_ARRAY(JSON(_rows.row)) FROM (%(subquery)s) _rows)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def row_fields(model: type[Model], *names: str, prefix: str = "") -> dict:
    """Return ``JSONObject`` arguments for `names` of `model` (attnames).

    Every concrete field without `names`; `prefix` reads them through a
    relation (``"challenge__"``).
    """
    fields = (
        [model._meta.get_field(name) for name in names]
        if names
        else model._meta.concrete_fields
    )
    return {
        field.attname: _AsJSON(F(prefix + field.name))
        if isinstance(field, JSONField)
        else F(prefix + field.name)
        for field in fields
    }


class _AsJSON(Func):
    """A JSON column nested as JSON, not as text (SQLite keeps JSON as text)."""

    template = "%(expressions)s"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        return super().as_sql(compiler, connection, template="JSON(%(expressions)s)")


def set_prefetched(instance: Model, name: str, objects: list[Model]) -> None:
    """Make `instance`'s related manager `name` answer with `objects`.

    As `prefetch_related(name)` would, without its query: `.all()` reads
    the list, and each object's foreign key back is `instance`.
    """
    manager = getattr(instance, name)
    back = manager.field.name
    for obj in objects:
        setattr(obj, back, instance)
    qs = manager.get_queryset()
    qs._result_cache = list(objects)
    qs._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = qs


def from_row(model: type[M], row: dict[str, Any]) -> M:
    """Return a `model` instance from a `JSONRows` dict, as if loaded.

    Values go through each field's `to_python` (JSON has no dates); fields
    not in `row` are deferred, so reading one costs a query instead of
    showing a default.
    """
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname not in row:
            continue
        value = row[field.attname]
        if isinstance(field, DurationField) and isinstance(value, int):
            value = timedelta(microseconds=value)  # SQLite stores microseconds
        if value is not None:
            value = field.to_python(value)
            if isinstance(value, datetime) and timezone.is_naive(value):
                value = timezone.make_aware(value, UTC)  # SQLite's stored text
        names.append(field.attname)
        values.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, names, values)
