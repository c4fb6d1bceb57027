from django.contrib import admin

from gallery.models import Collection, CollectionItem


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
