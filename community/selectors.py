"""Reads of community shared by pages and the API: standings, boards, inboxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from art_tasks.models import Submission
from community.models import Follow, Notification, ReputationEvent
from curation.models import Vote
from gallery.pagination import KeysetPage, keyset_page
from gallery.selectors import (
    CARD_VALUES,
    MAX_PAGE_SIZE,
    ORDERS,
    PAGE_CARD_FIELDS,
    gallery_list,
)

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


def artist_standing(*, artist: User, viewer: User | None = None) -> Standing:
    """Return `artist`'s standing, and whether `viewer` follows them. One query.

    The rank is by all-time reputation among active people (equal points
    share a rank); None while the artist has no points.
    """
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    row = (
        User.objects.filter(pk=artist.pk)
        .annotate(
            accepted=_count(
                Submission.objects.filter(
                    artist=OuterRef("pk"), state=Submission.State.ACCEPTED
                ),
                "artist",
            ),
            reviews=_count(Vote.objects.filter(curator=OuterRef("pk")), "curator"),
            follower_count=_count(
                Follow.objects.filter(artist=OuterRef("pk")), "artist"
            ),
            ahead=Coalesce(
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
            is_followed=Exists(
                Follow.objects.filter(follower_id=viewer_id, artist=OuterRef("pk"))
            ),
        )
        .values(
            "reputation",
            "accepted",
            "reviews",
            "follower_count",
            "ahead",
            "is_followed",
        )
        .get()
    )
    return Standing(
        points=row["reputation"],
        rank=row["ahead"] + 1 if row["reputation"] > 0 else None,
        accepted=row["accepted"],
        reviews=row["reviews"],
        followers=row["follower_count"],
        following=bool(viewer_id) and row["is_followed"],
    )


def inbox(*, user: User) -> QuerySet[Notification]:
    """Return `user`'s notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


@dataclass(frozen=True)
class TopBar:
    """What the top bar of every signed-in page asks about its viewer."""

    unread: int
    curator: bool


def top_bar(*, user: User) -> TopBar:
    """Return `user`'s unread notifications and whether they curate (one query).

    Two indexed probes in one round trip, in place of the bell's count and
    the curators-group lookup the menu makes.
    """
    from django.conf import settings

    row = (
        User.objects.filter(pk=user.pk)
        .values(
            unread=Coalesce(
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
            curator=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("pk"),
                    group__name=settings.ATELIER_CURATORS_GROUP,
                )
            ),
        )
        .first()
    )
    if row is None:
        return TopBar(unread=0, curator=False)
    return TopBar(unread=row["unread"], curator=bool(row["curator"]))


def unread_count(*, user: User) -> int:
    """Return how many of `user`'s notifications are unread (one indexed query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


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
    return keyset_page(
        qs.only(*PAGE_CARD_FIELDS),
        ordering=ORDERS["new"],
        cursor=cursor,
        size=settings.ATELIER_GALLERY_PAGE_SIZE,
    )


def following_rows(
    *, user: User, cursor: str | None = None, size: int | None = None
) -> KeysetPage:
    """Return one cursor page of `user`'s feed as the API's plain rows (one query)."""
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    qs = following_works(user=user).values(*CARD_VALUES)
    return keyset_page(qs, ordering=ORDERS["new"], cursor=cursor, size=size)


def follows_anyone(*, user: User) -> bool:
    return Follow.objects.filter(follower=user).exists()


def artists_to_follow(*, user: User, limit: int = SUGGESTED_ARTISTS) -> list[BoardRow]:
    """Return the all-time top contributors `user` might follow (one query).

    For the empty feed: the leaderboard's best, less the person themself.
    """
    rows = leaderboard(board="contributors", period="all", limit=limit + 1)
    return [row for row in rows if row.user.pk != user.pk][:limit]
