"""Admin of submissions with the actions of the rules above them, and the audit log.

The submission admin is registered here, the lowest app that can reach both
curation's decision and moderation's hide and restore: each action calls its
service as the signed-in staff member, so the audit log, reputation and
notifications follow as they do from the pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from art_tasks.admin import SubmissionAdmin as BaseSubmissionAdmin
from art_tasks.models import Submission
from core.admin import ReadOnlyAdmin
from core.errors import AtelierError
from core.views import error_text
from curation.services import decide_submission
from moderation.models import ModerationAction, Report
from moderation.services import hide_work, restore_work


def _each(
    admin_view: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Submission],
    act: Callable[[Submission], object],
    done: str,
) -> None:
    ok = 0
    for submission in queryset:
        try:
            act(submission)
        except (AtelierError, ValidationError) as exc:
            admin_view.message_user(
                request, f"“{submission.title}”: {error_text(exc)}", messages.ERROR
            )
        else:
            ok += 1
    if ok:
        admin_view.message_user(request, f"{ok} {done}.", messages.SUCCESS)


@admin.register(Submission)
class SubmissionAdmin(BaseSubmissionAdmin):
    actions = ["accept", "reject", "hide", "restore"]

    @admin.action(description="Accept (staff decision)")
    def accept(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda s: decide_submission(
                submission=s, by=request.user, accept=True, reason="Accepted by staff."
            ),
            "accepted",
        )

    @admin.action(description="Reject (staff decision)")
    def reject(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda s: decide_submission(
                submission=s, by=request.user, accept=False, reason="Rejected by staff."
            ),
            "rejected",
        )

    @admin.action(description="Hide from the gallery")
    def hide(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda s: hide_work(
                submission=s, actor=request.user, reason="Hidden by staff."
            ),
            "hidden",
        )

    @admin.action(description="Restore to the gallery")
    def restore(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda s: restore_work(
                submission=s, actor=request.user, reason="Restored by staff."
            ),
            "restored",
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Reports, read-only: moderators handle them from the moderation pages."""

    list_display = ("submission", "reporter", "reason", "state", "created_at")
    list_filter = ("state", "reason")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit log, read-only: it records what happened."""

    list_display = ("submission", "actor", "action", "created_at")
    list_filter = ("action",)
