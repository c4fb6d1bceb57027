"""Notifications in the site and by e-mail.

`notify` writes the notification and, after commit, hands the e-mail to
`send_notification_email_task` on the default queue. A notification may
carry a `key` naming the event it reports: the database allows one
notification per person and key, so a repeated call (a redelivered Celery
message, a beat run that overlaps the last one) never notifies twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.services.outbox import send_each_on_commit, send_on_commit
from art_tasks.models import Claim, Submission, SubmissionDraft
from community.models import Notification
from community.tasks import notify_followers_task, send_notification_email_task

Kind = Notification.Kind


def _wants_email(user: User) -> bool:
    return bool(user.email) and user.email_notifications and user.is_active


def notify(
    *, recipient: User, kind: str, text: str, url: str = "", key: str = ""
) -> Notification | None:
    """Notify `recipient`; return None when the event `key` was already notified.

    The e-mail copy is queued after commit, and only when the recipient has
    an address and has not turned e-mails off.
    """

    notification = Notification(
        recipient=recipient, kind=kind, text=text[:5000], url=url, key=key
    )
    notification.full_clean(exclude=["recipient"], validate_constraints=False)
    try:
        with transaction.atomic():
            notification.save()
            if _wants_email(recipient):
                send_on_commit(send_notification_email_task, notification.pk)
    except IntegrityError:
        if not key:
            raise
        return None  # this event has been notified already
    return notification


@transaction.atomic
def mark_notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s unread notifications (all, or those in `ids`) read.

    Returns how many changed; other people's notifications are never touched.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    now = timezone.now()
    return unread.update(read_at=now, updated_at=now)


def email_notification(*, notification: Notification) -> Notification:
    """Send `notification` by e-mail once, and record when it went.

    Nothing is sent when it was sent before, or when the recipient has no
    address or turned e-mails off since it was written.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=notification.pk)
        )
        user = notification.recipient
        if notification.emailed_at is not None or not _wants_email(user):
            return notification
        site = settings.ATELIER_SITE_URL.rstrip("/")
        context = {
            "user": user,
            "notification": notification,
            "link": f"{site}{notification.url}" if notification.url else "",
            "settings_url": f"{site}/notifications/",
            "site_url": site,
        }
        send_mail(
            subject=f"[Atelier] {notification.get_kind_display()}",
            message=render_to_string("community/email/notification.txt", context),
            html_message=render_to_string("community/email/notification.html", context),
            from_email=None,
            recipient_list=[user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    return notification


# Events ------------------------------------------------------------------------


def _decision_key(submission: Submission) -> str:
    moment = submission.decided_at or submission.updated_at
    return f"decision:{submission.pk}:{submission.state}:{int(moment.timestamp())}"


def notify_decision(*, submission: Submission) -> Notification | None:
    """Tell the artist that `submission` was accepted or rejected, and why.

    The curators' comments come with it, without their names (votes are
    blind). Acceptance also queues the news for the artist's followers.
    Once per decision: a re-decision is news again, a repeated call is not.
    """

    if submission.state not in (
        Submission.State.ACCEPTED,
        Submission.State.REJECTED,
    ):
        return None
    accepted = submission.state == Submission.State.ACCEPTED
    if accepted:
        text = f"“{submission.title}” was accepted into the gallery."
    else:
        text = f"“{submission.title}” was not accepted."
    if submission.decision_reason:
        text += f" {submission.decision_reason}"
    comments = [
        vote.comment.strip()
        for vote in submission.votes.order_by("created_at")
        if vote.comment.strip()
    ]
    if comments:
        text += "\n\nWhat the curators said:\n" + "\n".join(
            f"• {comment}" for comment in comments
        )
    notification = notify(
        recipient=submission.artist,
        kind=Kind.ACCEPTED if accepted else Kind.REJECTED,
        text=text,
        url=submission.get_absolute_url(),
        key=_decision_key(submission),
    )
    if accepted and notification is not None:
        send_on_commit(notify_followers_task, submission.pk)
    return notification


def notify_upload_failed(
    *, submission: Submission, claim: Claim | None
) -> Notification | None:
    """Tell the artist their upload could not be processed, and what next.

    `claim` is the claim given back to them, or None when the task has no
    time left for one. Once per submission.
    """
    text = (
        f"“{submission.title}” could not be processed, so it did not go to "
        f"review. The reason: {submission.error or 'unknown'}"
    )
    if claim is not None:
        text += (
            "\n\nYour claim on the task is yours again until "
            f"{claim.expires_at:%d %b %Y, %H:%M} UTC: export the image again "
            "and submit it."
        )
    else:
        text += "\n\nThe task has no time left for another claim."
    return notify(
        recipient=submission.artist,
        kind=Kind.UPLOAD_FAILED,
        text=text,
        url=submission.task.get_absolute_url(),
        key=f"upload-failed:{submission.pk}",
    )


@transaction.atomic
def notify_followers(*, submission: Submission) -> list[Notification]:
    """Tell the artist's followers about their new accepted work, once each.

    Locks the submission row, so two runs of the fan-out for the same work
    wait for each other and the second finds everyone notified.
    """

    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("artist")
        .get(pk=submission.pk)
    )
    if submission.state != Submission.State.ACCEPTED:
        return []
    key = f"followed-work:{submission.pk}"
    followers = (
        User.objects.filter(following__artist=submission.artist_id, is_active=True)
        .exclude(notifications__key=key)
        .only("pk", "email", "email_notifications", "is_active")
    )
    artist = submission.artist.shown_name
    text = f"{artist} has new work in the gallery: “{submission.title}”."
    rows = [
        Notification(
            recipient=follower,
            kind=Kind.FOLLOWED_WORK,
            text=text,
            url=submission.get_absolute_url(),
            key=key,
        )
        for follower in followers
    ]
    created = Notification.objects.bulk_create(rows, batch_size=500)
    send_each_on_commit(
        send_notification_email_task,
        [(n.pk,) for n in created if _wants_email(n.recipient)],
    )
    return created


def warning_lead(claim: Claim) -> timedelta:
    """Return how long before its end `claim` is warned.

    `ATELIER_CLAIM_WARNING_MINUTES` (10) before the end; a stretch shorter
    than twice that is warned halfway through instead, so a short claim is
    never warned the moment it starts. The stretch is the claim since it
    started, or since its last extension: a new end gets its own warning.
    """
    lead = timedelta(minutes=settings.ATELIER_CLAIM_WARNING_MINUTES)
    stretch = claim.expires_at - (claim.extended_at or claim.claimed_at)
    return min(lead, stretch / 2)


def _utc(moment) -> str:  # noqa: ANN001
    return f"{moment.astimezone(UTC):%d %b %Y, %H:%M} UTC"


def warn_expiring_claims() -> int:
    """Warn contributors whose live claim has reached its warning time.

    The warning time is `warning_lead` before the end. Once per claim and
    end time: the notification's key records the warning, so a claim is
    warned once, and again only if its end moves (an extension).
    Returns how many warnings were written.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.ATELIER_CLAIM_WARNING_MINUTES)
    claims = [
        claim
        for claim in Claim.objects.live(now)
        .filter(expires_at__lte=now + window)
        .select_related("task", "contributor")
        if claim.expires_at - warning_lead(claim) <= now
    ]
    keys = {
        claim.pk: f"claim-expiring:{claim.pk}:{int(claim.expires_at.timestamp())}"
        for claim in claims
    }
    done = set(
        Notification.objects.filter(
            kind=Kind.CLAIM_EXPIRING, key__in=keys.values()
        ).values_list("key", flat=True)
    )
    warned = 0
    for claim in claims:
        if keys[claim.pk] in done:
            continue
        minutes = max(1, math.ceil((claim.expires_at - now).total_seconds() / 60))
        text = (
            f"Your claim on “{claim.task.title}” ends in {minutes} minute"
            f"{'s' if minutes != 1 else ''} (at {_utc(claim.expires_at)}). Submit "
            "your work before then"
        )
        if claim.extension_end is not None:
            text += ", extend the claim from the task page,"
        text += " or release the claim so someone else can take the slot."
        with transaction.atomic():
            sent = notify(
                recipient=claim.contributor,
                kind=Kind.CLAIM_EXPIRING,
                text=text,
                url=claim.task.get_absolute_url(),
                key=keys[claim.pk],
            )
        warned += sent is not None
    return warned


def notify_claims_ended(*, claims: Iterable[Claim]) -> list[Notification]:
    """Tell each contributor that their claim ended, with a link to claim again.

    A draft they kept for the task (an upload that arrived late) is named,
    since claiming again submits it. Once per claim.
    """
    claims = list(claims)
    drafts = {
        (d.task_id, d.contributor_id): d
        for d in SubmissionDraft.objects.filter(
            task_id__in={c.task_id for c in claims},
            contributor_id__in={c.contributor_id for c in claims},
        )
    }
    sent = []
    for claim in claims:
        task = claim.task
        text = f"Your claim on “{task.title}” ended at {_utc(claim.expires_at)}."
        draft = drafts.get((claim.task_id, claim.contributor_id))
        if draft is not None:
            text += (
                f" Your upload “{draft.title}” is kept as a draft until "
                f"{_utc(draft.kept_until)}."
            )
        if task.is_open:
            text += " Claim the task again while a slot is free" + (
                " and submit the draft in one step." if draft else "."
            )
        else:
            text += " The task is closed now."
        notification = notify(
            recipient=claim.contributor,
            kind=Kind.CLAIM_ENDED,
            text=text,
            url=task.get_absolute_url(),
            key=f"claim-ended:{claim.pk}",
        )
        if notification is not None:
            sent.append(notification)
    return sent
