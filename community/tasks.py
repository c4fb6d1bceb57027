"""Celery tasks of community: notification e-mails, fan-out and claim warnings.

All run on the default queue. Each imports its service inside its body, so
the services can import these at the top without a cycle. Time limits are
set per task in settings (ATELIER_TIME_LIMITS).
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email_task(notification_id: int) -> None:
    """E-mail one notification to its recipient, once."""
    from community.models import Notification
    from community.services import email_notification

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return
    email_notification(notification=notification)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notify_followers_task(submission_id: int) -> int:
    """Tell an artist's followers about a newly accepted work."""
    from art_tasks.models import Submission
    from community.services import notify_followers

    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:
        return 0
    return len(notify_followers(submission=submission))


@shared_task
def notify_expiring_claims_task() -> int:
    """Warn contributors whose claims end soon (Celery beat, every minute)."""
    from community.services import warn_expiring_claims

    return warn_expiring_claims()


@shared_task
def close_due_challenges_task() -> int:
    """Close the challenges past their deadline and pick winners (beat, 5 min)."""
    from community.services.challenges import close_due_challenges

    return close_due_challenges()
