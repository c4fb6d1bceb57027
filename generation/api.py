"""API of the generator registry and generation jobs."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks import limits
from art_tasks import selectors as task_selectors
from art_tasks.api import TaskOutput
from art_tasks.errors import AlreadyPublished
from art_tasks.models import License, SeedImage
from core.api import FileUrlField, cursor_page, paginated_response
from core.errors import NotFound
from generation import registry, selectors
from generation.models import GenerationJob, GeneratorModel
from generation.services import publish_new_task


class GeneratorListApi(APIView):
    """The active generators, by name and version, in cursor pages."""

    permission_classes: list = []
    pagination_class = cursor_page("name", "version", "id")

    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        version = serializers.CharField()
        kind = serializers.CharField()
        description = serializers.CharField()
        styles = serializers.SerializerMethodField()
        publishable = serializers.SerializerMethodField(
            help_text="False for a trained version whose samples staff have not "
            "looked at and confirmed yet: tasks cannot use it until then."
        )

        def get_styles(self, row: GeneratorModel) -> list[str]:
            return list(registry.CPPN_STYLES) if row.name == registry.CPPN else []

        def get_publishable(self, row: GeneratorModel) -> bool:
            return not row.needs_review

    @extend_schema(summary="List generators", responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            self,
            selectors.active_generators(),
            lambda page: self.OutputSerializer(page, many=True).data,
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
        if not task_selectors.can_see_task(task=job.task, viewer=request.user):
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
        if not task_selectors.can_see_task(task=seed.task, viewer=request.user):
            raise NotFound("No such seed.")
        return Response(self.OutputSerializer(seed, context={"request": request}).data)


CLAIM_MINUTES = limits.CLAIM_TTL.in_minutes()
REVIEW_HOURS = limits.REVIEW_WINDOW.in_hours()


class TaskListApi(APIView):
    """List open tasks; staff create and publish a task with POST.

    Publishing composes art_tasks and generation, so the collection lives here.
    """

    pagination_class = cursor_page(*task_selectors.TASK_ORDER["new"])

    def get_permissions(self):  # noqa: ANN201
        return [IsAdminUser()] if self.request.method == "POST" else []

    class ListQuery(serializers.Serializer):
        tag = serializers.CharField(required=False, allow_blank=True)
        sort = serializers.ChoiceField(
            choices=list(task_selectors.TASK_SORTS), default="new"
        )

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=limits.TITLE_MAX_LENGTH)
        brief = serializers.CharField(max_length=limits.BRIEF_MAX_LENGTH)
        tags = serializers.ListField(
            child=serializers.SlugField(max_length=limits.TAG_MAX_LENGTH),
            required=False,
            default=list,
        )
        license = serializers.ChoiceField(
            choices=License.choices, default=License.CC_BY
        )
        slots = serializers.IntegerField(
            min_value=limits.SLOTS.low, max_value=limits.SLOTS.high, default=10
        )
        claim_ttl_minutes = serializers.IntegerField(
            min_value=CLAIM_MINUTES[0], max_value=CLAIM_MINUTES[1], default=120
        )
        claim_extensions = serializers.IntegerField(
            min_value=limits.CLAIM_EXTENSIONS.low,
            max_value=limits.CLAIM_EXTENSIONS.high,
            default=1,
            help_text="How many times a claim may be extended by the claim time.",
        )
        deadline = serializers.DateTimeField(required=False, allow_null=True)
        generator = serializers.CharField(default="cppn")
        generator_version = serializers.CharField(default="1")
        style = serializers.CharField(default="nebula")
        seed_count = serializers.IntegerField(
            min_value=limits.SEED_COUNT.low, max_value=limits.SEED_COUNT.high, default=8
        )
        image_size = serializers.IntegerField(
            min_value=limits.IMAGE_SIZE.low,
            max_value=limits.IMAGE_SIZE.high,
            default=512,
        )
        vote_quorum = serializers.IntegerField(
            min_value=limits.VOTE_QUORUM.low,
            max_value=limits.VOTE_QUORUM.high,
            required=False,
            allow_null=True,
            default=None,
        )
        accept_threshold = serializers.FloatField(
            min_value=limits.ACCEPT_THRESHOLD.low,
            max_value=limits.ACCEPT_THRESHOLD.high,
            required=False,
            allow_null=True,
            default=None,
        )
        review_window_hours = serializers.IntegerField(
            min_value=REVIEW_HOURS[0],
            max_value=REVIEW_HOURS[1],
            required=False,
            allow_null=True,
            default=None,
        )
        source = serializers.ChoiceField(
            choices=["fresh", "bred"],
            default="fresh",
            help_text="fresh: random genomes; bred: bred from the fittest scored "
            "seeds of this style in earlier tasks (a quarter stay fresh).",
        )

    @extend_schema(
        summary="List open tasks",
        parameters=[
            OpenApiParameter("tag", OpenApiTypes.STR),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=list(task_selectors.TASK_SORTS),
                description="new: newest first (default); closing: nearest "
                "deadline first; free: most slots free first.",
            ),
        ],
        responses=TaskOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = self.ListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        sort = query.validated_data["sort"]
        tasks = task_selectors.task_list(
            tag=query.validated_data.get("tag") or None,
            sort=sort,
            viewer=request.user,
        )
        return paginated_response(
            self,
            tasks,
            lambda page: TaskOutput(page, many=True, context={"request": request}).data,
            ordering=task_selectors.TASK_ORDER[sort],
        )

    @extend_schema(
        summary="Create and publish a task",
        request=InputSerializer,
        responses={201: TaskOutput, 200: TaskOutput},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Any string up to 100 characters, new for each task. "
                "A retry with the same key answers 200 with the task the first "
                "request made, and publishes nothing new.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["claim_ttl"] = timedelta(minutes=values.pop("claim_ttl_minutes"))
        hours = values.pop("review_window_hours", None)
        values["review_window"] = timedelta(hours=hours) if hours else None
        code = status.HTTP_201_CREATED
        try:
            task = publish_new_task(
                by=request.user,
                publish_key=request.headers.get("Idempotency-Key", ""),
                **values,
            )
        except AlreadyPublished as earlier:
            task, code = earlier.task, status.HTTP_200_OK
        task = task_selectors.get_task(pk=task.pk)
        return Response(
            TaskOutput(task, context={"request": request}).data, status=code
        )
