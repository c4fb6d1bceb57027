"""Reads of the gallery, review queue, votes, provenance and collections.

Shared by pages and the API; each list is a fixed number of queries however
long it is (pinned in tests/gallery/test_gallery_pages.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from art_tasks.models import LICENSE_URLS, License, Submission

from .colours import FAMILY_NAMES
from .models import Collection, CollectionItem, Like, Vote
from .pagination import KeysetPage, keyset_page
from .rules import VotingRule

# The gallery --------------------------------------------------------------------

ORDERS: dict[str, tuple[str, ...]] = {
    "top": ("-rank_top", "-id"),
    "popular": ("-rank_popular", "-id"),
    "trending": ("-trend_score", "-id"),
    "new": ("-decided_at", "-id"),
    "discover": ("discover_rank", "id"),
}
ORDER_LABELS = {
    "top": "Top rated",
    "popular": "Popular",
    "trending": "Trending",
    "new": "Newest",
    "discover": "Discover",
}
MAX_PAGE_SIZE = 100

Viewer = User | AnonymousUser | None


@dataclass(frozen=True)
class GalleryQuery:
    """A visitor's choice of order and filters, read leniently from a URL.

    Unknown values fall back to "everything" rather than an error, so an
    old or hand-edited link still shows a gallery.
    """

    order: str = "top"
    tag: str | None = None
    task: int | None = None
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
    artist: str | None = None,
    license: str | None = None,  # noqa: A002 - the domain's word
    colour: str | None = None,
    viewer: Viewer = None,
) -> QuerySet[Submission]:
    """Return accepted work in the requested order, with artist, task and seed.

    One query: everything shown on a card is joined in, and, for a signed-in
    viewer, whether they like each work (`liked`).
    """
    qs = Submission.objects.filter(state=Submission.State.ACCEPTED).select_related(
        "artist", "task", "seed"
    )
    if tag:
        qs = qs.filter(task__tags__name=tag)
    if task:
        qs = qs.filter(task_id=task)
    if artist:
        qs = qs.filter(artist__username=artist)
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


def gallery_page(
    *,
    query: GalleryQuery,
    cursor: str | None = None,
    size: int | None = None,
    viewer: Viewer = None,
) -> KeysetPage:
    """Return one cursor page of the gallery (one query, any depth)."""
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    qs = gallery_list(order=query.order, viewer=viewer, **query.filters)
    return keyset_page(qs, ordering=ORDERS[query.order], cursor=cursor, size=size)


def gallery_filter_choices() -> dict[str, Any]:
    """Return the tags and tasks that have accepted work (two queries)."""
    from art_tasks.models import CreationTask, Tag

    accepted = Submission.State.ACCEPTED
    return {
        "tags": list(
            Tag.objects.filter(tasks__submissions__state=accepted)
            .distinct()
            .order_by("name")
        ),
        "tasks": list(
            CreationTask.objects.filter(submissions__state=accepted)
            .distinct()
            .order_by("title")
            .only("pk", "title")
        ),
    }


def artist_works(*, artist: User) -> QuerySet[Submission]:
    return gallery_list(order="new", artist=artist.username)


# One work -----------------------------------------------------------------------


def can_see_submission(*, submission: Submission, viewer: Viewer) -> bool:
    """Return whether `viewer` may see `submission`'s page.

    Accepted work is public. Otherwise (in review, decided against, or
    hidden by moderation) its artist, the curators and staff see it.
    """
    if submission.state == Submission.State.ACCEPTED:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == submission.artist_id or viewer.is_staff or viewer.is_curator


# Stored files: the folder of a name says which field holds it.
FILE_FIELDS = {"originals": "original", "web": "web", "thumbs": "thumbnail"}


@dataclass(frozen=True)
class SubmissionFile:
    """A stored submission file `viewer` may fetch; `public` when anyone may."""

    name: str
    field: str
    public: bool


def submission_file(*, name: str, viewer: Viewer) -> SubmissionFile | None:
    """Return the submission file stored as `name` if `viewer` may fetch it.

    Web variants follow the work's page (`can_see_submission`): public
    while the work is accepted, and gone for the public the moment it is
    hidden or withdrawn. Originals follow `can_see_original`. A file shared
    by several submissions (the same bytes uploaded twice) is served when
    any of them allows it. One query.
    """
    from art_tasks.selectors import can_see_original

    field = FILE_FIELDS.get(name.split("/", 1)[0])
    if field is None or ".." in name.split("/"):
        return None
    holders = Submission.objects.filter(**{field: name}).only(
        "pk", "state", "artist_id"
    )
    allowed = False
    public = False
    for submission in holders:
        if field == "original":
            allowed = allowed or can_see_original(submission=submission, viewer=viewer)
        elif submission.state == Submission.State.ACCEPTED:
            allowed = public = True
        else:
            allowed = allowed or can_see_submission(
                submission=submission, viewer=viewer
            )
    return SubmissionFile(name=name, field=field, public=public) if allowed else None


def artwork(*, pk: int) -> Submission:
    """Return one submission with what its page shows (one query)."""
    return Submission.objects.select_related("artist", "task", "seed").get(pk=pk)


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


def voting_rule(*, submission: Submission) -> dict[str, Any]:
    """Return the rule that decided `submission`, or the one that will."""
    if submission.decision_rule:
        return submission.decision_rule
    return VotingRule.for_task(submission.task).as_dict()


# Blind votes --------------------------------------------------------------------


@dataclass
class VoteView:
    """What one person may see of a submission's individual votes."""

    visible: bool
    anonymous: bool
    message: str
    votes: list[Vote] = field(default_factory=list)
    mine: Vote | None = None


def votes_for_viewer(*, submission: Submission, viewer: Viewer) -> VoteView:
    """Return the votes `viewer` may see, applying the blind-vote rule.

    Curators see the other scores only after casting their own (or once the
    work is decided); the artist sees scores and comments, unsigned, as
    feedback once the work is decided; staff see everything; visitors see
    only the published mean score.
    """
    decided = submission.decided_at is not None
    if viewer is None or not viewer.is_authenticated:
        return VoteView(
            visible=False,
            anonymous=True,
            message="Individual votes are shown to curators and the artist.",
        )
    votes = list(submission.votes.select_related("curator").order_by("created_at"))
    mine = next((v for v in votes if v.curator_id == viewer.pk), None)
    if viewer.is_staff or (viewer.is_curator and (mine is not None or decided)):
        return VoteView(
            visible=True, anonymous=False, message="", votes=votes, mine=mine
        )
    if viewer.pk == submission.artist_id:
        if decided:
            return VoteView(
                visible=True, anonymous=True, message="", votes=votes, mine=None
            )
        return VoteView(
            visible=False,
            anonymous=True,
            message="Scores and comments reach you with the decision.",
        )
    if viewer.is_curator:
        return VoteView(
            visible=False,
            anonymous=False,
            message="Vote first: other curators' scores stay hidden until you "
            "have cast yours.",
        )
    return VoteView(
        visible=False,
        anonymous=True,
        message="Individual votes are shown to curators and the artist.",
    )


# The review queue ---------------------------------------------------------------


def review_queue(*, curator: User, skip: Iterable[int] = ()) -> QuerySet[Submission]:
    """Return the submissions `curator` may still vote on, neediest first.

    Leaves out the curator's own work, work for tasks they published, what
    they already voted on and what they skipped. Extended reviews (their
    window ran out short of votes) come first, then fewest votes, then
    oldest.
    """
    voted = Vote.objects.filter(submission=OuterRef("pk"), curator=curator)
    qs = (
        Submission.objects.filter(state=Submission.State.IN_REVIEW)
        .exclude(artist=curator)
        .exclude(task__created_by=curator)
        .exclude(Exists(voted))
    )
    skipped = [int(pk) for pk in skip]
    if skipped:
        qs = qs.exclude(pk__in=skipped)
    extended_first = Case(
        When(review_extended_at__isnull=False, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return qs.select_related("artist", "task", "seed").order_by(
        extended_first, "vote_count", "created_at", "id"
    )


def next_for_review(*, curator: User, skip: Iterable[int] = ()) -> Submission | None:
    return review_queue(curator=curator, skip=skip).first()


def open_votes(*, curator: User, limit: int = 20) -> QuerySet[Vote]:
    """Return `curator`'s votes on work still in review (they may change them)."""
    return (
        Vote.objects.filter(
            curator=curator, submission__state=Submission.State.IN_REVIEW
        )
        .select_related("submission")
        .order_by("-updated_at")[:limit]
    )


# Provenance ---------------------------------------------------------------------


def scores_visible(*, submission: Submission, viewer: Viewer) -> bool:
    """Return whether `viewer` may see figures computed from the work's votes.

    The blind-vote rule: once decided, anyone who may see the work; while
    in review, staff and the curators who have voted on it, never the
    artist nor a curator who has not voted yet.
    """
    if submission.decided_at is not None:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.is_staff:
        return True
    return bool(
        viewer.is_curator and submission.votes.filter(curator_id=viewer.pk).exists()
    )


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


def collection_list(*, include_unpublished: bool = False) -> QuerySet[Collection]:
    """Return collections with their cover and number of works (one query)."""
    accepted = Q(items__submission__state=Submission.State.ACCEPTED)
    qs = Collection.objects.select_related("cover", "curated_by").annotate(
        work_count=Count("items", filter=accepted)
    )
    if not include_unpublished:
        qs = qs.filter(published=True)
    return qs.order_by("-created_at", "-id")


def collection_detail(*, slug: str, viewer: Viewer = None) -> Collection:
    """Return one collection and its accepted works in order (two queries).

    Unpublished collections exist only for staff; a work hidden or taken
    down after it was added drops out of the public page.
    """
    staff = bool(viewer and viewer.is_authenticated and viewer.is_staff)
    items = CollectionItem.objects.select_related(
        "submission__artist", "submission__task", "submission__seed"
    ).order_by("position", "id")
    if not staff:
        items = items.filter(submission__state=Submission.State.ACCEPTED)
    qs = Collection.objects.select_related("cover", "curated_by").prefetch_related(
        Prefetch("items", queryset=items, to_attr="ordered_items")
    )
    if not staff:
        qs = qs.filter(published=True)
    return qs.get(slug=slug)
