from django.contrib import admin

from .models import Collection, CollectionItem, RankingPrior, Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("submission", "curator", "score", "created_at", "revised_at")
    list_filter = ("score",)
    raw_id_fields = ("submission", "curator")


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 0
    raw_id_fields = ("submission",)
    ordering = ("position",)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "published", "curated_by", "created_at")
    list_filter = ("published",)
    search_fields = ("title", "statement")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("cover",)
    readonly_fields = ("curated_by",)
    inlines = [CollectionItemInline]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        if not change and not obj.curated_by_id:
            obj.curated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RankingPrior)
class RankingPriorAdmin(admin.ModelAdmin):
    list_display = ("mean", "weight", "measured_at")
    readonly_fields = ("measured_at",)
