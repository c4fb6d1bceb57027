"""Search of the gallery: the reads behind /search/ and /api/v1/search/.

Only accepted works are ever searched, over what their public page shows:
title, tags (the artist's and the task's), the artist's username and
display name, and statement. On PostgreSQL a query is matched against each
work's stored search vector (`art_tasks.search`) through its GIN index and
ranked by `ts_rank` with the vector's weights (title above tags and artist
above statement), newest first among equals; pages are keyset cursors over
(rank, id). Elsewhere (the embedded SQLite) `fallback_search` matches the
words as text, newest first. See docs/search.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, FloatField, IntegerField, Q, QuerySet
from django.db.models.functions import Cast

from art_tasks.models import CreationTask, Submission
from art_tasks.search import CONFIG, enabled
from art_tasks.selectors import Viewer
from gallery.errors import BadSearch
from gallery.pagination import decode_cursor, encode_cursor, keyset_page
from gallery.selectors import (
    CARD_VALUES,
    MAX_PAGE_SIZE,
    PAGE_CARD_FIELDS,
    attach_tag_names,
    gallery_list,
    with_tag_names,
)

# `search_vector=query` is `@@` (registered by django.contrib.postgres's
# app config, which Atelier does not install).
SearchVectorField.register_lookup(SearchVectorExact)

MAX_QUERY_LENGTH = 200
NEWEST = ("-decided_at", "-id")
RANKED = ("-search_rank", "-id")


@dataclass
class SearchPage:
    """One page of results, the next page's cursor, and a word for the visitor.

    `message` is set when nothing was found for a reason worth saying
    (a query of only common words).
    """

    items: list[Any] = field(default_factory=list)
    next_cursor: str | None = None
    message: str = ""


def clean_query(text: str | None) -> str:
    """Return the query as searched, or raise `BadSearch` saying what to change."""
    text = " ".join((text or "").split())
    if not text:
        raise BadSearch("Type a word or two to search the gallery for.")
    if len(text) > MAX_QUERY_LENGTH:
        raise BadSearch(
            f"That search is {len(text)} characters long; keep it under "
            f"{MAX_QUERY_LENGTH}."
        )
    return text


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def ranked_search(text: str, *, viewer: Viewer = None) -> QuerySet[Submission]:
    """Return accepted works matching `text`, with `search_rank` (PostgreSQL)."""
    query = _query(text)
    return (
        gallery_list(order="new", viewer=viewer)
        .filter(search_vector=query)
        # As double precision, so a cursor's rank compares equal to its row.
        .annotate(search_rank=Cast(SearchRank(F("search_vector"), query), FloatField()))
    )


def fallback_search(text: str, *, viewer: Viewer = None) -> QuerySet[Submission]:
    """Return accepted works with every word of `text` in them, newest first.

    Any database: each word must appear (in any case) in the title, the
    statement, a tag of the work or its task, or the artist's names.
    """
    qs = gallery_list(order="new", viewer=viewer)
    for word in text.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(statement__icontains=word)
            | Q(artist__username__icontains=word)
            | Q(artist__display_name__icontains=word)
            | Q(pk__in=_tag_matches(Submission.tags.through, word, "submission_id"))
            | Q(
                task_id__in=_tag_matches(
                    CreationTask.tags.through, word, "creationtask_id"
                )
            )
        )
    return qs.order_by(*NEWEST)


def _tag_matches(through: Any, word: str, column: str) -> QuerySet:
    return through.objects.filter(tag__name__icontains=word).values(column)


def _only_stop_words(text: str) -> bool:
    """Return whether `text` holds no word the search can use ("the of")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [CONFIG, text]
        )
        return cursor.fetchone()[0] == 0


def _ranked_page(
    qs: QuerySet, *, cursor: str | None, size: int
) -> tuple[list[Any], str | None]:
    """Return one keyset page of `qs` by (search_rank, id), both descending."""
    qs = qs.order_by(*RANKED)
    if cursor:
        rank, pk = decode_cursor(cursor, fields=[FloatField(), IntegerField()])
        qs = qs.filter(Q(search_rank__lt=rank) | Q(search_rank=rank, pk__lt=pk))
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        if isinstance(last, dict):
            rank, pk = last["search_rank"], last["id"]
        else:
            rank, pk = last.search_rank, last.pk
        next_cursor = encode_cursor([float(rank), pk])
    return items, next_cursor


def search_page(
    *,
    text: str,
    cursor: str | None = None,
    size: int | None = None,
    viewer: Viewer = None,
    rows: bool = False,
) -> SearchPage:
    """Return one page of accepted works matching `text`, best first.

    `text` is checked first (`clean_query`, raising `BadSearch`). The page
    is one query (plus one on an empty first page, to tell a query of only
    stop words from one that found nothing). `rows` gives `.values()`
    rows for the API (`CARD_VALUES` and `tag_names`) instead of cards.
    """
    text = clean_query(text)
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    if not enabled():
        qs = fallback_search(text, viewer=viewer)
        qs = qs.values(*CARD_VALUES) if rows else _cards(qs)
        page = keyset_page(qs, ordering=NEWEST, cursor=cursor, size=size)
        found = SearchPage(items=page.items, next_cursor=page.next_cursor)
    else:
        qs = with_tag_names(ranked_search(text, viewer=viewer))
        fields = (*CARD_VALUES, "tag_names", "search_rank")
        qs = qs.values(*fields) if rows else _cards(qs)
        items, next_cursor = _ranked_page(qs, cursor=cursor, size=size)
        found = SearchPage(items=items, next_cursor=next_cursor)
        if not items and not cursor and _only_stop_words(text):
            found.message = (
                "Those words are too common to search for; try a more particular one."
            )
    attach_tag_names(found.items)
    return found


def _cards(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """Read just what a card shows (as the gallery page does)."""
    return (
        qs.select_related(None).select_related("artist", "task").only(*PAGE_CARD_FIELDS)
    )
