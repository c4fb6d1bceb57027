"""Database expressions the apps share, written for PostgreSQL and SQLite."""

from __future__ import annotations

from django.db.models import Aggregate, CharField


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
