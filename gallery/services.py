"""Every write of the gallery: likes, views, the ranks' upkeep, collections."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from core.errors import NotAllowed
from curation.ranking import (
    LIKE_POINTS,
    TREND_OFFSET_HOURS,
    VOTE_POINTS_PER_SCORE,
    Candidate,
    discover_order,
    trend_of,
    wilson_expression,
    wilson_lower_bound,
)
from curation.services import refresh_ranking_prior
from gallery.errors import CollectionConflict, LikeOwnWork, NotInGallery, NotStaff
from gallery.models import Collection, CollectionItem, Like

# Votes and decisions ----------------------------------------------------------


# Review windows ---------------------------------------------------------------


# Likes and views --------------------------------------------------------------


def _refresh_like_ranks(submission: Submission, now: datetime) -> list[str]:
    submission.rank_popular = wilson_lower_bound(
        likes=submission.like_count, views=submission.view_count
    )
    submission.trend_score = trend_of(submission, now)
    return ["like_count", "rank_popular", "trend_score", "updated_at"]


@transaction.atomic
def like_work(*, submission: Submission, user: User) -> Submission:
    """Record that `user` likes an accepted work; liking twice changes nothing.

    The like, the counter and the "popular" and "trending" ranks change in
    one transaction under the submission's row lock.
    """
    if not user.is_authenticated:
        raise NotAllowed("Sign in to like work.")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.ACCEPTED:
        # In review, hidden or rejected work is not public: answer as if
        # it did not exist, so a like never tells its state.
        raise NoSuchGalleryWork("No such artwork in the gallery.")
    if submission.artist_id == user.pk:
        raise LikeOwnWork("You cannot like your own work.")
    _, created = Like.objects.get_or_create(submission=submission, user=user)
    if created:
        submission.like_count += 1
        submission.save(update_fields=_refresh_like_ranks(submission, timezone.now()))
    return submission


@transaction.atomic
def unlike_work(*, submission: Submission, user: User) -> Submission:
    """Take back `user`'s like of a work, if there was one.

    Like `like_work`, it answers only for work in the gallery; likes of
    work hidden since stay until it is restored.
    """
    if not user.is_authenticated:
        raise NotAllowed("Sign in to like work.")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.ACCEPTED:
        raise NoSuchGalleryWork("No such artwork in the gallery.")
    deleted, _ = Like.objects.filter(submission=submission, user=user).delete()
    if deleted:
        submission.like_count = max(0, submission.like_count - deleted)
        submission.save(update_fields=_refresh_like_ranks(submission, timezone.now()))
    return submission


VIEW_WINDOW = timedelta(days=1)


def record_view(
    *,
    submission: Submission,
    viewer: User | AnonymousUser,
    visitor: str = "",
) -> bool:
    """Count one view of an accepted work and re-rank it, in one UPDATE.

    A person (or, signed out, the browser session or address in `visitor`)
    counts once per work per day, so reloading a page cannot move a work in
    "Popular". The day's mark is one cache key set with `add`, which is
    atomic, so two reloads racing still count once; the database sees no
    extra query. The artist's own views are not counted. The statement reads
    the row's current counters, so it needs no lock and never loses a
    concurrent like.
    """
    if submission.state != Submission.State.ACCEPTED:
        return False
    if viewer.is_authenticated and viewer.pk == submission.artist_id:
        return False
    who = f"u{viewer.pk}" if viewer.is_authenticated else f"a{visitor}"
    day = timezone.now().date().isoformat()
    key = f"gallery:view:{submission.pk}:{who}:{day}"
    if not cache.add(key, 1, timeout=int(VIEW_WINDOW.total_seconds())):
        return False
    updated = Submission.objects.filter(
        pk=submission.pk, state=Submission.State.ACCEPTED
    ).update(
        view_count=F("view_count") + 1,
        rank_popular=wilson_expression(F("like_count"), F("view_count") + 1),
    )
    return updated == 1


# Periodic ranking upkeep ------------------------------------------------------


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def decay_trending(*, now: datetime | None = None) -> int:
    """Recompute "trending" for accepted work as it ages; return rows written.

    Scores come from each row's current counters at the moment it is
    written (under its row lock), so a like landing at the same time is
    never overwritten with a stale score. Work past the horizon drops to 0.
    On PostgreSQL this is one UPDATE statement; elsewhere rows are locked,
    rescored and written in batches.
    """
    now = now or timezone.now()
    horizon = now - timedelta(days=settings.ATELIER_TRENDING_DAYS)
    if connection.vendor == "postgresql":
        return _decay_trending_in_sql(now=now, horizon=horizon)
    return _decay_trending_in_batches(now=now, horizon=horizon)


_TREND_SQL = """
UPDATE {table} SET trend_score = CASE
    WHEN decided_at >= %(horizon)s
    THEN (like_count * %(like)s + score_sum * %(vote)s) / POWER(
        GREATEST(EXTRACT(EPOCH FROM (%(now)s - decided_at))::float8 / 3600.0, 0)
        + %(offset)s,
        %(gravity)s
    )
    ELSE 0 END
WHERE state = 'accepted' AND (decided_at >= %(horizon)s OR trend_score > 0)
"""


def _decay_trending_in_sql(*, now: datetime, horizon: datetime) -> int:
    params = {
        "now": now,
        "horizon": horizon,
        "like": LIKE_POINTS,
        "vote": VOTE_POINTS_PER_SCORE,
        "offset": TREND_OFFSET_HOURS,
        "gravity": float(settings.ATELIER_TRENDING_GRAVITY),
    }
    sql = _TREND_SQL.format(table=Submission._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _decay_trending_in_batches(*, now: datetime, horizon: datetime) -> int:
    accepted = Submission.objects.filter(state=Submission.State.ACCEPTED)
    ids = list(
        accepted.filter(decided_at__gte=horizon)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for batch in _chunks(ids, 500):
        with transaction.atomic():
            rows = list(
                accepted.filter(pk__in=batch)
                .select_for_update()
                .only("pk", "state", "like_count", "score_sum", "decided_at")
            )
            for row in rows:
                row.trend_score = trend_of(row, now)
            Submission.objects.bulk_update(rows, ["trend_score"])
    old = accepted.filter(decided_at__lt=horizon, trend_score__gt=0)
    return len(ids) + old.update(trend_score=0)


def _write_discover_ranks(ranks: dict[int, int | None]) -> None:
    """Store many works' discover positions (one statement on PostgreSQL)."""
    if not ranks:
        return
    if connection.vendor == "postgresql":
        table = Submission._meta.db_table
        sql = (
            f"UPDATE {table} AS s SET discover_rank = v.rank "  # noqa: S608 - fixed names
            "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, rank) "
            "WHERE s.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(ranks), list(ranks.values())])
        return
    rows = [Submission(pk=pk, discover_rank=rank) for pk, rank in ranks.items()]
    Submission.objects.bulk_update(rows, ["discover_rank"], batch_size=500)


@transaction.atomic
def layout_discover() -> int:
    """Lay out the "discover" order again; return how many works it holds.

    Discover depends on the whole gallery (the median, who else is nearby),
    so it cannot change in O(1) per vote: this periodic job stores each
    work's position and the order reads it through an index. Only rows
    whose position changed are written.
    """
    rows = list(
        Submission.objects.filter(state=Submission.State.ACCEPTED).values_list(
            "pk", "artist_id", "task_id", "task__style", "rank_top", "discover_rank"
        )
    )
    order = discover_order(
        [
            Candidate(pk=r[0], artist=r[1], task=r[2], style=r[3], rank=r[4])
            for r in rows
        ]
    )
    positions = {work.pk: index for index, work in enumerate(order, start=1)}
    Submission.objects.filter(discover_rank__isnull=False).exclude(
        state=Submission.State.ACCEPTED
    ).update(discover_rank=None)
    _write_discover_ranks(
        {
            pk: positions.get(pk)
            for pk, *_rest, current in rows
            if positions.get(pk) != current
        }
    )
    return len(positions)


def refresh_gallery_layout() -> dict[str, float]:
    """Run the periodic upkeep of "top" (the prior) and "discover"."""
    prior = refresh_ranking_prior()
    placed = layout_discover()
    return {"prior_mean": prior.mean, "discover": placed}


# Collections ------------------------------------------------------------------


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise NotStaff("Only staff curate collections.")


def _renumber(collection: Collection, submission_ids: list[int]) -> None:
    items = {i.submission_id: i for i in collection.items.all()}
    for position, pk in enumerate(submission_ids, start=1):
        items[pk].position = position
    CollectionItem.objects.bulk_update(list(items.values()), ["position"])


@transaction.atomic
def create_collection(
    *,
    by: User,
    title: str,
    statement: str = "",
    slug: str = "",
    published: bool = False,
) -> Collection:
    """Create an (empty) collection; staff only. The slug follows the title."""
    _require_staff(by)
    slug = slugify(slug or title)[:80]
    if not slug:
        raise ValidationError({"title": "Give the collection a title."})
    if Collection.objects.filter(slug=slug).exists():
        raise CollectionConflict(f"A collection at /collections/{slug}/ exists.")
    collection = Collection(
        slug=slug,
        title=title.strip(),
        statement=statement.strip(),
        published=published,
        curated_by=by,
    )
    collection.full_clean()
    collection.save()
    return collection


@transaction.atomic
def update_collection(
    *,
    collection: Collection,
    by: User,
    title: str,
    statement: str,
    published: bool,
    cover: Submission | None,
) -> Collection:
    """Change a collection's words, cover and visibility.

    The cover must be one of the collection's works.
    """
    _require_staff(by)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if cover is not None and not collection.items.filter(submission=cover).exists():
        raise CollectionConflict("The cover must be one of the collection's works.")
    collection.title = title.strip()
    collection.statement = statement.strip()
    collection.published = published
    collection.cover = cover
    collection.full_clean()
    collection.save(
        update_fields=["title", "statement", "published", "cover", "updated_at"]
    )
    return collection


@transaction.atomic
def add_to_collection(
    *, collection: Collection, by: User, submission: Submission
) -> CollectionItem:
    """Append an accepted work to a collection; it becomes the cover if none."""
    _require_staff(by)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if submission.state != Submission.State.ACCEPTED:
        raise NotInGallery("Only accepted work can join a collection.")
    if collection.items.filter(submission=submission).exists():
        raise CollectionConflict("That work is already in the collection.")
    last = collection.items.aggregate(last=Max("position"))["last"] or 0
    item = CollectionItem.objects.create(
        collection=collection, submission=submission, position=last + 1
    )
    if collection.cover_id is None:
        collection.cover = submission
        collection.save(update_fields=["cover", "updated_at"])
    return item


@transaction.atomic
def remove_from_collection(
    *, collection: Collection, by: User, submission: Submission
) -> Collection:
    """Take a work out of a collection, closing the gap in the order."""
    _require_staff(by)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    collection.items.filter(submission=submission).delete()
    _renumber(
        collection, list(collection.items.values_list("submission_id", flat=True))
    )
    if collection.cover_id == submission.pk:
        first = collection.items.order_by("position").first()
        collection.cover_id = first.submission_id if first else None
        collection.save(update_fields=["cover", "updated_at"])
    return collection


@transaction.atomic
def move_in_collection(
    *, collection: Collection, by: User, submission: Submission, offset: int
) -> Collection:
    """Move a work `offset` places later (negative: earlier) in a collection."""
    _require_staff(by)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    order = list(collection.items.values_list("submission_id", flat=True))
    if submission.pk not in order:
        raise CollectionConflict("That work is not in the collection.")
    index = order.index(submission.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    _renumber(collection, order)
    return collection


@transaction.atomic
def reorder_collection(
    *, collection: Collection, by: User, submission_ids: list[int]
) -> Collection:
    """Put a collection's works in the given order (all of them, once each)."""
    _require_staff(by)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    current = list(collection.items.values_list("submission_id", flat=True))
    if sorted(current) != sorted(submission_ids):
        raise CollectionConflict(
            "The new order must list every work of the collection once."
        )
    _renumber(collection, submission_ids)
    return collection
