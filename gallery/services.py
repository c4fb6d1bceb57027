"""Curator votes and the decisions they lead to."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import AtelierError, NotAllowed
from accounts.models import User
from art_tasks.models import Submission

from .errors import AlreadyVoted, NotACurator, NotInReview, VoteOnOwnWork
from .models import Like, Vote


def decide(*, submission: Submission) -> str | None:
    """Return the decision the votes so far call for, or None while short of quorum.

    Accepted when the mean score reaches the acceptance threshold once the
    quorum of votes is in; rejected otherwise.
    """
    quorum = settings.ATELIER_VOTE_QUORUM
    if submission.vote_count < quorum:
        return None
    mean = submission.score_sum / submission.vote_count
    if mean >= settings.ATELIER_ACCEPT_THRESHOLD:
        return Submission.State.ACCEPTED
    return Submission.State.REJECTED


@transaction.atomic
def cast_vote(
    *, submission: Submission, curator: User, score: int, comment: str = ""
) -> Vote:
    """Record `curator`'s score for `submission` and decide it at quorum.

    The submission row is locked, so counters and the decision stay exact
    when curators vote at the same moment.
    """
    if not curator.is_authenticated or not curator.is_curator:
        raise NotACurator("Only curators can vote on submissions.")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.artist_id == curator.pk:
        raise VoteOnOwnWork("You cannot vote on your own work.")
    if submission.state != Submission.State.IN_REVIEW:
        raise NotInReview(
            f"This submission is {submission.get_state_display().lower()}, "
            "not in review."
        )
    if not 1 <= int(score) <= 5:
        raise AtelierError("A score is a whole number from 1 to 5.", code="bad_score")
    vote = Vote(
        submission=submission, curator=curator, score=int(score), comment=comment
    )
    vote.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as exc:
        raise AlreadyVoted("You have already voted on this submission.") from exc
    submission.vote_count += 1
    submission.score_sum += vote.score
    submission.score = submission.score_sum / submission.vote_count
    fields = ["vote_count", "score_sum", "score", "updated_at"]
    decision = decide(submission=submission)
    if decision is not None:
        submission.state = decision
        submission.decided_at = timezone.now()
        submission.decision_reason = (
            f"Mean score {submission.score:.2f} from {submission.vote_count} curators; "
            f"works scoring {settings.ATELIER_ACCEPT_THRESHOLD:g} or more are accepted."
        )
        fields += ["state", "decided_at", "decision_reason"]
    submission.save(update_fields=fields)
    return vote


@transaction.atomic
def like_work(*, submission: Submission, user: User) -> Submission:
    """Record that `user` likes an accepted work; liking twice changes nothing."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in to like work.")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.ACCEPTED:
        raise NotInReview("Only work in the gallery can be liked.")
    _, created = Like.objects.get_or_create(submission=submission, user=user)
    if created:
        submission.like_count += 1
        submission.save(update_fields=["like_count", "updated_at"])
    return submission


@transaction.atomic
def unlike_work(*, submission: Submission, user: User) -> Submission:
    """Take back `user`'s like of a work, if there was one."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    deleted, _ = Like.objects.filter(submission=submission, user=user).delete()
    if deleted:
        submission.like_count = max(0, submission.like_count - deleted)
        submission.save(update_fields=["like_count", "updated_at"])
    return submission
