"""Every write of the gallery: likes, views, the ranks' upkeep, collections."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

import redis

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from core.errors import NotAllowed
from curation.ranking import (
    LIKE_POINTS,
    TREND_MIN_STEP,
    TREND_OFFSET_HOURS,
    TREND_STALENESS,
    VOTE_POINTS_PER_SCORE,
    WILSON_Z,
    Candidate,
    discover_order,
    next_trend_due,
    trend_of,
    wilson_expression,
    wilson_lower_bound,
)
from curation.services import refresh_ranking_prior
from gallery.errors import (
    CollectionConflict,
    CollectionLimitReached,
    CollectionNotFound,
    LikeOwnWork,
    NotInGallery,
    NotStaff,
    NotYourCollection,
)
from gallery.models import (
    MAX_COLLECTIONS_PER_PERSON,
    MAX_WORKS_PER_COLLECTION,
    RESERVED_SLUGS,
    Collection,
    CollectionItem,
    Like,
    ViewFold,
)

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
# How many works one statement of the fold updates.
VIEW_FOLD_BATCH = 1_000


def _view_counter() -> redis.Redis | None:
    """Return the Redis client that counts views, or None without Redis."""
    url = settings.REDIS_URL
    if not url:
        return None
    client = _VIEW_CLIENTS.get(url)
    if client is None:
        client = _VIEW_CLIENTS[url] = redis.Redis.from_url(url)
    return client


_VIEW_CLIENTS: dict[str, redis.Redis] = {}


def _pending_key() -> str:
    return f"{settings.ATELIER_VIEWS_KEY}:pending"


def record_view(
    *,
    submission: Submission,
    viewer: User | AnonymousUser,
    visitor: str = "",
) -> bool:
    """Count one view of an accepted work; return whether it counted.

    A person (or, signed out, the browser session or address in `visitor`)
    counts once per work per day, so reloading a page cannot move a work in
    "Popular". The day's mark is one cache key set with `add`, which is
    atomic, so two reloads racing still count once. The artist's own views
    are not counted.

    With Redis (`REDIS_URL`) the view is one HINCRBY on a Redis hash and
    the database sees nothing: `fold_views` (beat, every minute) adds the
    counts to `view_count` and re-ranks "popular", so reading a page never
    waits on a row lock. Without Redis (the embedded default) the view is
    one UPDATE that reads the row's current counters, so it needs no lock
    of its own and never loses a concurrent like.
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
    counter = _view_counter()
    if counter is not None:
        counter.hincrby(_pending_key(), str(submission.pk), 1)
        return True
    updated = Submission.objects.filter(
        pk=submission.pk, state=Submission.State.ACCEPTED
    ).update(
        view_count=F("view_count") + 1,
        rank_popular=wilson_expression(F("like_count"), F("view_count") + 1),
    )
    return updated == 1


def shown_view_count(*, submission: Submission, counted: bool) -> int:
    """Return the views to show on a work's page, counting those not folded.

    With Redis, the stored count plus the views waiting for the next fold
    (one HGET); without, the stored count plus this view if it counted.
    """
    counter = _view_counter()
    if counter is None:
        return submission.view_count + int(counted)
    pending = counter.hget(_pending_key(), str(submission.pk))
    return submission.view_count + int(pending or 0)


_FOLD_SQL = """
UPDATE {table} AS s SET
    view_count = s.view_count + v.n,
    rank_popular = CASE WHEN GREATEST(s.view_count + v.n, s.like_count) > 0
        THEN {wilson} ELSE 0 END
FROM unnest(%s::bigint[], %s::integer[]) AS v(id, n)
WHERE s.id = v.id AND s.state = 'accepted'
"""


def _wilson_sql(likes: str, views: str) -> str:
    """Return `wilson_lower_bound` as SQL over two column expressions."""
    n = f"GREATEST(({views})::float8, ({likes})::float8)"
    p = f"(({likes})::float8 / {n})"
    z = WILSON_Z
    return (
        f"(({p} + {z * z} / (2.0 * {n}) - {z} * SQRT({p} * (1.0 - {p}) / {n}"
        f" + {z * z} / (4.0 * {n} * {n}))) / (1.0 + {z * z} / {n}))"
    )


def _add_views(counts: dict[int, int]) -> None:
    """Add view counts to their works and re-rank them, in id order."""
    ids = sorted(counts)
    if connection.vendor == "postgresql":
        sql = _FOLD_SQL.format(
            table=Submission._meta.db_table,
            wilson=_wilson_sql("s.like_count", "s.view_count + v.n"),
        )
        with connection.cursor() as cursor:
            for start in range(0, len(ids), VIEW_FOLD_BATCH):
                batch = ids[start : start + VIEW_FOLD_BATCH]
                cursor.execute(sql, [batch, [counts[pk] for pk in batch]])
        return
    for pk in ids:
        Submission.objects.filter(pk=pk, state=Submission.State.ACCEPTED).update(
            view_count=F("view_count") + counts[pk],
            rank_popular=wilson_expression(
                F("like_count"), F("view_count") + counts[pk]
            ),
        )


_TOKEN = "token"  # noqa: S105 - a hash field name, not a secret


def _fold_batch(counter: redis.Redis, key: str) -> int:
    """Add the batch of views at `key` to the table once; return its views.

    The batch carries a token (set once, before any commit), recorded in
    the same transaction as the counts, so a batch left in Redis by a crash
    after the commit, or folded by two runs at once, is only deleted.
    """
    counter.hsetnx(key, _TOKEN, uuid.uuid4().hex)
    fields = counter.hgetall(key)
    token = fields.pop(_TOKEN.encode()).decode()
    counts = {int(pk): int(n) for pk, n in fields.items()}
    total = sum(counts.values())
    try:
        with transaction.atomic():
            ViewFold.objects.create(token=token, views=total)
            _add_views(counts)
    except IntegrityError:  # folded before; only the key was left behind
        total = 0
    counter.delete(key)
    return total


def fold_views() -> int:
    """Add the views counted in Redis to `view_count`; return how many.

    The pending hash is renamed first (atomic in Redis), so a view counted
    during the fold goes to a fresh hash for the next run and none is lost;
    each batch is added exactly once (see `_fold_batch`), a batch a crash
    left behind first. Only works that got views are written, a thousand a
    statement. Without Redis there is nothing to fold: views were written as
    they came.
    """
    counter = _view_counter()
    if counter is None:
        return 0
    folding = f"{settings.ATELIER_VIEWS_KEY}:folding"
    folded = 0
    if counter.exists(folding):
        folded += _fold_batch(counter, folding)
    try:
        moved = counter.renamenx(_pending_key(), folding)
    except redis.ResponseError:  # no views since the last fold
        moved = False
    if moved:
        folded += _fold_batch(counter, folding)
    ViewFold.objects.filter(folded_at__lt=timezone.now() - VIEW_WINDOW).delete()
    return folded


# Periodic ranking upkeep ------------------------------------------------------

# Bounds of one trending decay run, in rows.
TREND_BATCH = 5_000


def decay_trending(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Rewrite the "trending" scores that are due; return rows written.

    Only rows whose `trend_due_at` has passed are read (an index holds just
    those), and each is given its next due time by its age
    (`curation.ranking.next_trend_due`), so a run writes about the works
    accepted in the last few hours plus a thin slice of older ones: its
    cost follows the rate of acceptance, not the size of the gallery. Work
    past the horizon drops to 0 and leaves the schedule. Scores come from
    each row's current counters under its row lock, so a like landing at
    the same time is never overwritten with a stale score; rows a like
    holds right now are skipped and taken by the next run. At most `limit`
    rows a run (``ATELIER_TRENDING_RUN_LIMIT``), in batches of their own
    transactions.
    """
    now = now or timezone.now()
    limit = limit or settings.ATELIER_TRENDING_RUN_LIMIT
    horizon = now - timedelta(days=settings.ATELIER_TRENDING_DAYS)
    decay = (
        _decay_trending_in_sql
        if connection.vendor == "postgresql"
        else _decay_trending_in_batches
    )
    written = 0
    while written < limit:
        batch = min(TREND_BATCH, limit - written)
        done = decay(now=now, horizon=horizon, batch=batch)
        written += done
        if done < batch:
            break
    return written


_TREND_SQL = """
WITH due AS (
    SELECT id FROM {table}
    WHERE state = 'accepted' AND trend_due_at IS NOT NULL
        AND trend_due_at <= %(now)s
    ORDER BY trend_due_at
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {table} AS s SET
    trend_score = CASE
        WHEN s.decided_at > %(horizon)s
        THEN (s.like_count * %(like)s + s.score_sum * %(vote)s) / POWER(
            GREATEST(EXTRACT(EPOCH FROM (%(now)s - s.decided_at))::float8
                / 3600.0, 0) + %(offset)s,
            %(gravity)s
        )
        ELSE 0 END,
    trend_due_at = CASE
        WHEN s.decided_at > %(horizon)s
        THEN LEAST(
            %(now)s + GREATEST(
                %(min_step)s,
                (%(now)s - s.decided_at + %(offset_interval)s) * %(staleness)s
            ),
            s.decided_at + %(horizon_span)s
        )
        ELSE NULL END
FROM due WHERE s.id = due.id
"""


def _decay_trending_in_sql(*, now: datetime, horizon: datetime, batch: int) -> int:
    """Rewrite one batch of due rows in one statement (PostgreSQL)."""
    params = {
        "now": now,
        "horizon": horizon,
        "batch": batch,
        "like": LIKE_POINTS,
        "vote": VOTE_POINTS_PER_SCORE,
        "offset": TREND_OFFSET_HOURS,
        "offset_interval": timedelta(hours=TREND_OFFSET_HOURS),
        "gravity": float(settings.ATELIER_TRENDING_GRAVITY),
        "min_step": TREND_MIN_STEP,
        "staleness": TREND_STALENESS,
        "horizon_span": now - horizon,
    }
    sql = _TREND_SQL.format(table=Submission._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _decay_trending_in_batches(*, now: datetime, horizon: datetime, batch: int) -> int:
    """Rewrite one batch of due rows through the ORM (SQLite and others)."""
    with transaction.atomic():
        rows = list(
            Submission.objects.filter(
                state=Submission.State.ACCEPTED, trend_due_at__lte=now
            )
            .select_for_update(skip_locked=True)
            .order_by("trend_due_at")
            .only("pk", "state", "like_count", "score_sum", "decided_at")[:batch]
        )
        for row in rows:
            row.trend_score = trend_of(row, now)
            row.trend_due_at = next_trend_due(
                decided_at=row.decided_at, now=now, horizon=now - horizon
            )
            if row.trend_due_at is None:
                row.trend_score = 0.0
        Submission.objects.bulk_update(rows, ["trend_score", "trend_due_at"])
    return len(rows)


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


def _median_rank_top() -> float | None:
    """Return the median "top" rank of the gallery, read from its index."""
    accepted = Submission.objects.filter(state=Submission.State.ACCEPTED)
    count = accepted.count()
    if not count:
        return None
    by_rank = accepted.order_by("-rank_top", "-id").values_list("rank_top", flat=True)
    middle = list(by_rank[(count - 1) // 2 : count // 2 + 1])
    return sum(middle) / len(middle)


def _discover_artists() -> list[int]:
    """Return the artists with accepted work, one index probe each."""
    if connection.vendor != "postgresql":
        return list(
            Submission.objects.filter(state=Submission.State.ACCEPTED)
            .order_by("artist_id")
            .values_list("artist_id", flat=True)
            .distinct()
        )
    table = Submission._meta.db_table
    sql = f"""
        WITH RECURSIVE artists(id) AS (
            (SELECT artist_id FROM {table} WHERE state = 'accepted'
             ORDER BY artist_id LIMIT 1)
            UNION ALL
            SELECT (SELECT s.artist_id FROM {table} AS s
                    WHERE s.state = 'accepted' AND s.artist_id > a.id
                    ORDER BY s.artist_id LIMIT 1)
            FROM artists AS a WHERE a.id IS NOT NULL
        )
        SELECT id FROM artists WHERE id IS NOT NULL
    """  # noqa: S608 - fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


_CANDIDATES_SQL = """
SELECT w.id, w.artist_id, w.task_id, t.style, w.rank_top, w.discover_rank
FROM unnest(%(artists)s::bigint[]) AS a(id)
CROSS JOIN LATERAL (
    SELECT id, artist_id, task_id, rank_top, discover_rank FROM {table}
    WHERE state = 'accepted' AND artist_id = a.id AND rank_top >= %(floor)s
    ORDER BY rank_top DESC, id DESC
    LIMIT %(depth)s
) AS w
JOIN {tasks} AS t ON t.id = w.task_id
"""


def _discover_candidates(
    *, artists: list[int], median: float, depth: int
) -> list[tuple]:
    """Return each artist's best `depth` works at or above the median."""
    floor = median - 1e-12
    if connection.vendor == "postgresql":
        sql = _CANDIDATES_SQL.format(
            table=Submission._meta.db_table,
            tasks=Submission._meta.get_field("task").related_model._meta.db_table,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"artists": artists, "floor": floor, "depth": depth})
            return cursor.fetchall()
    fields = ("pk", "artist_id", "task_id", "task__style", "rank_top", "discover_rank")
    rows: list[tuple] = []
    for artist in artists:
        rows.extend(
            Submission.objects.filter(
                state=Submission.State.ACCEPTED, artist_id=artist, rank_top__gte=floor
            )
            .order_by("-rank_top", "-id")
            .values_list(*fields)[:depth]
        )
    return rows


@transaction.atomic
def layout_discover(*, window: int | None = None) -> int:
    """Lay out the first rounds of the "discover" order; return works placed.

    Discover is a round-robin over artists among the works at or above the
    median "top" rank (`curation.ranking.discover_order`). Its first rounds
    are exact from each artist's best few works alone, so the job reads
    only those (about twice `window` works, through the `gallery_artist_top`
    index) and places them; the order ends after those rounds. Its cost
    follows `window` and the number of artists, not the gallery's size.
    Only rows whose position changed are written: a run with nothing
    changed writes none.
    """
    window = window or settings.ATELIER_DISCOVER_WINDOW
    median = _median_rank_top()
    rows: list[tuple] = []
    if median is not None:
        artists = _discover_artists()
        depth = max(1, -(-2 * window // max(1, len(artists))))
        rows = _discover_candidates(artists=artists, median=median, depth=depth)
    order = discover_order(
        [
            Candidate(pk=r[0], artist=r[1], task=r[2], style=r[3], rank=r[4])
            for r in rows
        ],
        median=median,
    )
    positions = {work.pk: index for index, work in enumerate(order, start=1)}
    # Both through small partial indexes: the last layout's works, and
    # works placed then that have left the gallery since.
    placed = Submission.objects.filter(discover_rank__isnull=False)
    stale = {
        pk: None
        for query in (
            placed.filter(state=Submission.State.ACCEPTED),
            placed.exclude(state=Submission.State.ACCEPTED),
        )
        for pk in query.values_list("pk", flat=True)
        if pk not in positions
    }
    changes = {
        pk: positions[pk] for pk, *_rest, current in rows if positions[pk] != current
    }
    _write_discover_ranks({**stale, **changes})
    return len(positions)


def refresh_gallery_layout() -> dict[str, float]:
    """Run the periodic upkeep of "top" (the prior) and "discover"."""
    prior = refresh_ranking_prior()
    placed = layout_discover()
    return {"prior_mean": prior.mean, "discover": placed}


# Collections ------------------------------------------------------------------


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise NotStaff("Only staff curate exhibitions.")


def may_see_collection(*, collection: Collection, viewer: User | None) -> bool:
    """Whether `viewer` may see `collection` at all (else it is a 404).

    Public collections are for everyone; a private one only for its owner,
    and an unpublished exhibition (a draft) for staff too.
    """
    if collection.published:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == collection.curated_by_id or (
        collection.featured and viewer.is_staff
    )


def may_edit_collection(*, collection: Collection, viewer: User | None) -> bool:
    """Whether `viewer` may change `collection`: its owner, or staff for exhibitions."""
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == collection.curated_by_id or (
        collection.featured and viewer.is_staff
    )


def _lock_for_edit(collection: Collection, by: User) -> Collection:
    """Lock `collection` for a change by `by`, or raise.

    Someone who may not even see it is told it does not exist, so a private
    collection's name never leaks through a refusal.
    """
    locked = Collection.objects.select_for_update().filter(pk=collection.pk).first()
    if locked is None or not may_see_collection(collection=locked, viewer=by):
        raise CollectionNotFound("No such collection.")
    if not may_edit_collection(collection=locked, viewer=by):
        raise NotYourCollection("Only the collection's owner can change it.")
    return locked


def _free_slug(title: str, *, exact: bool) -> str:
    """Return an unused slug for `title`.

    An exhibition's slug is its title's (staff choose it, so a clash is
    an error); a personal collection's gets a short random tail when the
    plain one is taken, since many people name theirs alike.
    """
    slug = slugify(title)[:80]
    if not slug:
        raise ValidationError({"title": "Give the collection a title."})
    taken = slug in RESERVED_SLUGS or Collection.objects.filter(slug=slug).exists()
    if not taken:
        return slug
    if exact:
        raise CollectionConflict(f"A collection at /collections/{slug}/ exists.")
    while True:
        candidate = f"{slug[:71]}-{secrets.token_hex(4)}"
        if not Collection.objects.filter(slug=candidate).exists():
            return candidate


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
    featured: bool = False,
) -> Collection:
    """Create an (empty) collection owned by `by`.

    Anyone signed in may keep up to `MAX_COLLECTIONS_PER_PERSON`; only
    staff make `featured` exhibitions. The slug follows the title.
    """
    if not by.is_authenticated:
        raise NotAllowed("Sign in to keep collections.")
    if featured:
        _require_staff(by)
    # Serialises one person's concurrent creations, so the limit holds.
    User.objects.select_for_update().filter(pk=by.pk).first()
    if Collection.objects.filter(curated_by=by).count() >= MAX_COLLECTIONS_PER_PERSON:
        raise CollectionLimitReached(
            f"You keep {MAX_COLLECTIONS_PER_PERSON} collections, the most one "
            "person may: delete one before starting another."
        )
    collection = Collection(
        slug=_free_slug(slug or title, exact=featured or bool(slug)),
        title=title.strip(),
        statement=statement.strip(),
        published=published,
        featured=featured,
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
    cover: Submission | None = None,
    featured: bool | None = None,
) -> Collection:
    """Change a collection's words, cover and visibility (public or private).

    The cover must be one of the collection's accepted works. Only staff
    turn an exhibition (`featured`) on or off; None leaves it as it is.
    """
    collection = _lock_for_edit(collection, by)
    if cover is not None and not (
        cover.state == Submission.State.ACCEPTED
        and collection.items.filter(submission=cover).exists()
    ):
        raise CollectionConflict("The cover must be one of the collection's works.")
    if featured is not None and featured != collection.featured:
        _require_staff(by)
        collection.featured = featured
    collection.title = title.strip()
    collection.statement = statement.strip()
    collection.published = published
    collection.cover = cover
    collection.full_clean()
    collection.save(
        update_fields=[
            "title",
            "statement",
            "published",
            "featured",
            "cover",
            "updated_at",
        ]
    )
    return collection


@transaction.atomic
def delete_collection(*, collection: Collection, by: User) -> None:
    """Delete a collection and its list of works (the works stay)."""
    _lock_for_edit(collection, by).delete()


def _add(collection: Collection, submission: Submission) -> CollectionItem:
    """Append `submission` to the locked `collection`, checking the rules."""
    if submission.state != Submission.State.ACCEPTED:
        raise NotInGallery("Only accepted work can join a collection.")
    if collection.items.filter(submission=submission).exists():
        raise CollectionConflict("That work is already in the collection.")
    stats = collection.items.aggregate(last=Max("position"), n=Count("id"))
    if stats["n"] >= MAX_WORKS_PER_COLLECTION:
        raise CollectionLimitReached(
            f"“{collection.title}” holds {MAX_WORKS_PER_COLLECTION} works, the "
            "most a collection may: remove one or start another collection."
        )
    item = CollectionItem.objects.create(
        collection=collection, submission=submission, position=(stats["last"] or 0) + 1
    )
    if collection.cover_id is None:
        collection.cover = submission
        collection.save(update_fields=["cover", "updated_at"])
    return item


def _remove(collection: Collection, submission: Submission) -> None:
    collection.items.filter(submission=submission).delete()
    _renumber(
        collection, list(collection.items.values_list("submission_id", flat=True))
    )
    if collection.cover_id == submission.pk:
        first = (
            collection.items.filter(submission__state=Submission.State.ACCEPTED)
            .order_by("position")
            .first()
        )
        collection.cover_id = first.submission_id if first else None
        collection.save(update_fields=["cover", "updated_at"])


@transaction.atomic
def add_to_collection(
    *, collection: Collection, by: User, submission: Submission
) -> CollectionItem:
    """Append an accepted work to a collection; it becomes the cover if none."""
    collection = _lock_for_edit(collection, by)
    return _add(collection, submission)


@transaction.atomic
def remove_from_collection(
    *, collection: Collection, by: User, submission: Submission
) -> Collection:
    """Take a work out of a collection, closing the gap in the order."""
    collection = _lock_for_edit(collection, by)
    _remove(collection, submission)
    return collection


@transaction.atomic
def file_work(
    *,
    submission: Submission,
    by: User,
    keep: set[int],
    new_title: str = "",
    new_public: bool = False,
) -> list[Collection]:
    """Put `submission` in exactly the collections of `by` whose ids are in `keep`.

    The artwork page's picker sends every box it shows: a checked one adds
    the work where it is missing, an unchecked one takes it out. With
    `new_title`, a new collection is made for it too. Ids of other people's
    collections are ignored. All or nothing: one refusal (a full
    collection, say) leaves every collection as it was. Returns the
    person's collections that hold the work afterwards.
    """
    if submission.state != Submission.State.ACCEPTED:
        raise NotInGallery("Only accepted work can join a collection.")
    owned = list(
        Collection.objects.select_for_update().filter(curated_by=by).order_by("pk")
    )
    holding = set(
        CollectionItem.objects.filter(
            collection__in=owned, submission=submission
        ).values_list("collection_id", flat=True)
    )
    result = []
    for collection in owned:
        wanted = collection.pk in keep
        if wanted and collection.pk not in holding:
            _add(collection, submission)
        elif not wanted and collection.pk in holding:
            _remove(collection, submission)
        if wanted:
            result.append(collection)
    if new_title.strip():
        made = create_collection(by=by, title=new_title, published=new_public)
        _add(made, submission)
        result.append(made)
    return result


@transaction.atomic
def move_in_collection(
    *, collection: Collection, by: User, submission: Submission, offset: int
) -> Collection:
    """Move a work `offset` places later (negative: earlier) in a collection."""
    collection = _lock_for_edit(collection, by)
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
    collection = _lock_for_edit(collection, by)
    current = list(collection.items.values_list("submission_id", flat=True))
    if sorted(current) != sorted(submission_ids):
        raise CollectionConflict(
            "The new order must list every work of the collection once."
        )
    _renumber(collection, submission_ids)
    return collection
