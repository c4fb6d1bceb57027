"""API of the generator registry and generation jobs."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks.models import CreationTask, SeedImage
from core.api import FileUrlField
from core.errors import NotFound
from generation import registry, selectors
from generation.models import GenerationJob, GeneratorModel


class GeneratorListApi(APIView):
    permission_classes: list = []

    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        version = serializers.CharField()
        kind = serializers.CharField()
        description = serializers.CharField()
        styles = serializers.SerializerMethodField()

        def get_styles(self, row: GeneratorModel) -> list[str]:
            return list(registry.CPPN_STYLES) if row.name == registry.CPPN else []

    @extend_schema(summary="List generators", responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            self.OutputSerializer(selectors.active_generators(), many=True).data
        )


class GenerationJobDetailApi(APIView):
    permission_classes: list = []

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        task = serializers.IntegerField(source="task_id")
        state = serializers.CharField()
        done = serializers.IntegerField()
        total = serializers.IntegerField()
        percent = serializers.IntegerField()
        device = serializers.CharField()
        error = serializers.SerializerMethodField(
            help_text="Why it failed; shown to staff only."
        )
        seconds = serializers.FloatField(allow_null=True)

        def get_error(self, job: GenerationJob) -> str:
            return job.error if self.context.get("staff") else ""

    @extend_schema(summary="Show a generation job", responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(GenerationJob.objects.select_related("task"), pk=pk)
        staff = request.user.is_staff
        if job.task.state == CreationTask.State.DRAFT and not staff:
            raise NotFound("No such generation job.")  # drafts are staff's alone
        return Response(self.OutputSerializer(job, context={"staff": staff}).data)


class SeedRelativeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    task_title = serializers.CharField(source="task.title")
    index = serializers.IntegerField()
    thumbnail = FileUrlField()
    url = serializers.SerializerMethodField()

    def get_url(self, seed: SeedImage) -> str:
        request = self.context.get("request")
        path = reverse("generation:seed-detail", kwargs={"pk": seed.pk})
        return request.build_absolute_uri(path) if request else path


class SeedFitnessOutput(serializers.Serializer):
    fitness = serializers.FloatField(
        help_text="Bayesian average of curator scores plus a like bonus."
    )
    votes = serializers.IntegerField()
    score_total = serializers.IntegerField()
    likes = serializers.IntegerField()
    works = serializers.IntegerField(help_text="Decided works made from it.")
    site_mean = serializers.FloatField(help_text="The prior: the site's mean.")


class SeedDetailApi(APIView):
    """A seed: its recipe (genome), parents, children and fitness."""

    permission_classes: list = []

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        task = serializers.IntegerField(source="task_id")
        index = serializers.IntegerField()
        fitness = SeedFitnessOutput(source="*")
        image = FileUrlField()
        thumbnail = FileUrlField()
        width = serializers.IntegerField()
        height = serializers.IntegerField()
        recipe = serializers.JSONField()
        generation = serializers.SerializerMethodField()
        parents = SeedRelativeOutput(many=True)
        children = SeedRelativeOutput(many=True)

        def get_generation(self, seed: SeedImage) -> int:
            return int(seed.recipe.get("generation", 0))

    @extend_schema(summary="Show a seed", responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            seed = selectors.seed_with_relatives(pk=pk)
        except SeedImage.DoesNotExist:
            raise NotFound("No such seed.") from None
        if seed.task.state == CreationTask.State.DRAFT and not request.user.is_staff:
            raise NotFound("No such seed.")
        return Response(self.OutputSerializer(seed, context={"request": request}).data)
