from django.contrib import admin

from generation.models import GenerationJob, GeneratorModel, TrainingRun


@admin.register(GeneratorModel)
class GeneratorModelAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "kind", "is_active")


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("task", "state", "done", "total", "device", "created_at")
    list_filter = ("state",)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "epochs_done", "epochs", "device", "created_at")
    list_filter = ("state",)
    readonly_fields = ("record", "error", "result", "started_at", "finished_at")
