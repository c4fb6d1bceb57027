"""API of the gallery: pages, likes, provenance and collections."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from art_tasks.api import SubmissionOutput
from art_tasks.colours import FAMILIES
from art_tasks.models import License, Submission
from art_tasks.selectors import visible_submission
from core.api import FileUrlField
from gallery import selectors
from gallery.errors import CollectionNotFound
from gallery.models import Collection
from gallery.services import like_work, unlike_work


class GalleryWorkOutput(SubmissionOutput):
    """A gallery card: the submission plus its ranks and the viewer's like."""

    url = serializers.SerializerMethodField()
    artist_name = serializers.CharField(source="artist.shown_name")
    like_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    liked = serializers.BooleanField(
        default=False, help_text="Whether the signed-in viewer likes the work."
    )
    rank_top = serializers.FloatField(help_text="Bayesian average score.")
    rank_popular = serializers.FloatField(help_text="Wilson lower bound of likes.")
    trend_score = serializers.FloatField()
    discover_rank = serializers.IntegerField(allow_null=True)
    colour_family = serializers.CharField()

    def get_url(self, submission: Submission) -> str:
        request = self.context.get("request")
        url = submission.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class GalleryPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = GalleryWorkOutput(many=True)


class GalleryListApi(APIView):
    """Accepted work in one of five orders, filtered, one cursor page at a time."""

    permission_classes: list = []

    @extend_schema(
        summary="Browse the gallery",
        parameters=[
            OpenApiParameter("order", OpenApiTypes.STR, enum=list(selectors.ORDERS)),
            OpenApiParameter("tag", OpenApiTypes.STR),
            OpenApiParameter("task", OpenApiTypes.INT),
            OpenApiParameter("artist", OpenApiTypes.STR, description="username"),
            OpenApiParameter("license", OpenApiTypes.STR, enum=License.values),
            OpenApiParameter(
                "colour", OpenApiTypes.STR, enum=[name for name, _ in FAMILIES]
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=GalleryPageOutput,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        size = params.get("page_size", "")
        page = selectors.gallery_page(
            query=selectors.GalleryQuery.from_params(params),
            cursor=params.get("cursor") or None,
            size=int(size) if size.isdecimal() else None,
            viewer=request.user,
        )
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", page.next_cursor
            )
        results = GalleryWorkOutput(
            page.items, many=True, context={"request": request}
        ).data
        return Response({"next": next_url, "previous": None, "results": results})


class LikeOutput(serializers.Serializer):
    submission = serializers.IntegerField(source="pk")
    like_count = serializers.IntegerField()
    liked = serializers.BooleanField()


class LikeApi(APIView):
    """Like (POST) or unlike (DELETE) an accepted work."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "like"

    @extend_schema(summary="Like a work", request=None, responses=LikeOutput)
    def post(self, request: Request, pk: int) -> Response:
        work = like_work(
            submission=get_object_or_404(Submission, pk=pk), user=request.user
        )
        work.liked = True
        return Response(LikeOutput(work).data)

    @extend_schema(summary="Unlike a work", request=None, responses={200: LikeOutput})
    def delete(self, request: Request, pk: int) -> Response:
        work = unlike_work(
            submission=get_object_or_404(Submission, pk=pk), user=request.user
        )
        work.liked = False
        return Response(LikeOutput(work).data)


class ProvenanceApi(APIView):
    """Where a work came from: seed recipe, task, artist, hashes and decision."""

    permission_classes: list = []

    @extend_schema(summary="Show where a work came from", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        submission = visible_submission(pk=pk, viewer=request.user)
        base = request.build_absolute_uri("/").rstrip("/")
        return Response(
            selectors.provenance(
                submission=submission, viewer=request.user, base_url=base
            )
        )


class CollectionOutput(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    statement = serializers.CharField()
    url = serializers.SerializerMethodField()
    cover = FileUrlField(source="public_cover.thumbnail", allow_null=True)
    work_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    def get_url(self, collection: Collection) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(collection.get_absolute_url())


class CollectionListApi(APIView):
    """Published collections, newest first."""

    permission_classes: list = []

    @extend_schema(summary="List collections", responses=CollectionOutput(many=True))
    def get(self, request: Request) -> Response:
        collections = selectors.collection_list()
        return Response(
            CollectionOutput(collections, many=True, context={"request": request}).data
        )


class CollectionDetailApi(APIView):
    """One collection with its works in the curators' order."""

    permission_classes: list = []

    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        statement = serializers.CharField()
        cover = serializers.IntegerField(source="public_cover.pk", allow_null=True)
        curated_by = serializers.CharField(source="curated_by.shown_name")
        works = serializers.SerializerMethodField()

        def get_works(self, collection: Collection) -> list[dict]:
            works = [item.submission for item in collection.ordered_items]
            return GalleryWorkOutput(works, many=True, context=self.context).data

    @extend_schema(summary="Show a collection", responses=OutputSerializer)
    def get(self, request: Request, slug: str) -> Response:
        try:
            collection = selectors.collection_detail(slug=slug, viewer=request.user)
        except Collection.DoesNotExist as exc:
            raise CollectionNotFound("No such collection.") from exc
        return Response(
            self.OutputSerializer(collection, context={"request": request}).data
        )
