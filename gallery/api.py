"""API of the gallery, the review queue and curator votes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks.api import SubmissionOutput
from art_tasks.models import Submission

from . import selectors
from .services import cast_vote


class GalleryPagination(CursorPagination):
    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"

    def __init__(self, ordering: tuple[str, ...]) -> None:
        self.ordering = ordering


class GalleryListApi(APIView):
    """Accepted work, newest or best first, filtered by tag, task or artist."""

    permission_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("order", OpenApiTypes.STR, enum=list(selectors.ORDERS)),
            OpenApiParameter("tag", OpenApiTypes.STR),
            OpenApiParameter("task", OpenApiTypes.INT),
            OpenApiParameter("artist", OpenApiTypes.STR),
            OpenApiParameter("cursor", OpenApiTypes.STR),
        ],
        responses=SubmissionOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        order = request.query_params.get("order", "top")
        if order not in selectors.ORDERS:
            order = "top"
        task = request.query_params.get("task")
        qs = selectors.gallery_list(
            order=order,
            tag=request.query_params.get("tag") or None,
            task=int(task) if task and task.isdigit() else None,
            artist=request.query_params.get("artist") or None,
        )
        paginator = GalleryPagination(selectors.ORDERS[order])
        page = paginator.paginate_queryset(qs, request, view=self)
        data = SubmissionOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class ReviewNextApi(APIView):
    """The next submission this curator should vote on, or 204 when none."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SubmissionOutput, 204: None})
    def get(self, request: Request) -> Response:
        from .errors import NotACurator

        if not request.user.is_curator:
            raise NotACurator("Only curators have a review queue.")
        sub = selectors.next_for_review(curator=request.user)
        if sub is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(SubmissionOutput(sub, context={"request": request}).data)


class VoteCastApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(max_length=2000, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        submission = serializers.IntegerField(source="submission_id")
        score = serializers.IntegerField()
        comment = serializers.CharField()
        submission_state = serializers.CharField(source="submission.state")

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vote = cast_vote(
            submission=get_object_or_404(Submission, pk=pk),
            curator=request.user,
            **data.validated_data,
        )
        return Response(
            self.OutputSerializer(vote).data, status=status.HTTP_201_CREATED
        )
