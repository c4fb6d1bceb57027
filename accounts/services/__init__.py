"""Every write of accounts: people, follows, notifications and reputation.

Dependency direction: `people` needs only the accounts models;
`notifications` and `reputation` read `art_tasks` and `gallery` models (never
their services), so `gallery.services` can call `record_decision_outcome`
without an import cycle. Celery tasks are imported inside functions, because
`accounts.tasks` imports this package.
"""

from __future__ import annotations

from django.db import transaction

from art_tasks.models import Submission

from .notifications import (
    email_notification,
    mark_notifications_read,
    notify,
    notify_decision,
    notify_followers,
    notify_upload_failed,
    warn_expiring_claims,
)
from .people import (
    follow_artist,
    make_curator,
    register_user,
    set_email_notifications,
    unfollow_artist,
    verify_email_address,
)
from .profiles import update_profile
from .reputation import accepted_work_points, award_decision
from .tokens import issue_token, revoke_token, rotate_token

__all__ = [
    "accepted_work_points",
    "award_decision",
    "email_notification",
    "follow_artist",
    "issue_token",
    "make_curator",
    "mark_notifications_read",
    "notify",
    "notify_decision",
    "notify_followers",
    "notify_upload_failed",
    "record_decision_outcome",
    "register_user",
    "revoke_token",
    "rotate_token",
    "set_email_notifications",
    "unfollow_artist",
    "update_profile",
    "verify_email_address",
    "warn_expiring_claims",
]


@transaction.atomic
def record_decision_outcome(*, submission: Submission) -> Submission:
    """Award reputation for `submission`'s decision and tell the people concerned.

    Called by gallery.services where a decision is applied, inside that
    transaction and with the locked instance carrying the decision (it may
    not be saved yet), so points, notifications and the decision commit
    together; e-mails and the followers' fan-out go out after commit.
    Idempotent: calling it again for the same decision adds nothing.
    """
    award_decision(submission=submission)
    notify_decision(submission=submission)
    return submission
