"""Community's answers to the domain events the apps below it announce.

Each handler runs inside the sender's transaction and only appends derived,
idempotent records (reputation entries, notifications keyed by their
event), so a repeated event adds nothing and a rolled-back change leaves no
trace. Connected in `CommunityConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from art_tasks.models import Claim, Submission
from art_tasks.signals import claims_expired, submission_processing_failed
from community.challenges import win_badge_column
from community.models import Notification
from community.services import (
    award_decision,
    credit_lab_breeders,
    notify,
    notify_claims_ended,
    notify_upload_failed,
    record_decision_outcome,
)
from curation.signals import submission_decided
from gallery.signals import BadgeColumn, work_badge_columns
from generation.signals import lab_seeds_used
from moderation.models import ModerationAction, Report
from moderation.signals import report_dismissed, work_visibility_changed


def _tell(user: Any, text: str, url: str, key: str) -> None:
    notify(
        recipient=user, kind=Notification.Kind.MODERATION, text=text, url=url, key=key
    )


def on_submission_decided(*, submission: Submission, **kwargs: Any) -> None:
    """Award the decision's points and tell the artist (and, after, followers)."""
    record_decision_outcome(submission=submission)


def on_work_visibility_changed(
    *,
    submission: Submission,
    action: ModerationAction,
    closed_reports: list[Report],
    **kwargs: Any,
) -> None:
    """Take back or give back the work's points; tell the artist and reporters."""
    award_decision(submission=submission)
    if action.action == ModerationAction.Action.HIDE:
        _tell(
            submission.artist,
            f"“{submission.title}” was hidden by the moderators: {action.reason}",
            reverse("art_tasks:studio"),  # the work's own page is staff-only now
            f"moderation:{action.pk}",
        )
        for closed in closed_reports:
            _tell(
                closed.reporter,
                f"Thank you for your report: “{submission.title}” is now hidden.",
                "",
                f"report:{closed.pk}",
            )
    else:
        _tell(
            submission.artist,
            f"“{submission.title}” is visible again: {action.reason}",
            submission.get_absolute_url(),
            f"moderation:{action.pk}",
        )


def on_report_dismissed(
    *, report: Report, action: ModerationAction, **kwargs: Any
) -> None:
    """Tell the reporter the moderators kept the work, and why."""
    _tell(
        report.reporter,
        f"The moderators looked at your report on “{report.submission.title}” "
        f"and kept the work: {action.reason}",
        report.submission.get_absolute_url(),
        f"report:{report.pk}",
    )


def on_submission_processing_failed(
    *, submission: Submission, claim: Claim | None, **kwargs: Any
) -> None:
    """Tell the artist their upload failed, and about the claim given back."""
    notify_upload_failed(submission=submission, claim=claim)


def on_claims_expired(*, claims: list[Claim], **kwargs: Any) -> None:
    """Tell each contributor their claim ended, with a link to claim again."""
    notify_claims_ended(claims=claims)


def on_work_badge_columns(**kwargs: Any) -> BadgeColumn:
    """Return the column of an artwork page's "Winner - <challenge>" badges."""
    return win_badge_column()


def on_lab_seeds_used(*, task: Any, lab_seeds: list, **kwargs: Any) -> None:
    """Credit each breeder whose lab seeds a new task uses."""
    credit_lab_breeders(task=task, lab_seeds=lab_seeds)


def connect() -> None:
    lab_seeds_used.connect(on_lab_seeds_used, dispatch_uid="community.lab_seeds_used")
    work_badge_columns.connect(
        on_work_badge_columns, dispatch_uid="community.work_badge_columns"
    )
    submission_decided.connect(
        on_submission_decided, dispatch_uid="community.submission_decided"
    )
    work_visibility_changed.connect(
        on_work_visibility_changed, dispatch_uid="community.work_visibility_changed"
    )
    report_dismissed.connect(
        on_report_dismissed, dispatch_uid="community.report_dismissed"
    )
    submission_processing_failed.connect(
        on_submission_processing_failed,
        dispatch_uid="community.submission_processing_failed",
    )
    claims_expired.connect(on_claims_expired, dispatch_uid="community.claims_expired")
