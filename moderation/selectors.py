"""Reads of moderation: the reports queue, hidden works and the audit log."""

from __future__ import annotations

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

from art_tasks.models import Submission
from moderation.models import ModerationAction, Report

Action = ModerationAction.Action


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
