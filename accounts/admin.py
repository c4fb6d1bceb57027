from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import ApiToken, OutboxMessage, SentMail, User


@admin.register(User)
class AtelierUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "Profile",
            {"fields": ("display_name", "bio", "avatar", "email_notifications")},
        ),
        ("Reputation", {"fields": ("reputation",)}),
    )
    readonly_fields = ("reputation",)
    list_display = (
        "username",
        "display_name",
        "email",
        "reputation",
        "is_staff",
        "date_joined",
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see and delete tokens; secrets are never stored, so never shown."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "key_hash", "created_at", "rotated_at", "last_used_at")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(SentMail)
class SentMailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to", "subject")
    search_fields = ("to", "subject")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Celery work waiting for the broker; the sweeper sends it, staff watch."""

    list_display = ("created_at", "task", "args", "attempts", "last_error")
    list_filter = ("task",)
    readonly_fields = ("task", "args", "created_at", "attempts", "last_error")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
