from django.contrib import admin

from community.models import Follow, Notification, ReputationEvent
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
