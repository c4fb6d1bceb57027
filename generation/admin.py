from django.contrib import admin

from core.admin import ServiceWrittenAdmin
from generation.models import GenerationJob, GeneratorModel, TrainingRun


@admin.register(GeneratorModel)
class GeneratorModelAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "kind", "is_active")


@admin.register(GenerationJob)
class GenerationJobAdmin(ServiceWrittenAdmin):
    """Jobs as publishing queued them; their progress is the worker's to write."""

    list_display = ("task", "state", "done", "total", "device", "created_at")
    list_filter = ("state",)
    readonly_fields = (
        "task",
        "state",
        "done",
        "total",
        "device",
        "error",
        "plan",
        "started_at",
        "finished_at",
        "attempts",
        "heartbeat_at",
    )


@admin.register(TrainingRun)
class TrainingRunAdmin(ServiceWrittenAdmin):
    list_display = ("name", "state", "epochs_done", "epochs", "device", "created_at")
    list_filter = ("state",)
    readonly_fields = ("record", "error", "result", "started_at", "finished_at")
