from django.contrib import admin

from curation.models import RankingPrior, Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("submission", "curator", "score", "created_at", "revised_at")
    list_filter = ("score",)
    raw_id_fields = ("submission", "curator")


@admin.register(RankingPrior)
class RankingPriorAdmin(admin.ModelAdmin):
    list_display = ("mean", "weight", "measured_at")
    readonly_fields = ("measured_at",)
