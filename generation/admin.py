from django.contrib import admin

from .models import GenerationJob, GeneratorModel


@admin.register(GeneratorModel)
class GeneratorModelAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "kind", "is_active")


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("task", "state", "done", "total", "device", "created_at")
    list_filter = ("state",)
