"""Moderation: reports, hiding and restoring work, and the audit log.

Anyone signed in may report a work in the gallery. Curators and staff
(moderators) hide reported work, restore it, or dismiss a report; each of
those writes a `ModerationAction`, the audit log, in the same transaction.
Hidden work leaves every public list at once, because the gallery's
selectors only ever show `state="accepted"`; while it is hidden its artist's
reputation points for it are taken back: community reacts to
`moderation.signals.work_visibility_changed` in the same transaction.

The selectors the moderation pages and API share are in `selectors.py`. A
design note lives in docs/community.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from art_tasks.selectors import can_see_submission
from core.errors import AtelierError, NotAllowed
from core.roles import is_moderator
from moderation.errors import (
    AlreadyHidden,
    AlreadyReported,
    NotAModerator,
    NotHidden,
    NotReportable,
    OwnWork,
    ReportClosed,
)
from moderation.models import ModerationAction, Report
from moderation.signals import report_dismissed, work_visibility_changed

Action = ModerationAction.Action


# Errors -----------------------------------------------------------------------


# Services ---------------------------------------------------------------------


def _require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise NotAModerator("Only curators and staff can moderate work.")


def _require_reason(reason: str, *, why: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": why})
    return reason[:2000]


@transaction.atomic
def report_work(
    *, submission: Submission, reporter: User, reason: str, details: str = ""
) -> Report:
    """Record `reporter`'s report that a gallery work breaks the rules.

    One open report per person and work; the artist cannot report their own.
    """
    if not reporter.is_authenticated:
        raise NotAllowed("Sign in to report work.")
    submission = Submission.objects.get(pk=submission.pk)
    if not can_see_submission(submission=submission, viewer=reporter):
        # Work outside the gallery answers as missing, so a report never
        # tells a stranger that it is hidden or in review.
        raise NoSuchGalleryWork("No such artwork in the gallery.")
    if submission.state == Submission.State.HIDDEN:
        raise NotReportable("This work is already hidden by the moderators.")
    if submission.state != Submission.State.ACCEPTED:
        raise NotReportable("Only work in the gallery can be reported.")
    if submission.artist_id == reporter.pk:
        raise OwnWork("You cannot report your own work.")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": "Choose why you are reporting this work."})
    details = details.strip()
    if reason == Report.Reason.OTHER and not details:
        raise ValidationError({"details": "Say what is wrong with this work."})
    report = Report(
        submission=submission, reporter=reporter, reason=reason, details=details
    )
    report.full_clean(exclude=["submission", "reporter"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise AlreadyReported(
            "You have already reported this work; the moderators will look at it."
        ) from exc
    return report


def _lock_for_moderation(submission: Submission, actor: User) -> Submission:
    """Lock `submission` for a moderator's action; nobody moderates their own work."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("artist")
        .get(pk=submission.pk)
    )
    if submission.artist_id == actor.pk:
        raise OwnWork("You cannot moderate your own work.")
    return submission


@transaction.atomic
def hide_work(
    *, submission: Submission, actor: User, reason: str, report: Report | None = None
) -> ModerationAction:
    """Hide `submission` from everyone but staff, and log it.

    Its open reports are closed as actioned, its artist's points for it are
    taken back until it is restored, and the artist and reporters are told.
    """
    _require_moderator(actor)
    reason = _require_reason(
        reason, why="Say why the work is hidden: the artist and the audit log see it."
    )
    submission = _lock_for_moderation(submission, actor)
    if submission.state == Submission.State.HIDDEN:
        raise AlreadyHidden("This work is already hidden.")
    if report is not None and report.submission_id != submission.pk:
        raise AtelierError("That report is about another work.", code="wrong_report")
    previous = submission.state
    submission.state = Submission.State.HIDDEN
    submission.save(update_fields=["state", "updated_at"])
    now = timezone.now()
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(submission=submission, state=Report.State.OPEN)
        .select_related("reporter")
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        state=Report.State.ACTIONED, resolved_by=actor, resolved_at=now, updated_at=now
    )
    action = ModerationAction(
        submission=submission,
        actor=actor,
        action=Action.HIDE,
        reason=reason,
        report=report,
        previous_state=previous,
    )
    action.full_clean(exclude=["submission", "actor", "report"])
    action.save()
    work_visibility_changed.send(
        sender=ModerationAction,
        submission=submission,
        action=action,
        closed_reports=reports,
    )
    return action


@transaction.atomic
def restore_work(
    *, submission: Submission, actor: User, reason: str
) -> ModerationAction:
    """Return a hidden work to the state it had before it was hidden, and log it."""
    _require_moderator(actor)
    reason = _require_reason(
        reason, why="Say why the work is restored: the audit log keeps it."
    )
    submission = _lock_for_moderation(submission, actor)
    if submission.state != Submission.State.HIDDEN:
        raise NotHidden("This work is not hidden.")
    hidden = (
        ModerationAction.objects.filter(submission=submission, action=Action.HIDE)
        .order_by("-created_at", "-id")
        .first()
    )
    restored = (hidden and hidden.previous_state) or Submission.State.ACCEPTED
    submission.state = restored
    submission.save(update_fields=["state", "updated_at"])
    action = ModerationAction(
        submission=submission,
        actor=actor,
        action=Action.RESTORE,
        reason=reason,
        previous_state=Submission.State.HIDDEN,
    )
    action.full_clean(exclude=["submission", "actor", "report"])
    action.save()
    work_visibility_changed.send(
        sender=ModerationAction, submission=submission, action=action, closed_reports=[]
    )
    return action


@transaction.atomic
def dismiss_report(
    *, report: Report, actor: User, reason: str = ""
) -> ModerationAction:
    """Close `report` without hiding the work, log it and tell the reporter."""
    _require_moderator(actor)
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("submission", "reporter")
        .get(pk=report.pk)
    )
    if report.submission.artist_id == actor.pk:
        raise OwnWork("You cannot moderate your own work.")
    if report.state != Report.State.OPEN:
        raise ReportClosed(
            f"This report was already handled ({report.get_state_display().lower()})."
        )
    reason = reason.strip()[:2000] or "The moderators found no rule broken."
    now = timezone.now()
    report.state = Report.State.DISMISSED
    report.resolved_by = actor
    report.resolved_at = now
    report.save(update_fields=["state", "resolved_by", "resolved_at", "updated_at"])
    action = ModerationAction(
        submission=report.submission,
        actor=actor,
        action=Action.DISMISS,
        reason=reason,
        report=report,
        previous_state=report.submission.state,
    )
    action.full_clean(exclude=["submission", "actor", "report"])
    action.save()
    report_dismissed.send(sender=ModerationAction, report=report, action=action)
    return action


# Selectors --------------------------------------------------------------------
