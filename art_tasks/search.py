"""The search vector of a work: its words, weighted, in one stored column.

`Submission.search_vector` holds the work's title (weight A), its tags and
its task's tags (B), its artist's username and display name (B) and its
statement (C), as PostgreSQL's `tsvector` in the `english` configuration:
English stemming lets "harbours" find "harbour" and leaves out stop words.
A GIN index (`submission_search`) answers the gallery's search with it.

The services rewrite a work's vector when they write what it is made of:
`_submit` once the work and its tags are stored, and the handler of a
user's save (`signal_handlers.refresh_artist_search`) when an artist's
names change. Each rewrite is one UPDATE computed in the database. On
other databases (the embedded SQLite) there is no vector: the gallery's
search falls back to matching text (see `gallery.search`).

See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from accounts.models import User
from art_tasks.models import CreationTask, Submission, Tag

# The text search configuration of the stored vectors and of the queries.
CONFIG = "english"

_VECTOR = """
UPDATE {work} s SET search_vector =
     setweight(to_tsvector(%(config)s::regconfig, coalesce(s.title, '')), 'A')
  || setweight(to_tsvector(%(config)s::regconfig, coalesce((
       SELECT string_agg(g.name, ' ' ORDER BY g.name) FROM {tag} g
        WHERE g.id IN (SELECT wt.tag_id FROM {work_tag} wt
                        WHERE wt.submission_id = s.id
                       UNION
                       SELECT tt.tag_id FROM {task_tag} tt
                        WHERE tt.creationtask_id = s.task_id)), '')), 'B')
  || setweight(to_tsvector(%(config)s::regconfig,
                           u.username || ' ' || u.display_name), 'B')
  || setweight(to_tsvector(%(config)s::regconfig, coalesce(s.statement, '')), 'C')
  FROM {user} u
 WHERE u.id = s.artist_id AND {where}
"""


def enabled() -> bool:
    """Return whether the database keeps search vectors (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _update(where: str, params: dict[str, object]) -> int:
    sql = _VECTOR.format(
        work=Submission._meta.db_table,
        tag=Tag._meta.db_table,
        work_tag=Submission.tags.through._meta.db_table,
        task_tag=CreationTask.tags.through._meta.db_table,
        user=User._meta.db_table,
        where=where,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"config": CONFIG, **params})
        return cursor.rowcount


def refresh_search_vectors(*, ids: Iterable[int]) -> int:
    """Rewrite the search vectors of the works `ids` (one query); return how many.

    Does nothing where the database keeps no vectors.
    """
    ids = list(ids)
    if not ids or not enabled():
        return 0
    return _update("s.id = ANY(%(ids)s)", {"ids": ids})


def refresh_artist_search_vectors(*, artist_id: int) -> int:
    """Rewrite the search vectors of every work of one artist (one query).

    An artist's works are few next to the gallery; the index of the
    artist foreign key finds them.
    """
    if not enabled():
        return 0
    return _update("s.artist_id = %(artist)s", {"artist": artist_id})
