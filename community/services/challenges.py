"""Challenges: staff open them, the beat job closes them and picks winners.

The rules, also written out in docs/challenges.md:

- Entries are the accepted works submitted to the challenge's tasks between
  `opens_at` (inclusive) and `closes_at` (exclusive). Hidden, rejected,
  withdrawn and in-review works are not entries.
- A challenge past its deadline waits while a work submitted in time is
  still being processed or reviewed, for at most `ATELIER_CHALLENGE_GRACE`
  after the deadline; then it closes without those works.
- At the close the winners are the first entries in the gallery's "top"
  order (`GALLERY_ORDERS["top"]`: the Bayesian-average rank, then the
  newer id on a tie), at most one per artist, up to `winner_count`.
- Each winner earns `points` in the reputation ledger (reason
  `challenge_win`) and a notification. The win stands if the work is later
  hidden: the ledger keeps it, pages stop showing the work and its badge.

Depends on the community models and the models of the apps below (never
their services); `community.tasks` imports this module inside its bodies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from art_tasks.models import GALLERY_ORDERS, CreationTask, SeedImage, Submission
from community.errors import ChallengeRefused
from community.models import Challenge, ChallengeWinner, Notification, ReputationEvent
from community.services.notifications import notify
from core.roles import require_staff

PENDING_STATES = (Submission.State.PROCESSING, Submission.State.IN_REVIEW)
ENDED_TASK_STATES = (CreationTask.State.CLOSED, CreationTask.State.ARCHIVED)


def challenge_entries(*, challenge: Challenge) -> QuerySet[Submission]:
    """Return the works of `challenge`'s tasks submitted inside its window.

    In any state: callers filter on what they need (accepted for entries,
    pending for the grace period).
    """
    return Submission.objects.filter(
        task__in=challenge.tasks.all(),
        created_at__gte=challenge.opens_at,
        created_at__lt=challenge.closes_at,
    )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "challenge"
    slug, n = base, 1
    while Challenge.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def open_challenge(
    *,
    by: User,
    title: str,
    theme: str,
    tasks: Iterable[CreationTask],
    opens_at: datetime,
    closes_at: datetime,
    winner_count: int = 3,
    points: int = 50,
    cover_seed: SeedImage | None = None,
    cover_work: Submission | None = None,
) -> Challenge:
    """Open a challenge over `tasks`, from `opens_at` to the deadline `closes_at`."""
    require_staff(by, "Only staff can open a challenge.")
    tasks = list(tasks)
    if not tasks:
        raise ChallengeRefused("Choose at least one creation task for the challenge.")
    ended = [t.title for t in tasks if t.state in ENDED_TASK_STATES]
    if ended:
        raise ChallengeRefused(
            f"These tasks no longer take work: {', '.join(sorted(ended))}."
        )
    if closes_at <= timezone.now():
        raise ChallengeRefused("The deadline must be in the future.")
    if closes_at <= opens_at:
        raise ChallengeRefused("The deadline must come after the opening.")
    if cover_work is not None and cover_work.state != Submission.State.ACCEPTED:
        raise ChallengeRefused("The cover must be an accepted work.")
    challenge = Challenge(
        slug=_unique_slug(title),
        title=title.strip(),
        theme=theme.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        winner_count=winner_count,
        points=points,
        cover_seed=cover_seed,
        cover_work=cover_work,
        created_by=by,
    )
    challenge.full_clean()
    challenge.save()
    challenge.tasks.set(tasks)
    return challenge


def pick_winners(*, challenge: Challenge) -> list[Submission]:
    """Return the winning entries of `challenge` as the ranking has them now.

    The first accepted entries in the gallery's "top" order, skipping an
    artist's later entries once they have won a place.
    """
    entries = (
        challenge_entries(challenge=challenge)
        .filter(state=Submission.State.ACCEPTED)
        .select_related("artist")
        .order_by(*GALLERY_ORDERS["top"])
    )
    picked: list[Submission] = []
    artists: set[int] = set()
    for work in entries.iterator(chunk_size=200):
        if work.artist_id in artists:
            continue
        artists.add(work.artist_id)
        picked.append(work)
        if len(picked) == challenge.winner_count:
            break
    return picked


def is_waiting_for_decisions(*, challenge: Challenge, now: datetime) -> bool:
    """Return whether a past-due `challenge` still waits for pending entries."""
    if now >= challenge.closes_at + settings.ATELIER_CHALLENGE_GRACE:
        return False
    return (
        challenge_entries(challenge=challenge).filter(state__in=PENDING_STATES).exists()
    )


@transaction.atomic
def close_challenge(*, challenge: Challenge, now: datetime | None = None) -> Challenge:
    """Close `challenge` if it is due: store its winners, award and tell them.

    Takes the challenge's row lock, so two runs never both close it; a
    closed challenge, one before its deadline and one still in its grace
    period are returned unchanged. Winners' points and notifications commit
    with the winners.
    """
    now = now or timezone.now()
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.closed_at is not None or now < challenge.closes_at:
        return challenge
    if is_waiting_for_decisions(challenge=challenge, now=now):
        return challenge
    winners = []
    for place, work in enumerate(pick_winners(challenge=challenge), start=1):
        winners.append(
            ChallengeWinner(
                challenge=challenge,
                submission=work,
                artist=work.artist,
                place=place,
                rank_top=work.rank_top,
                points=challenge.points,
                created_at=now,
            )
        )
    ChallengeWinner.objects.bulk_create(winners)
    url = reverse("community:challenge", kwargs={"slug": challenge.slug})
    for winner in winners:
        _award_win(challenge=challenge, winner=winner, url=url, now=now)
    challenge.closed_at = now
    challenge.save(update_fields=["closed_at", "updated_at"])
    return challenge


def _award_win(
    *, challenge: Challenge, winner: ChallengeWinner, url: str, now: datetime
) -> None:
    if winner.points:
        ReputationEvent.objects.create(
            user_id=winner.artist_id,
            points=winner.points,
            reason=ReputationEvent.Reason.CHALLENGE_WIN,
            submission=winner.submission,
            created_at=now,
        )
        User.objects.filter(pk=winner.artist_id).update(
            reputation=F("reputation") + winner.points
        )
    earned = f", and {winner.points} points" if winner.points else ""
    notify(
        recipient=winner.artist,
        kind=Notification.Kind.CHALLENGE_WIN,
        text=(
            f"“{winner.submission.title}” won place {winner.place} in the "
            f"challenge “{challenge.title}”{earned}."
        ),
        url=url,
        key=f"challenge:{challenge.pk}:win",
    )


def close_due_challenges(*, now: datetime | None = None) -> int:
    """Close every challenge past its deadline; return how many closed.

    Each closes in its own transaction, so one failure keeps the others.
    Idempotent: a second run closes nothing more.
    """
    now = now or timezone.now()
    due = Challenge.objects.filter(closed_at__isnull=True, closes_at__lte=now)
    closed = 0
    for challenge in due.order_by("closes_at", "id"):
        if close_challenge(challenge=challenge, now=now).closed_at is not None:
            closed += 1
    return closed
