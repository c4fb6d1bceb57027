from django.contrib import admin
from django.http import HttpRequest

from community.models import (
    Challenge,
    ChallengeWinner,
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


class ChallengeWinnerInline(admin.TabularInline):
    model = ChallengeWinner
    fields = ("place", "submission", "artist", "rank_top", "points")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    """Staff open and edit challenges here or at /challenges/new/.

    The model's constraints hold the dates and the number of winners; the
    winners are the close's to write (`close_challenge`), so read-only here.
    """

    list_display = ("title", "opens_at", "closes_at", "winner_count", "closed_at")
    list_filter = ("closed_at",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("tasks",)
    raw_id_fields = ("cover_seed", "cover_work", "created_by")
    readonly_fields = ("closed_at",)
    inlines = [ChallengeWinnerInline]
