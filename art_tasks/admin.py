"""Admin of tasks, seeds, claims and submissions: read what services write.

States and counters are read-only here: they change only through the
services, so the admin can never put a row into a state the rules forbid.
The submission admin's actions (accept, reject, hide, restore) belong to
the apps that own those rules and are added where the admin is registered,
in `moderation/admin.py`.
"""

from django.contrib import admin

from art_tasks.models import Claim, CreationTask, SeedImage, Submission, Tag
from core.admin import ServiceWrittenAdmin


@admin.register(CreationTask)
class CreationTaskAdmin(ServiceWrittenAdmin):
    """Tasks are published from the staff page (or the API), not added here."""

    list_display = ("title", "state", "style", "seed_count", "slots", "deadline")
    list_filter = ("state", "style")
    search_fields = ("title",)
    readonly_fields = ("state", "error", "published_at", "opened_at", "publish_key")


@admin.register(SeedImage)
class SeedImageAdmin(ServiceWrittenAdmin):
    list_display = ("task", "index", "device", "render_ms")
    readonly_fields = ("recipe", "sha256", "phash")


@admin.register(Claim)
class ClaimAdmin(ServiceWrittenAdmin):
    list_display = ("task", "contributor", "state", "claimed_at", "expires_at")
    list_filter = ("state",)
    readonly_fields = ("task", "contributor", "state", "claimed_at", "expires_at")


class SubmissionAdmin(ServiceWrittenAdmin):
    """Submissions, read-only where a service owns the value."""

    list_display = ("title", "artist", "task", "state", "vote_count", "mean_score")
    list_filter = ("state",)
    search_fields = ("title", "artist__username")
    readonly_fields = (
        "claim",
        "task",
        "artist",
        "seed",
        "state",
        "error",
        "sha256",
        "phash",
        "palette",
        "colour_family",
        "like_count",
        "comment_count",
        "view_count",
        "vote_count",
        "score_sum",
        "score",
        "decision_reason",
        "decision_rule",
        "decided_at",
        "review_due_at",
        "review_extended_at",
        "rank_top",
        "rank_popular",
        "trend_score",
        "discover_rank",
    )

    @admin.display(description="Score", ordering="score")
    def mean_score(self, submission: Submission) -> str:
        return f"{submission.score:.2f}" if submission.score is not None else "—"


admin.site.register(Tag)
