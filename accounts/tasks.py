"""Celery tasks of accounts: notification e-mails, fan-out and claim warnings.

All run on the default queue.
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from art_tasks.models import Submission

from .models import Notification
from .services import (
    email_notification,
    notify_followers,
    warn_expiring_claims,
)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def send_notification_email_task(notification_id: int) -> None:
    """E-mail one notification to its recipient, once."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return
    email_notification(notification=notification)


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=300, time_limit=360
)
def notify_followers_task(submission_id: int) -> int:
    """Tell an artist's followers about a newly accepted work."""
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:
        return 0
    return len(notify_followers(submission=submission))


@shared_task
def notify_expiring_claims_task() -> int:
    """Warn contributors whose claims end soon (Celery beat, every minute)."""
    return warn_expiring_claims()
