from django.contrib import admin

from community.models import Follow, Notification, ReputationEvent


@admin.register(ReputationEvent)
class ReputationEventAdmin(admin.ModelAdmin):
    """The ledger is append-only: staff read it, services write it."""

    list_display = ("created_at", "user", "points", "reason", "submission", "vote")
    list_filter = ("reason",)
    search_fields = ("user__username",)
    raw_id_fields = ("user", "submission", "vote")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "text")
    raw_id_fields = ("recipient",)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("created_at", "follower", "artist")
    raw_id_fields = ("follower", "artist")
