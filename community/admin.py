from django.contrib import admin

from community.models import (
    Comment,
    CommentAction,
    CommentReport,
    Follow,
    Notification,
    ReputationEvent,
)
from core.admin import ReadOnlyAdmin, ServiceWrittenAdmin


@admin.register(ReputationEvent)
class ReputationEventAdmin(ReadOnlyAdmin):
    """The ledger is append-only: staff read it, services write it."""

    list_display = ("created_at", "user", "points", "reason", "submission", "vote")
    list_filter = ("reason",)
    search_fields = ("user__username",)
    raw_id_fields = ("user", "submission", "vote")


@admin.register(Notification)
class NotificationAdmin(ServiceWrittenAdmin):
    """Notifications as sent; `notify` writes them, keyed by their event."""

    list_display = ("created_at", "recipient", "kind", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "text")
    raw_id_fields = ("recipient",)


@admin.register(Follow)
class FollowAdmin(ServiceWrittenAdmin):
    list_display = ("created_at", "follower", "artist")
    raw_id_fields = ("follower", "artist")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Comments as posted; hiding and restoring go through the comment queue."""

    list_display = ("created_at", "author", "submission", "state", "parent")
    list_filter = ("state",)
    search_fields = ("author__username", "body")
    raw_id_fields = ("author", "submission", "parent")


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "reporter", "reason", "state")
    list_filter = ("state", "reason")
    raw_id_fields = ("comment", "reporter", "resolved_by")


@admin.register(CommentAction)
class CommentActionAdmin(ReadOnlyAdmin):
    """The comments' audit log: shown, never changed."""

    list_display = ("created_at", "actor", "action", "comment", "reason")
    list_filter = ("action",)
    raw_id_fields = ("comment", "actor", "report")
