"""Reads of the gallery: pages, artworks, provenance and collections."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Expression,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from accounts.models import User
from art_tasks.colours import FAMILY_NAMES
from art_tasks.models import GALLERY_ORDERS, LICENSE_URLS, License, Submission
from art_tasks.selectors import Viewer, offer_figures
from core.db import JSONRows, from_row, row_fields
from curation.selectors import (
    scores_visible,
    vote_rows,
    votes_from_rows,
    voting_rule,
)
from gallery.caching import CHOICES_TTL, cached
from gallery.models import Collection, CollectionItem, Like
from gallery.pagination import KeysetPage, keyset_page

# The gallery --------------------------------------------------------------------

# Each order and each filter in each order has a partial index (art_tasks).
ORDERS: dict[str, tuple[str, ...]] = GALLERY_ORDERS
ORDER_LABELS = {
    "top": "Top rated",
    "popular": "Popular",
    "trending": "Trending",
    "new": "Newest",
    "discover": "Discover",
}
# One line under the orders, saying what the chosen one shows.
ORDER_HELP = {
    "top": "The best-scored work first; works with few votes are weighed "
    "towards the site's average.",
    "popular": "The work people like most for how often it is seen.",
    "trending": "Work gathering votes and likes now; older favourites fade.",
    "new": "The most recently accepted work first.",
    "discover": "Variety among the better half of the gallery: each artist's "
    "best work first, one artist at a time, mixing tasks and styles; "
    "refreshed every few minutes.",
}
MAX_PAGE_SIZE = 100
# A search for an artist is a person's name, not a crawl: past this many
# matching accounts, only the first ones are shown.
ARTIST_MATCH_LIMIT = 200


@dataclass(frozen=True)
class GalleryQuery:
    """A visitor's choice of order and filters, read leniently from a URL.

    Unknown values fall back to "everything" rather than an error, so an
    old or hand-edited link still shows a gallery.
    """

    order: str = "top"
    tag: str | None = None
    task: int | None = None
    task_title: str | None = None
    artist: str | None = None
    license: str | None = None  # noqa: A003 - the domain's word
    colour: str | None = None
    filters: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> GalleryQuery:
        order = params.get("order") or "top"
        task = (params.get("task") or "").strip()
        license_ = params.get("license") or None
        colour = (params.get("colour") or "").lower() or None
        values = {
            "tag": (params.get("tag") or "").strip().lower() or None,
            "task": int(task) if task.isdecimal() else None,
            # Words instead of an id: the tasks whose title has them.
            "task_title": None if task.isdecimal() else task or None,
            "artist": (params.get("artist") or "").strip() or None,
            "license": license_ if license_ in License.values else None,
            "colour": colour if colour in FAMILY_NAMES else None,
        }
        return cls(
            order=order if order in ORDERS else "top",
            filters={k: v for k, v in values.items() if v is not None},
            **values,
        )


def gallery_list(
    *,
    order: str = "top",
    tag: str | None = None,
    task: int | None = None,
    task_title: str | None = None,
    artist: str | None = None,
    license: str | None = None,  # noqa: A002 - the domain's word
    colour: str | None = None,
    viewer: Viewer = None,
    artist_id: int | None = None,
) -> QuerySet[Submission]:
    """Return accepted work in the requested order, with artist, task and seed.

    `artist` is what a person types: it finds the username exactly or any
    part of the display name, in any case ("ada" finds "Ada Lovelace").
    `artist_id` picks one artist outright (their own page). `task_title`
    is likewise words of a task's title ("harbour" finds "Harbour lights").

    One query: everything shown on a card is joined in, and, for a signed-in
    viewer, whether they like each work (`liked`); one more, on users, first
    resolves `artist` to ids.
    """
    qs = Submission.objects.filter(state=Submission.State.ACCEPTED).select_related(
        "artist", "task", "seed"
    )
    if tag:
        qs = qs.filter(Q(task_id__in=_tagged_tasks(tag)) | Q(pk__in=_tagged_works(tag)))
    if task:
        qs = qs.filter(task_id=task)
    if task_title:
        qs = qs.filter(task_id__in=_matching_tasks(task_title))
    if artist:
        qs = qs.filter(artist_id__in=_matching_artists(artist))
    if artist_id is not None:
        qs = qs.filter(artist_id=artist_id)
    if license:
        qs = qs.filter(license=license)
    if colour:
        qs = qs.filter(colour_family=colour)
    if order == "discover":
        qs = qs.filter(discover_rank__isnull=False)
    if viewer is not None and viewer.is_authenticated:
        qs = qs.annotate(
            liked=Exists(Like.objects.filter(submission=OuterRef("pk"), user=viewer))
        )
    else:
        qs = qs.annotate(liked=Value(False))
    return qs.order_by(*ORDERS.get(order, ORDERS["top"]))


def _tagged_tasks(tag: str) -> QuerySet:
    """The tasks tagged `tag`, as a subquery (tags are few, tasks bounded)."""
    from art_tasks.models import CreationTask

    return CreationTask.tags.through.objects.filter(tag__name=tag).values(
        "creationtask_id"
    )


def _tagged_works(tag: str) -> QuerySet:
    """The works their artist tagged `tag`, as a subquery on the work-tag table."""
    return Submission.tags.through.objects.filter(tag__name=tag).values("submission_id")


def with_tag_names(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """Add `tag_names`, the artist's tags of each work, in the same query.

    An array subquery on PostgreSQL (a short index range per row shown);
    elsewhere nothing is added and `attach_tag_names` fills it in after.
    """
    if connection.vendor != "postgresql":
        return qs
    from django.contrib.postgres.expressions import ArraySubquery

    from art_tasks.models import Tag

    names = Tag.objects.filter(works=OuterRef("pk")).order_by("name").values("name")
    return qs.annotate(tag_names=ArraySubquery(names))


def attach_tag_names(items: list[Any]) -> list[Any]:
    """Give `items` (works or `.values()` rows) their `tag_names` if missing.

    One query, and only where `with_tag_names` could not add them.
    """

    def get(item: Any, key: str) -> Any:
        return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

    missing = [item for item in items if get(item, "tag_names") is None]
    if not missing:
        return items
    found: dict[int, list[str]] = {}
    through = Submission.tags.through.objects.filter(
        submission_id__in=[get(item, "id") for item in missing]
    ).order_by("tag__name")
    for work_id, name in through.values_list("submission_id", "tag__name"):
        found.setdefault(work_id, []).append(name)
    for item in missing:
        names = found.get(get(item, "id"), [])
        if isinstance(item, dict):
            item["tag_names"] = names
        else:
            item.tag_names = names
    return items


def _matching_artists(text: str) -> list[int]:
    """Return the ids of the artists `text` names (one query on users).

    Resolved before the gallery's query, so that query filters on a few
    `artist_id`s and walks the (artist, order) index, instead of joining
    every work's artist to test a pattern (or, as a subquery, walking the
    whole gallery when nobody matches).
    """
    return list(
        User.objects.filter(
            Q(username__iexact=text) | Q(display_name__icontains=text)
        ).values_list("pk", flat=True)[:ARTIST_MATCH_LIMIT]
    )


def _matching_tasks(text: str) -> list[int]:
    """Return the ids of the tasks `text` names (one query on tasks).

    A title picked from the task picker names its task exactly; other
    words find every task whose title has them, in any case.
    """
    from art_tasks.models import CreationTask

    found = list(
        CreationTask.objects.filter(title__icontains=text).values_list("pk", "title")[
            :ARTIST_MATCH_LIMIT
        ]
    )
    exact = [pk for pk, title in found if title.casefold() == text.casefold()]
    return exact or [pk for pk, _ in found]


# What a card of the gallery page reads (`work_card`), with every order's
# keys for the next page's cursor; anything else would be a query per card.
PAGE_CARD_FIELDS = (
    "id",
    "title",
    "state",
    "score",
    "like_count",
    "comment_count",
    "width",
    "height",
    "web",
    "thumbnail",
    "artist_id",
    "artist__username",
    "artist__display_name",
    "task_id",
    "task__title",
    "rank_top",
    "rank_popular",
    "trend_score",
    "decided_at",
    "discover_rank",
)


def gallery_page(
    *,
    query: GalleryQuery,
    cursor: str | None = None,
    size: int | None = None,
    viewer: Viewer = None,
    cards_only: bool = False,
) -> KeysetPage:
    """Return one cursor page of the gallery (one query, any depth).

    `cards_only` reads just what a card shows (`PAGE_CARD_FIELDS`), without
    the seed: the page's works, not the API's.
    """
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    qs = gallery_list(order=query.order, viewer=viewer, **query.filters)
    if cards_only:
        qs = qs.select_related(None).select_related("artist", "task")
        qs = with_tag_names(qs.only(*PAGE_CARD_FIELDS))
    page = keyset_page(qs, ordering=ORDERS[query.order], cursor=cursor, size=size)
    if cards_only:
        attach_tag_names(page.items)
    return page


# What a gallery card of the API needs, as `.values()` columns.
CARD_VALUES = (
    "id",
    "task_id",
    "seed_id",
    "artist_id",
    "artist__username",
    "artist__display_name",
    "title",
    "statement",
    "license",
    "state",
    "score",
    "vote_count",
    "decision_reason",
    "width",
    "height",
    "format",
    "sha256",
    "palette",
    "original",
    "web",
    "thumbnail",
    "created_at",
    "decided_at",
    "like_count",
    "comment_count",
    "view_count",
    "liked",
    "rank_top",
    "rank_popular",
    "trend_score",
    "discover_rank",
    "colour_family",
)


def gallery_rows(
    *,
    query: GalleryQuery,
    cursor: str | None = None,
    size: int | None = None,
    viewer: Viewer = None,
) -> KeysetPage:
    """Return one cursor page of the gallery as plain rows (`CARD_VALUES`).

    The same works as `gallery_page`, in one query, without building a
    model instance per card: the API formats these rows itself.
    """
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    qs = with_tag_names(gallery_list(order=query.order, viewer=viewer, **query.filters))
    qs = qs.values(*CARD_VALUES, *qs.query.annotations.keys() & {"tag_names"})
    page = keyset_page(qs, ordering=ORDERS[query.order], cursor=cursor, size=size)
    attach_tag_names(page.items)
    return page


# The task picker offers the tasks with the most work among the latest
# accepted; any other task is a few letters of its title away.
PICKER_TASKS = 20
PICKER_WINDOW = 1000


def gallery_filter_choices() -> dict[str, Any]:
    """Return the gallery's tags and its busiest tasks lately (one query).

    `tags` are the tags of tasks with accepted work, each an EXISTS probe
    of the (task, order) index per task tag, so the cost follows the tags
    and tasks, not the works, and the tags artists gave accepted works (a
    probe of the work-tag table by tag). `tasks` are the `PICKER_TASKS` tasks with
    the most works among the latest `PICKER_WINDOW` accepted (a walk of
    the newest-first index): bounded however large the gallery grows.
    Rows are plain dicts (`name`; `pk` and `title`), fit for the cache.
    Elsewhere than PostgreSQL (the SQLite of a first run) the same choices
    come from `portable_filter_choices`.
    """
    if connection.vendor != "postgresql":
        return portable_filter_choices()
    from art_tasks.models import CreationTask, Tag

    work = Submission._meta.db_table
    task = CreationTask._meta.db_table
    tag = Tag._meta.db_table
    task_tag = CreationTask.tags.through._meta.db_table
    work_tag = Submission.tags.through._meta.db_table
    sql = f"""
        SELECT
          (SELECT coalesce(json_agg(g.name ORDER BY g.name), '[]')
             FROM {tag} g
            WHERE EXISTS (
              SELECT 1 FROM {task_tag} tt
               WHERE tt.tag_id = g.id
                 AND EXISTS (SELECT 1 FROM {work} s
                              WHERE s.state = %(accepted)s
                                AND s.task_id = tt.creationtask_id))
               OR EXISTS (
              SELECT 1 FROM {work_tag} wt JOIN {work} s ON s.id = wt.submission_id
               WHERE wt.tag_id = g.id AND s.state = %(accepted)s)),
          (SELECT coalesce(json_agg(json_build_object('pk', t.id, 'title', t.title)
                                    ORDER BY busy.n DESC, t.title, t.id), '[]')
             FROM (SELECT latest.task_id, count(*) AS n
                     FROM (SELECT s.task_id FROM {work} s
                            WHERE s.state = %(accepted)s
                            ORDER BY s.decided_at DESC, s.id DESC
                            LIMIT %(window)s) latest
                    GROUP BY latest.task_id
                    ORDER BY n DESC, latest.task_id
                    LIMIT %(picker)s) busy
             JOIN {task} t ON t.id = busy.task_id)
    """  # noqa: S608 - table names from the models, values bound
    params = {
        "accepted": Submission.State.ACCEPTED,
        "window": PICKER_WINDOW,
        "picker": PICKER_TASKS,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        tags, tasks = cursor.fetchone()
    return {"tags": [{"name": name} for name in tags], "tasks": tasks}


def portable_filter_choices() -> dict[str, Any]:
    """`gallery_filter_choices` without PostgreSQL's JSON aggregates (3 queries).

    The same tags and tasks in the same order: tags by name; the
    `PICKER_TASKS` busiest of the latest `PICKER_WINDOW` accepted works
    (ties to the lower task id), shown busiest first, then by title and id.
    """
    from art_tasks.models import CreationTask, Tag

    accepted = Submission.State.ACCEPTED
    tags = (
        Tag.objects.filter(
            Exists(
                CreationTask.tags.through.objects.filter(
                    tag_id=OuterRef("pk"),
                    creationtask__submissions__state=accepted,
                )
            )
            | Exists(
                Submission.tags.through.objects.filter(
                    tag_id=OuterRef("pk"), submission__state=accepted
                )
            )
        )
        .order_by("name")
        .values_list("name", flat=True)
    )
    latest = (
        Submission.objects.filter(state=accepted)
        .order_by("-decided_at", "-id")
        .values_list("task_id", flat=True)[:PICKER_WINDOW]
    )
    counts: dict[int, int] = {}
    for task_id in latest:
        counts[task_id] = counts.get(task_id, 0) + 1
    busy = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:PICKER_TASKS]
    titles = dict(
        CreationTask.objects.filter(pk__in=[pk for pk, _ in busy]).values_list(
            "pk", "title"
        )
    )
    tasks = [
        {"pk": pk, "title": titles[pk]}
        for pk, _ in sorted(busy, key=lambda item: (-item[1], titles[item[0]], item[0]))
    ]
    return {"tags": [{"name": name} for name in tags], "tasks": tasks}


def cached_filter_choices() -> dict[str, Any]:
    """`gallery_filter_choices`, shared by all visitors for up to a minute.

    Forgotten at once when a work is accepted, hidden or withdrawn.
    """
    return cached("filter-choices", CHOICES_TTL, gallery_filter_choices)


def artist_works(*, artist: User) -> QuerySet[Submission]:
    return gallery_list(order="new", artist_id=artist.pk)


def artist_page(
    *, artist: User, cursor: str | None = None, viewer: Viewer = None
) -> KeysetPage:
    """Return one cursor page of `artist`'s accepted work, newest first.

    One query on the (artist, newest) index, cards only, however many
    works the artist has.
    """
    size = settings.ATELIER_GALLERY_PAGE_SIZE
    qs = gallery_list(order="new", artist_id=artist.pk, viewer=viewer)
    qs = qs.select_related(None).select_related("artist", "task")
    qs = with_tag_names(qs.only(*PAGE_CARD_FIELDS))
    page = keyset_page(qs, ordering=ORDERS["new"], cursor=cursor, size=size)
    attach_tag_names(page.items)
    return page


# One work -----------------------------------------------------------------------


def artwork(*, pk: int, viewer: Viewer = None) -> Submission:
    """Return one submission with what its page shows (one query).

    With a signed-in `viewer`, `liked` says whether they like it (joined in
    the same query); None otherwise. `tag_names` are the artist's tags.
    """
    work = _artwork_query(viewer).get(pk=pk)
    attach_tag_names([work])
    return work


def _artwork_query(viewer: Viewer) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("artist", "task", "seed__task")
    if viewer is not None and viewer.is_authenticated:
        qs = qs.annotate(
            liked=Exists(Like.objects.filter(submission=OuterRef("pk"), user=viewer))
        )
    return with_tag_names(qs)


# What the artwork page shows of each collection holding the work.
_HOLDING_FIELDS = ("id", "slug", "title", "published", "featured", "curated_by")
_HOLDING_SHOWN = 50


def _collections_holding(viewer: Viewer) -> JSONRows:
    """The collections `viewer` may see that hold the outer work, as JSON rows."""
    rows = (
        Collection.objects.filter(
            visible_collections_q(viewer), items__submission=OuterRef("pk")
        )
        .order_by("-featured", "-created_at", "-id")
        .values(row=JSONObject(**row_fields(Collection, *_HOLDING_FIELDS)))
    )
    return JSONRows(rows[:_HOLDING_SHOWN])


def artwork_page(
    *,
    pk: int,
    viewer: Viewer = None,
    columns: Mapping[str, Expression] | None = None,
) -> Submission:
    """Return one work for its page, in the one query of `artwork`.

    `in_collections` are the collections holding it that `viewer` may see
    (what `work_collections` reads, folded in). For a signed-in `viewer`,
    `picker` is their collections as `collection_picker` gives them and
    `vote_list` the votes (for `votes_for_viewer`, which shows them as the
    blind-vote rule allows). The figures of its seed's offer come too
    (`offer_figures`: give the work to `seed_offer` as `figures`);
    `columns` are annotated as given (the badges the apps above add,
    `gallery.signals`).
    """
    extra = dict(columns or {}) | offer_figures(viewer, task="seed__task")
    if viewer is not None and viewer.is_authenticated:
        extra["picker_rows"] = _picker_rows(viewer)
        extra["vote_rows"] = vote_rows()
    work = (
        _artwork_query(viewer)
        .annotate(holding=_collections_holding(viewer), **extra)
        .get(pk=pk)
    )
    attach_tag_names([work])
    work.in_collections = [from_row(Collection, row) for row in work.holding]
    if hasattr(work, "vote_rows"):
        work.vote_list = votes_from_rows(work.vote_rows)
    if hasattr(work, "picker_rows"):
        work.picker = []
        for row in work.picker_rows:
            collection = from_row(Collection, row)
            collection.has_work = row["has_work"]
            work.picker.append(collection)
    return work


def _picker_rows(user: User) -> JSONRows:
    """`collection_picker` for the outer work, as JSON rows."""
    holds = CollectionItem.objects.filter(
        collection=OuterRef("pk"), submission=OuterRef(OuterRef("pk"))
    )
    rows = (
        Collection.objects.filter(curated_by=user)
        .order_by("title", "id")
        .values(
            row=JSONObject(
                **row_fields(Collection, *_HOLDING_FIELDS), has_work=Exists(holds)
            )
        )
    )
    return JSONRows(rows)


def public_artwork(*, pk: int) -> Submission:
    """Return one accepted work for its public page."""
    return (
        Submission.objects.select_related("artist", "task", "seed")
        .prefetch_related("task__tags")
        .get(pk=pk, state=Submission.State.ACCEPTED)
    )


def has_liked(*, submission: Submission, viewer: Viewer) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return Like.objects.filter(submission=submission, user=viewer).exists()


# Blind votes --------------------------------------------------------------------


# The review queue ---------------------------------------------------------------


# Provenance ---------------------------------------------------------------------


def _studio_provenance(recorded: dict | None) -> dict[str, Any] | None:
    """Return the studio steps a work was rendered with, or None for uploads.

    The steps and the fingerprints of the layer and mask the artist blended
    in; their files stay private.
    """
    if not recorded:
        return None
    return {
        "steps": recorded.get("steps", []),
        "layer_sha256": recorded.get("layer_sha256"),
        "mask_sha256": recorded.get("mask_sha256"),
    }


def provenance(
    *, submission: Submission, viewer: Viewer = None, base_url: str = ""
) -> dict[str, Any]:
    """Return the provenance record of a work: where every part came from.

    Two queries: the work with artist, task and seed, and the seed's parents
    (one more while in review, to apply the blind-vote rule for `viewer`:
    the mean score stays null for those who may not see it yet).
    """
    work = submission
    seed = work.seed
    task = work.task
    parents = list(seed.parents.values_list("pk", "sha256"))
    n = work.vote_count
    shown = n > 0 and scores_visible(submission=work, viewer=viewer)
    return {
        "work": {
            "id": work.pk,
            "title": work.title,
            "url": base_url + work.get_absolute_url(),
            "format": work.format,
            "width": work.width,
            "height": work.height,
            "file_size": work.file_size,
            "sha256": work.sha256,
            "phash": work.phash,
            "license": work.license,
            "license_url": LICENSE_URLS.get(work.license, ""),
            "attribution": work.attribution,
        },
        "artist": {
            "username": work.artist.username,
            "name": work.artist.shown_name,
            "url": base_url + work.artist.get_absolute_url(),
        },
        "task": {
            "id": task.pk,
            "title": task.title,
            "url": base_url + task.get_absolute_url(),
            "created_by": task.created_by_id,
        },
        "seed": {
            "id": seed.pk,
            "index": seed.index,
            "sha256": seed.sha256,
            "phash": seed.phash,
            "recipe": seed.recipe,
            "device": seed.device,
            "parents": [{"id": pk, "sha256": digest} for pk, digest in parents],
        },
        "studio": _studio_provenance(work.studio_recipe),
        "decision": {
            "state": work.state,
            "reason": work.decision_reason,
            "rule": voting_rule(submission=work),
            "votes": n,
            "mean_score": round(work.score_sum / n, 4) if shown else None,
            "decided_at": work.decided_at.isoformat() if work.decided_at else None,
        },
        "timestamps": {
            "submitted_at": work.created_at.isoformat(),
            "review_due_at": (
                work.review_due_at.isoformat() if work.review_due_at else None
            ),
            "review_extended_at": (
                work.review_extended_at.isoformat() if work.review_extended_at else None
            ),
            "decided_at": work.decided_at.isoformat() if work.decided_at else None,
            "generated_at": timezone.now().isoformat(),
        },
    }


# Collections --------------------------------------------------------------------

# How many of the community's public collections the collections page shows.
COMMUNITY_COLLECTIONS_SHOWN = 24


def visible_collections_q(viewer: Viewer) -> Q:
    """Return the condition on collections that `viewer` may see.

    Public ones for everyone; private ones for their owner only; drafts of
    exhibitions for staff as well. Everything else is a 404 everywhere.
    """
    shown = Q(published=True)
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(curated_by=viewer)
        if viewer.is_staff:
            shown |= Q(featured=True)
    return shown


def _with_counts(qs: QuerySet[Collection]) -> QuerySet[Collection]:
    accepted = Q(items__submission__state=Submission.State.ACCEPTED)
    return qs.select_related("cover", "curated_by").annotate(
        work_count=Count("items", filter=accepted)
    )


def collection_list(
    *,
    include_unpublished: bool = False,
    featured: bool | None = None,
    owner: User | None = None,
) -> QuerySet[Collection]:
    """Return public collections with their cover and number of works (one query).

    `featured` picks exhibitions (True) or the community's own (False);
    `owner` one person's public collections. `include_unpublished` adds
    the drafts of exhibitions (for staff), never anyone's private ones.
    """
    shown = Q(published=True)
    if include_unpublished:
        shown |= Q(featured=True)
    qs = _with_counts(Collection.objects.filter(shown))
    if featured is not None:
        qs = qs.filter(featured=featured)
    if owner is not None:
        qs = qs.filter(curated_by=owner)
    return qs.order_by("-created_at", "-id")


def public_collection_rows(*, owner: OuterRef, limit: int) -> JSONRows:
    """Return `collection_list(owner=...)`'s first `limit` cards as JSON rows.

    For the query of the owner's row (`owner` leads to them); read each row
    back with `collection_from_row`. The number of works is counted per
    collection, as `_with_counts` does.
    """
    accepted = (
        CollectionItem.objects.filter(
            collection=OuterRef("pk"), submission__state=Submission.State.ACCEPTED
        )
        .order_by()
        .values("collection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cover = row_fields(
        Submission, "id", "state", "thumbnail", "width", "height", prefix="cover__"
    )
    rows = (
        Collection.objects.filter(published=True, curated_by=owner)
        .order_by("-created_at", "-id")[:limit]
        .values(
            row=JSONObject(
                **row_fields(Collection),
                work_count=Coalesce(Subquery(accepted, output_field=IntegerField()), 0),
                cover=JSONObject(**cover),
            )
        )
    )
    return JSONRows(rows)


def collection_from_row(row: dict[str, Any]) -> Collection:
    """Return a collection card read by `public_collection_rows`."""
    collection = from_row(Collection, row)
    collection.work_count = row["work_count"]
    has_cover = row["cover"]["id"] is not None
    collection.cover = from_row(Submission, row["cover"]) if has_cover else None
    return collection


def my_collections(*, user: User) -> QuerySet[Collection]:
    """Return every collection `user` keeps, public and private (one query)."""
    return _with_counts(Collection.objects.filter(curated_by=user)).order_by(
        "-created_at", "-id"
    )


def collection_card(*, pk: int) -> Collection:
    """Return one collection with its cover and number of works (one query)."""
    return _with_counts(Collection.objects.all()).get(pk=pk)


def collection_detail(*, slug: str, viewer: Viewer = None) -> Collection:
    """Return one collection and its accepted works in order (two queries).

    A collection the viewer may not see does not exist for them
    (`visible_collections_q`); a work hidden or taken down after it was
    added drops out of every view of it, the owner's and staff's too.
    """
    items = (
        CollectionItem.objects.select_related(
            "submission__artist", "submission__task", "submission__seed"
        )
        .filter(submission__state=Submission.State.ACCEPTED)
        .order_by("position", "id")
    )
    qs = (
        Collection.objects.filter(visible_collections_q(viewer))
        .select_related("cover", "curated_by")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="ordered_items"))
    )
    return qs.get(slug=slug)


def visible_collection(*, slug: str, viewer: Viewer = None) -> Collection:
    """Return one collection `viewer` may see, without its works (one query)."""
    return (
        Collection.objects.filter(visible_collections_q(viewer))
        .select_related("cover", "curated_by")
        .get(slug=slug)
    )


def collection_works(*, collection: Collection) -> QuerySet[CollectionItem]:
    """Return a collection's accepted works in its order, with card fields."""
    return (
        CollectionItem.objects.filter(
            collection=collection, submission__state=Submission.State.ACCEPTED
        )
        .select_related("submission__artist", "submission__task", "submission__seed")
        .order_by("position", "id")
    )


def work_collections(*, submission: Submission, viewer: Viewer = None) -> list:
    """Return the collections holding `submission` that `viewer` may see.

    One query: public collections, and the viewer's own private ones;
    exhibitions first. Bounded by the collections that hold the work.
    """
    return list(
        Collection.objects.filter(
            visible_collections_q(viewer), items__submission=submission
        )
        .select_related("curated_by")
        .order_by("-featured", "-created_at", "-id")[:50]
    )


def collection_picker(*, submission: Submission, user: User) -> list[Collection]:
    """Return `user`'s collections, each saying whether it holds `submission`.

    One query over at most `MAX_COLLECTIONS_PER_PERSON` rows: the picker on
    the artwork page lists them all with a checkbox (`has_work`).
    """
    holds = CollectionItem.objects.filter(
        collection=OuterRef("pk"), submission=submission
    )
    return list(
        Collection.objects.filter(curated_by=user)
        .annotate(has_work=Exists(holds))
        .order_by("title", "id")
    )
