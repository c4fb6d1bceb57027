"""Reads of challenges (selectors): lists, one challenge, entries, badges.

Pages and the API share these. Entries and winners show only accepted
works: a winner hidden by moderation drops out of every page, its badge
too, while its ledger entry stays (docs/challenges.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet
from django.db.models.functions import JSONObject

from accounts.models import User
from art_tasks.models import GALLERY_ORDERS, Submission
from art_tasks.selectors import Viewer
from community.models import Challenge, ChallengeWinner
from core.db import JSONRows, from_row, row_fields
from gallery.pagination import KeysetPage, keyset_page
from gallery.selectors import PAGE_CARD_FIELDS, gallery_list
from gallery.signals import BadgeColumn

# A badge: what it says and where it leads.
Badge = tuple[str, str]


def _shown_winners() -> QuerySet[ChallengeWinner]:
    return (
        ChallengeWinner.objects.filter(submission__state=Submission.State.ACCEPTED)
        .select_related("submission__artist", "submission__task")
        .order_by("place")
    )


def all_challenges() -> QuerySet[Challenge]:
    """Return every challenge with its cover, latest deadline first (one query)."""
    return Challenge.objects.select_related("cover_seed", "cover_work").order_by(
        "-closes_at", "-id"
    )


def open_challenges() -> QuerySet[Challenge]:
    """Return the challenges not closed yet, nearest deadline first (one query)."""
    return (
        Challenge.objects.filter(closed_at__isnull=True)
        .select_related("cover_seed", "cover_work")
        .order_by("closes_at", "id")
    )


def past_challenges() -> QuerySet[Challenge]:
    """Return closed challenges, latest first, with their shown winners.

    Two queries: the challenges, then their winners' works.
    """
    return (
        Challenge.objects.filter(closed_at__isnull=False)
        .select_related("cover_seed", "cover_work")
        .prefetch_related(
            Prefetch("winners", queryset=_shown_winners(), to_attr="shown_winners")
        )
        .order_by("-closes_at", "-id")
    )


def challenge_detail(*, key: str) -> Challenge:
    """Return one challenge by slug (or id), with tasks and shown winners.

    Three queries: the challenge with its cover, its tasks, its winners'
    works (accepted ones only). Raises `Challenge.DoesNotExist`.
    """
    qs = Challenge.objects.select_related("cover_seed", "cover_work").prefetch_related(
        "tasks",
        Prefetch("winners", queryset=_shown_winners(), to_attr="shown_winners"),
    )
    if key.isdecimal():
        return qs.get(pk=int(key))
    return qs.get(slug=key)


def entries(*, challenge: Challenge, viewer: Viewer = None) -> QuerySet[Submission]:
    """Return `challenge`'s entries in the "top" order, as gallery cards.

    The accepted works of its tasks submitted between `opens_at` and
    `closes_at`; `challenge.tasks` should be prefetched (else one query).
    """
    task_ids = [task.pk for task in challenge.tasks.all()]
    qs = gallery_list(order="top", viewer=viewer).filter(
        task_id__in=task_ids,
        created_at__gte=challenge.opens_at,
        created_at__lt=challenge.closes_at,
    )
    return qs.select_related(None).select_related("artist", "task")


def entry_page(
    *,
    challenge: Challenge,
    cursor: str | None = None,
    size: int | None = None,
    viewer: Viewer = None,
) -> KeysetPage:
    """Return one cursor page of `challenge`'s entries, best first (one query)."""
    size = min(max(size or settings.ATELIER_GALLERY_PAGE_SIZE, 1), 100)
    qs = entries(challenge=challenge, viewer=viewer).only(*PAGE_CARD_FIELDS)
    return keyset_page(qs, ordering=GALLERY_ORDERS["top"], cursor=cursor, size=size)


def win_badges(*, submission_ids: Iterable[int]) -> dict[int, list[Badge]]:
    """Return the "Winner - <challenge>" badges of these works (one query)."""
    ids = list(submission_ids)
    found: dict[int, list[Badge]] = defaultdict(list)
    if not ids:
        return found
    rows = (
        ChallengeWinner.objects.filter(
            submission_id__in=ids, submission__state=Submission.State.ACCEPTED
        )
        .select_related("challenge")
        .order_by("challenge__closes_at", "challenge_id")
    )
    for win in rows:
        found[win.submission_id].append((win.badge, win.challenge.get_absolute_url()))
    return found


def _read_wins(rows: list[dict]) -> list[Badge]:
    badges = []
    for row in rows:
        win = ChallengeWinner(challenge=from_row(Challenge, row))
        badges.append((win.badge, win.challenge.get_absolute_url()))
    return badges


def win_badge_column() -> BadgeColumn:
    """Return the outer work's "Winner - <challenge>" badges as a column.

    What `win_badges` reads for one work, folded into the work's query as
    JSON rows (gallery's `work_badge_columns`).
    """
    rows = (
        ChallengeWinner.objects.filter(
            submission=OuterRef("pk"), submission__state=Submission.State.ACCEPTED
        )
        .order_by("challenge__closes_at", "challenge_id")
        .values(
            row=JSONObject(
                **row_fields(Challenge, "id", "slug", "title", prefix="challenge__")
            )
        )
    )
    return BadgeColumn(expression=JSONRows(rows), read=_read_wins)


def with_badges(works: list[Submission]) -> list[Submission]:
    """Set each work's `badges` (its challenge wins) for its card (one query)."""
    badges = win_badges(submission_ids=[work.pk for work in works])
    for work in works:
        work.badges = badges.get(work.pk, [])
    return works


def wins_of(*, artist: User | OuterRef) -> QuerySet[ChallengeWinner]:
    """Return `artist`'s challenge wins on works still shown, latest first."""
    return ChallengeWinner.objects.filter(
        artist=artist, submission__state=Submission.State.ACCEPTED
    ).order_by("-challenge__closes_at", "place")
