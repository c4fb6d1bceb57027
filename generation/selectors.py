"""Reads of the generator registry and jobs."""

from django.db.models import QuerySet

from .models import GenerationJob, GeneratorModel


def active_generators() -> QuerySet[GeneratorModel]:
    return GeneratorModel.objects.filter(is_active=True).order_by("name", "version")


def recent_jobs(*, limit: int = 50) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.select_related("task").order_by("-created_at")[:limit]
