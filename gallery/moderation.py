"""Moderation: reports, hiding and restoring work, and the audit log.

Anyone signed in may report a work in the gallery. Curators and staff
(moderators) hide reported work, restore it, or dismiss a report; each of
those writes a `ModerationAction`, the audit log, in the same transaction.
Hidden work leaves every public list at once, because the gallery's
selectors only ever show `state="accepted"`; while it is hidden its artist's
reputation points for it are taken back (see accounts.services.reputation).

Services come first, then the selectors that the moderation pages and API
share. A design note lives in docs/community.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from accounts.errors import AtelierError, Conflict, NotAllowed
from accounts.models import Notification, User
from accounts.services import award_decision, notify
from art_tasks.models import Submission

from .errors import NoSuchGalleryWork
from .models import ModerationAction, Report
from .selectors import can_see_submission

Action = ModerationAction.Action


# Errors -----------------------------------------------------------------------


class NotAModerator(NotAllowed):
    code = "not_a_moderator"


class OwnWork(NotAllowed):
    code = "own_work"


class NotReportable(Conflict):
    code = "not_reportable"


class AlreadyReported(Conflict):
    code = "already_reported"


class AlreadyHidden(Conflict):
    code = "already_hidden"


class NotHidden(Conflict):
    code = "not_hidden"


class ReportClosed(Conflict):
    code = "report_closed"


# Services ---------------------------------------------------------------------


def is_moderator(user: User) -> bool:
    """Return whether `user` may moderate: curators and staff."""
    return bool(user.is_authenticated and (user.is_staff or user.is_curator))


def _require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise NotAModerator("Only curators and staff can moderate work.")


def _require_reason(reason: str, *, why: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": why})
    return reason[:2000]


def _tell(user: User, text: str, url: str, key: str) -> None:
    notify(
        recipient=user, kind=Notification.Kind.MODERATION, text=text, url=url, key=key
    )


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
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("artist")
        .get(pk=submission.pk)
    )
    if submission.artist_id == actor.pk:
        raise OwnWork("You cannot moderate your own work.")
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
    award_decision(submission=submission)
    _tell(
        submission.artist,
        f"“{submission.title}” was hidden by the moderators: {reason}",
        reverse("art_tasks:studio"),  # the work's own page is staff-only now
        f"moderation:{action.pk}",
    )
    for closed in reports:
        _tell(
            closed.reporter,
            f"Thank you for your report: “{submission.title}” is now hidden.",
            "",
            f"report:{closed.pk}",
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
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("artist")
        .get(pk=submission.pk)
    )
    if submission.artist_id == actor.pk:
        raise OwnWork("You cannot moderate your own work.")
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
    award_decision(submission=submission)
    _tell(
        submission.artist,
        f"“{submission.title}” is visible again: {reason}",
        submission.get_absolute_url(),
        f"moderation:{action.pk}",
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
    _tell(
        report.reporter,
        f"The moderators looked at your report on “{report.submission.title}” "
        f"and kept the work: {reason}",
        report.submission.get_absolute_url(),
        f"report:{report.pk}",
    )
    return action


# Selectors --------------------------------------------------------------------


def report_queue() -> QuerySet[Submission]:
    """Return works with open reports, most reported first, then oldest report.

    Each carries `open_reports`, `first_reported_at` and its open reports
    (with reporters) prefetched: two queries whatever the length.
    """
    open_reports = Q(reports__state=Report.State.OPEN)
    return (
        Submission.objects.filter(open_reports)
        .annotate(
            open_reports=Count("reports", filter=open_reports),
            first_reported_at=Min("reports__created_at", filter=open_reports),
        )
        .select_related("artist", "task")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.filter(state=Report.State.OPEN)
                .select_related("reporter")
                .order_by("created_at", "id"),
                to_attr="open_report_list",
            )
        )
        .order_by("-open_reports", "first_reported_at", "id")
    )


def hidden_works() -> QuerySet[Submission]:
    """Return hidden works, most recently hidden first, with why (one query)."""
    last_hide = ModerationAction.objects.filter(
        submission=OuterRef("pk"), action=Action.HIDE
    ).order_by("-created_at", "-id")
    return (
        Submission.objects.filter(state=Submission.State.HIDDEN)
        .annotate(
            hidden_at=Max(
                "moderation_actions__created_at",
                filter=Q(moderation_actions__action=Action.HIDE),
            ),
            hidden_reason=Subquery(last_hide.values("reason")[:1]),
            hidden_by=Subquery(
                last_hide.annotate(
                    name=Coalesce(
                        NullIf("actor__display_name", Value("")), "actor__username"
                    )
                ).values("name")[:1]
            ),
        )
        .select_related("artist", "task")
        .order_by("-hidden_at", "-id")
    )


def moderation_log() -> QuerySet[ModerationAction]:
    """Return the audit log, newest first, with everything a row shows joined."""
    return ModerationAction.objects.select_related(
        "actor", "submission", "submission__artist", "report", "report__reporter"
    ).order_by("-created_at", "-id")
