"""API of the breeding lab: start a grid, read its progress, keep seeds, list them.

Thin views over `generation.services.lab` and `generation.lab_selectors`;
domain errors (a 429 past the hourly limit included) go through the
project's exception handler.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks.models import SeedImage
from core.api import FileUrlField, cursor_page, paginated_response
from core.errors import NotFound
from generation import lab, lab_selectors
from generation.models import LabGrid, LabSeed
from generation.services import lab as lab_services


class LabSeedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    grid = serializers.IntegerField(source="grid_id")
    index = serializers.IntegerField()
    breeder = serializers.CharField(source="breeder.username")
    recipe = serializers.JSONField(help_text="The genome; paints the same pixels.")
    image = FileUrlField(help_text="Empty until the child is painted.")
    thumbnail = FileUrlField()
    kept = serializers.BooleanField()
    kept_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class LabGridOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    controls = serializers.JSONField()
    children = LabSeedOutput(many=True)


def _grid_data(grid_pk: int, request: Request) -> dict:
    grid = lab_selectors.lab_grid(pk=grid_pk, viewer=request.user)
    return LabGridOutput(grid, context={"request": request}).data


class LabGridCreateApi(APIView):
    """Start a grid of children from seeds and lab seeds (mutation or crossover)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        seeds = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        lab_seeds = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        strength = serializers.FloatField(
            min_value=lab.MIN_STRENGTH,
            max_value=lab.MAX_STRENGTH,
            default=lab.DEFAULT_STRENGTH,
        )
        keep = serializers.ListField(
            child=serializers.ChoiceField(choices=list(lab.GENE_GROUPS)),
            required=False,
            default=list,
            help_text="Gene groups copied from the parent unchanged.",
        )
        palette = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=0,
            help_text="Index of one of the first parent's style palettes.",
        )
        previous = serializers.IntegerField(required=False, allow_null=True)

    looks_up_body_ids = True  # the seeds and grid it names: 404 when unseen

    @extend_schema(
        summary="Start a lab grid",
        request=InputSerializer,
        responses={201: LabGridOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        seeds = list(
            SeedImage.objects.select_related("task").filter(pk__in=values["seeds"])
        )
        lab_seeds = list(LabSeed.objects.filter(pk__in=values["lab_seeds"]))
        if len(seeds) != len(set(values["seeds"])) or len(lab_seeds) != len(
            set(values["lab_seeds"])
        ):
            raise NotFound("No such seed.")
        previous = None
        if values.get("previous"):
            previous = LabGrid.objects.filter(pk=values["previous"]).first()
            if previous is None:
                raise NotFound("No such lab grid.")
        grid = lab_services.start_lab_grid(
            by=request.user,
            seeds=seeds,
            lab_seeds=lab_seeds,
            strength=values["strength"],
            keep=values["keep"],
            palette=values["palette"],
            previous=previous,
        )
        return Response(_grid_data(grid.pk, request), status=status.HTTP_201_CREATED)


class LabGridDetailApi(APIView):
    """A grid of one's own: its state, progress and children."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Show a lab grid", responses=LabGridOutput)
    def get(self, request: Request, pk: int) -> Response:
        try:
            return Response(_grid_data(pk, request))
        except LabGrid.DoesNotExist:
            raise NotFound("No such lab grid.") from None


class LabSeedKeepApi(APIView):
    """Keep a child of one's grid in "My seeds" (POST) or let it go (DELETE)."""

    permission_classes = [IsAuthenticated]

    def _own(self, request: Request, pk: int) -> LabSeed:
        seed = LabSeed.objects.filter(pk=pk, breeder=request.user).first()
        if seed is None:
            raise NotFound("No such lab seed.")
        return seed

    @extend_schema(summary="Keep a lab seed", request=None, responses=LabSeedOutput)
    def post(self, request: Request, pk: int) -> Response:
        seed = lab_services.keep_lab_seed(seed=self._own(request, pk), by=request.user)
        return Response(LabSeedOutput(seed, context={"request": request}).data)

    @extend_schema(summary="Unkeep a lab seed", request=None, responses=LabSeedOutput)
    def delete(self, request: Request, pk: int) -> Response:
        seed = lab_services.unkeep_lab_seed(
            seed=self._own(request, pk), by=request.user
        )
        return Response(LabSeedOutput(seed, context={"request": request}).data)


class LabSeedListApi(APIView):
    """The seeds one kept in the lab, last kept first, in cursor pages."""

    permission_classes = [IsAuthenticated]
    pagination_class = cursor_page("-kept_at", "-id")

    @extend_schema(summary="List my lab seeds", responses=LabSeedOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            self,
            lab_selectors.kept_lab_seeds(user=request.user),
            lambda page: (
                LabSeedOutput(page, many=True, context={"request": request}).data
            ),
        )
