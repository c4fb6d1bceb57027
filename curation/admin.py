"""Admin of curation: votes are read-only, as cast."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from curation.models import RankingPrior, Vote


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    """Votes as curators cast them; only `cast_vote` writes them."""

    list_display = ("submission", "curator", "score", "created_at", "revised_at")
    list_filter = ("score",)
    raw_id_fields = ("submission", "curator")


@admin.register(RankingPrior)
class RankingPriorAdmin(ReadOnlyAdmin):
    list_display = ("mean", "weight", "measured_at")
    readonly_fields = ("mean", "weight", "measured_at")
