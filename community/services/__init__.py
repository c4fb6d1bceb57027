"""Every write of community: follows, notifications and reputation.

Dependency direction: `follows` needs only the community models;
`comments` uses `notifications.notify` and the community selectors;
`notifications` and `reputation` read the models of the apps below (never
their services). Nothing below community imports it: curation, moderation
and art_tasks announce domain events, and `community.signal_handlers` turns
them into points and notifications in the sender's transaction. Services
import their Celery tasks at the top; `community.tasks` imports services
inside its bodies.
"""

from __future__ import annotations

from django.db import transaction

from art_tasks.models import Submission
from community.services.challenges import (
    close_challenge,
    close_due_challenges,
    open_challenge,
)
from community.services.comments import (
    EDIT_WINDOW,
    delete_comment,
    dismiss_comment_report,
    edit_comment,
    hide_comment,
    post_comment,
    report_comment,
    restore_comment,
)
from community.services.follows import follow_artist, unfollow_artist
from community.services.notifications import (
    email_notification,
    mark_notifications_read,
    notify,
    notify_claims_ended,
    notify_decision,
    notify_followers,
    notify_upload_failed,
    warn_expiring_claims,
)
from community.services.reputation import (
    accepted_work_points,
    award_decision,
    credit_lab_breeders,
)

__all__ = [
    "credit_lab_breeders",
    "EDIT_WINDOW",
    "accepted_work_points",
    "award_decision",
    "delete_comment",
    "dismiss_comment_report",
    "edit_comment",
    "hide_comment",
    "post_comment",
    "report_comment",
    "restore_comment",
    "close_challenge",
    "close_due_challenges",
    "email_notification",
    "follow_artist",
    "mark_notifications_read",
    "notify",
    "notify_claims_ended",
    "notify_decision",
    "notify_followers",
    "notify_upload_failed",
    "open_challenge",
    "record_decision_outcome",
    "unfollow_artist",
    "warn_expiring_claims",
]


@transaction.atomic
def record_decision_outcome(*, submission: Submission) -> Submission:
    """Award reputation for `submission`'s decision and tell the people concerned.

    Runs on `curation.signals.submission_decided`, inside the transaction
    that applies the decision and with the locked instance carrying it (it
    may not be saved yet), so points, notifications and the decision commit
    together; e-mails and the followers' fan-out go out after commit.
    Idempotent: calling it again for the same decision adds nothing.
    """
    award_decision(submission=submission)
    notify_decision(submission=submission)
    return submission
