"""Admin of curation: votes are read-only, as cast."""

from django.contrib import admin

from curation.models import RankingPrior, Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes as curators cast them; only `cast_vote` writes them."""

    list_display = ("submission", "curator", "score", "created_at", "revised_at")
    list_filter = ("score",)
    raw_id_fields = ("submission", "curator")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(RankingPrior)
class RankingPriorAdmin(admin.ModelAdmin):
    list_display = ("mean", "weight", "measured_at")
    readonly_fields = ("mean", "weight", "measured_at")
