"""Reads of community shared by pages and the API: standings, boards, inboxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from accounts.models import User
from art_tasks.models import Submission
from art_tasks.selectors import can_see_submission
from community.challenges import wins_of
from community.models import (
    Challenge,
    ChallengeWinner,
    Comment,
    CommentAction,
    CommentReport,
    Follow,
    Notification,
    ReputationEvent,
)
from core.db import JSONRows, from_row, row_fields
from core.roles import is_moderator
from curation.models import Vote
from gallery.models import Collection
from gallery.pagination import KeysetPage, keyset_page
from gallery.selectors import (
    CARD_VALUES,
    MAX_PAGE_SIZE,
    ORDERS,
    PAGE_CARD_FIELDS,
    attach_tag_names,
    collection_from_row,
    gallery_list,
    public_collection_rows,
    with_tag_names,
)
from generation.lab_selectors import kept_lab_seeds
from generation.models import LabSeed

PERIODS = {"week": "This week", "month": "This month", "all": "All time"}


BOARDS = {
    "contributors": ReputationEvent.CONTRIBUTOR_REASONS,
    "curators": ReputationEvent.CURATOR_REASONS,
}


BOARD_SIZE = 50


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """Return a correlated subquery counting `queryset`'s rows, or 0."""
    counted = (
        queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def period_start(period: str, *, now: datetime | None = None) -> datetime | None:
    """Return when `period` began: Monday 00:00 for "week", the 1st for "month".

    Calendar periods in the site's time zone; None for "all".
    """
    now = timezone.localtime(now or timezone.now())
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        return midnight - timedelta(days=midnight.weekday())
    if period == "month":
        return midnight.replace(day=1)
    return None


@dataclass(frozen=True)
class BoardRow:
    rank: int
    user: User
    points: int
    count: int


def leaderboard(
    *, board: str = "contributors", period: str = "week", limit: int = BOARD_SIZE
) -> list[BoardRow]:
    """Return the top people of `board` for `period`, ranked by points earned.

    Contributors count accepted-work and lineage points, and `count` is their
    accepted works in the period; curators count review points, and `count`
    is their reviews. Equal points share a rank ("1, 2, 2, 4"). One query.
    """
    reasons = BOARDS[board]
    start = period_start(period)
    events = {"reputation_events__reason__in": reasons}
    if board == "contributors":
        counted = Submission.objects.filter(
            artist=OuterRef("pk"), state=Submission.State.ACCEPTED
        )
        if start is not None:
            counted = counted.filter(decided_at__gte=start)
        count = _count(counted, "artist")
    else:
        counted = Vote.objects.filter(curator=OuterRef("pk"))
        if start is not None:
            counted = counted.filter(created_at__gte=start)
        count = _count(counted, "curator")
    if start is not None:
        events["reputation_events__created_at__gte"] = start
    people = (
        User.objects.filter(is_active=True, **events)
        .annotate(points=Sum("reputation_events__points"))
        .filter(points__gt=0)
        .annotate(count=count)
        .order_by("-points", "username")[:limit]
    )
    rows: list[BoardRow] = []
    for position, person in enumerate(people, start=1):
        tied = rows and rows[-1].points == person.points
        rank = rows[-1].rank if tied else position
        rows.append(BoardRow(rank, person, person.points, person.count))
    return rows


@dataclass(frozen=True)
class Standing:
    points: int
    rank: int | None
    accepted: int
    reviews: int
    followers: int
    following: bool


def _standing_columns(viewer: User | None) -> dict:
    """The outer person's standing, as annotations (see `artist_standing`)."""
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    return {
        "accepted": _count(
            Submission.objects.filter(
                artist=OuterRef("pk"), state=Submission.State.ACCEPTED
            ),
            "artist",
        ),
        "reviews": _count(Vote.objects.filter(curator=OuterRef("pk")), "curator"),
        "follower_count": _count(
            Follow.objects.filter(artist=OuterRef("pk")), "artist"
        ),
        "ahead": Coalesce(
            Subquery(
                User.objects.filter(
                    is_active=True, reputation__gt=OuterRef("reputation")
                )
                .order_by()
                .values("is_active")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        "is_followed": Exists(
            Follow.objects.filter(follower_id=viewer_id, artist=OuterRef("pk"))
        ),
    }


def _standing(row: dict, *, viewer: User | None) -> Standing:
    signed_in = viewer is not None and viewer.is_authenticated
    return Standing(
        points=row["reputation"],
        rank=row["ahead"] + 1 if row["reputation"] > 0 else None,
        accepted=row["accepted"],
        reviews=row["reviews"],
        followers=row["follower_count"],
        following=signed_in and row["is_followed"],
    )


def artist_standing(*, artist: User, viewer: User | None = None) -> Standing:
    """Return `artist`'s standing, and whether `viewer` follows them. One query.

    The rank is by all-time reputation among active people (equal points
    share a rank); None while the artist has no points.
    """
    columns = _standing_columns(viewer)
    row = (
        User.objects.filter(pk=artist.pk)
        .annotate(**columns)
        .values("reputation", *columns)
        .get()
    )
    return _standing(row, viewer=viewer)


@dataclass(frozen=True)
class ArtistProfile:
    person: User
    standing: Standing | None
    wins: list[ChallengeWinner]
    lab_seeds: list[LabSeed]
    collections: list[Collection]


def artist_profile(
    *,
    username: str,
    viewer: User | None = None,
    standing: bool = True,
    lab_seeds: int = 0,
    collections: int = 0,
) -> ArtistProfile:
    """Return an active artist with what the head of their page shows.

    One query: the person, their `standing` (as `artist_standing`, unless
    False), their challenge wins on works still shown (`wins_of`) and
    the last `lab_seeds` seeds they kept in the lab and their newest
    `collections` public collections (`collection_list`); all but the
    standing come as JSON rows (`core.db.JSONRows`). Raises
    `User.DoesNotExist`.
    """
    columns = _standing_columns(viewer) if standing else {}
    columns["win_rows"] = JSONRows(
        wins_of(artist=OuterRef("pk")).values(
            row=JSONObject(
                **row_fields(ChallengeWinner, "id", "submission", "place"),
                challenge=JSONObject(
                    **row_fields(Challenge, "id", "slug", "title", prefix="challenge__")
                ),
            )
        )
    )
    if lab_seeds:
        seeds = kept_lab_seeds(user=OuterRef("pk"))[:lab_seeds]
        columns["seed_rows"] = JSONRows(
            seeds.values(row=JSONObject(**row_fields(LabSeed, "id", "thumbnail")))
        )
    if collections:
        columns["collection_rows"] = public_collection_rows(
            owner=OuterRef("pk"), limit=collections
        )
    person = User.objects.annotate(**columns).get(username=username, is_active=True)
    kept = [collection_from_row(r) for r in getattr(person, "collection_rows", [])]
    for collection in kept:
        collection.curated_by = person
    wins = []
    for row in person.win_rows:
        win = from_row(ChallengeWinner, row)
        win.challenge = from_row(Challenge, row["challenge"])
        wins.append(win)
    return ArtistProfile(
        person=person,
        standing=_standing(vars(person), viewer=viewer) if standing else None,
        wins=wins,
        lab_seeds=[from_row(LabSeed, row) for row in getattr(person, "seed_rows", [])],
        collections=kept,
    )


def inbox(*, user: User) -> QuerySet[Notification]:
    """Return `user`'s notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


@dataclass(frozen=True)
class TopBar:
    """What the top bar of every signed-in page asks about its viewer."""

    unread: int
    curator: bool


def _top_bar_values() -> dict:
    """The top bar's two probes, as expressions on a `User` row."""
    return {
        "top_bar_unread": Coalesce(
            Subquery(
                Notification.objects.filter(
                    recipient=OuterRef("pk"), read_at__isnull=True
                )
                .order_by()
                .values("recipient")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        "in_curators_group": Exists(
            User.groups.through.objects.filter(
                user_id=OuterRef("pk"),
                group__name=settings.ATELIER_CURATORS_GROUP,
            )
        ),
    }


def signed_in_user(*, pk: object) -> User | None:
    """Return user `pk` with what the top bar asks of them, in one query.

    The session's user is loaded by this (`community.auth`), so a signed-in
    page's account, bell count and curator role cost one round trip.
    """
    return User._default_manager.annotate(**_top_bar_values()).filter(pk=pk).first()


def top_bar(*, user: User) -> TopBar:
    """Return `user`'s unread notifications and whether they curate (one query).

    Two indexed probes in one round trip, in place of the bell's count and
    the curators-group lookup the menu makes; none when the account was
    loaded by `signed_in_user`, which read both with it.
    """
    if hasattr(user, "top_bar_unread"):
        return TopBar(unread=user.top_bar_unread, curator=bool(user.in_curators_group))
    row = User.objects.filter(pk=user.pk).values(**_top_bar_values()).first()
    if row is None:
        return TopBar(unread=0, curator=False)
    return TopBar(unread=row["top_bar_unread"], curator=bool(row["in_curators_group"]))


def forget_top_bar(*, user: User) -> None:
    """Drop the top bar's figures read with `user`, once a change made them old."""
    for name in ("top_bar_unread", "in_curators_group"):
        if hasattr(user, name):
            delattr(user, name)


def unread_count(*, user: User) -> int:
    """Return how many of `user`'s notifications are unread (one indexed query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# Comments ---------------------------------------------------------------------


def _comments_shown_to(viewer: User | None) -> Q:
    """Which comments `viewer` sees: hidden ones only when theirs or moderating."""
    if is_moderator(viewer):
        return Q()
    if viewer is not None and viewer.is_authenticated:
        return ~Q(state=Comment.State.HIDDEN) | Q(author=viewer)
    return ~Q(state=Comment.State.HIDDEN)


def can_see_comment(*, comment: Comment, viewer: User | None) -> bool:
    """Return whether `viewer` may see `comment` (and its work)."""
    if not can_see_submission(submission=comment.submission, viewer=viewer):
        return False
    if comment.state != Comment.State.HIDDEN:
        return True
    return is_moderator(viewer) or (
        viewer is not None
        and viewer.is_authenticated
        and viewer.pk == comment.author_id
    )


def comment_threads(
    *, submission: Submission, viewer: User | None = None
) -> QuerySet[Comment]:
    """Return the top-level comments of `submission` that `viewer` sees, oldest first.

    Each carries `shown_replies`, its replies `viewer` sees, oldest first,
    with their authors: two queries for any number of threads. A hidden
    top-level comment's replies are shown only to those who see it; a
    removed one stays as a placeholder only while it has replies to show.
    """
    shown = _comments_shown_to(viewer)
    replies = (
        Comment.objects.filter(shown)
        .select_related("author")
        .order_by("created_at", "id")
    )
    has_replies = Exists(
        Comment.objects.filter(shown, parent=OuterRef("pk")).order_by()
    )
    return (
        Comment.objects.filter(shown, submission=submission, parent__isnull=True)
        .filter(~Q(state=Comment.State.REMOVED) | Q(has_replies))
        .select_related("author")
        .prefetch_related(Prefetch("replies", replies, to_attr="shown_replies"))
        .order_by("created_at", "id")
    )


def comment_report_queue() -> QuerySet[Comment]:
    """Return shown comments with open reports, most reported first (two queries).

    Each carries `open_reports`, `first_reported_at` and `open_report_list`
    (with reporters), and its work and author.
    """
    open_q = Q(reports__state=CommentReport.State.OPEN)
    return (
        Comment.objects.filter(open_q, state=Comment.State.VISIBLE)
        .annotate(
            open_reports=Count("reports", filter=open_q),
            first_reported_at=Min("reports__created_at", filter=open_q),
        )
        .select_related("author", "submission")
        .prefetch_related(
            Prefetch(
                "reports",
                CommentReport.objects.filter(state=CommentReport.State.OPEN)
                .select_related("reporter")
                .order_by("created_at"),
                to_attr="open_report_list",
            )
        )
        .order_by("-open_reports", "first_reported_at", "id")
    )


def hidden_comments() -> QuerySet[Comment]:
    """Return the hidden comments, latest hidden first (one query)."""
    return (
        Comment.objects.filter(state=Comment.State.HIDDEN)
        .select_related("author", "submission")
        .order_by("-updated_at", "-id")
    )


def comment_log() -> QuerySet[CommentAction]:
    """Return the comments' audit log, newest first (one query)."""
    return CommentAction.objects.select_related(
        "actor", "comment__author", "comment__submission"
    ).order_by("-created_at", "-id")


# The Following feed ---------------------------------------------------------

# How many top artists the empty feed suggests following.
SUGGESTED_ARTISTS = 8


def following_works(*, user: User) -> QuerySet[Submission]:
    """Return accepted work by the artists `user` follows, newest accepted first.

    The follows are a subquery of the same statement, so however many
    artists someone follows the feed stays one query; hidden, withdrawn or
    in-review work never shows (the gallery's own `gallery_list`). The
    order is the gallery's "new" one, which the (artist, decided_at, id)
    partial index `gallery_artist_new` serves per artist, as does
    `gallery_new` for the whole gallery.
    """
    followed = Follow.objects.filter(follower=user).values("artist_id")
    return gallery_list(order="new", viewer=user).filter(artist_id__in=followed)


def following_page(*, user: User, cursor: str | None = None) -> KeysetPage:
    """Return one cursor page of `user`'s feed as gallery cards (one query)."""
    qs = (
        following_works(user=user).select_related(None).select_related("artist", "task")
    )
    page = keyset_page(
        with_tag_names(qs.only(*PAGE_CARD_FIELDS)),
        ordering=ORDERS["new"],
        cursor=cursor,
        size=settings.ATELIER_GALLERY_PAGE_SIZE,
    )
    attach_tag_names(page.items)
    return page


def following_rows(
    *, user: User, cursor: str | None = None, size: int | None = None
) -> KeysetPage:
    """Return one cursor page of `user`'s feed as the API's plain rows (one query)."""
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    qs = with_tag_names(following_works(user=user))
    qs = qs.values(*CARD_VALUES, *qs.query.annotations.keys() & {"tag_names"})
    page = keyset_page(qs, ordering=ORDERS["new"], cursor=cursor, size=size)
    attach_tag_names(page.items)
    return page


def follows_anyone(*, user: User) -> bool:
    return Follow.objects.filter(follower=user).exists()


def artists_to_follow(*, user: User, limit: int = SUGGESTED_ARTISTS) -> list[BoardRow]:
    """Return the all-time top contributors `user` might follow (one query).

    For the empty feed: the leaderboard's best, less the person themself.
    """
    rows = leaderboard(board="contributors", period="all", limit=limit + 1)
    return [row for row in rows if row.user.pk != user.pk][:limit]
