from django.contrib import admin

from art_tasks.models import Claim, CreationTask, SeedImage, Submission, Tag


@admin.register(CreationTask)
class CreationTaskAdmin(admin.ModelAdmin):
    list_display = ("title", "state", "style", "seed_count", "slots", "deadline")
    list_filter = ("state", "style")
    search_fields = ("title",)
    readonly_fields = ("state", "error", "published_at", "opened_at")


@admin.register(SeedImage)
class SeedImageAdmin(admin.ModelAdmin):
    list_display = ("task", "index", "device", "render_ms")
    readonly_fields = ("recipe", "sha256", "phash")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("task", "contributor", "state", "claimed_at", "expires_at")
    list_filter = ("state",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("title", "artist", "task", "state", "vote_count", "score")
    list_filter = ("state",)
    readonly_fields = ("vote_count", "score_sum", "score", "sha256", "phash")


admin.site.register(Tag)
