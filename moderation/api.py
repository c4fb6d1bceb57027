"""API of moderation: reports, the reports queue, hide, restore, the audit log."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks.models import Submission
from core.api import FileUrlField, cursor_page, paginated_response
from core.roles import is_moderator
from moderation import selectors, services
from moderation.models import Report


class IsModerator(BasePermission):
    """Curators and staff."""

    message = "Only curators and staff can moderate work."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_moderator(request.user)


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    reporter = serializers.CharField(source="reporter.username")
    reason = serializers.CharField()
    details = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class ActionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    title = serializers.CharField(source="submission.title")
    artist = serializers.CharField(source="submission.artist.username")
    actor = serializers.CharField(source="actor.username")
    action = serializers.CharField()
    reason = serializers.CharField()
    report = serializers.IntegerField(source="report_id", allow_null=True)
    previous_state = serializers.CharField()
    submission_state = serializers.CharField(source="submission.state")
    created_at = serializers.DateTimeField()


class ModeratedWorkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    artist = serializers.CharField(source="artist.username")
    state = serializers.CharField()
    thumbnail = FileUrlField()


class ReportCreateApi(APIView):
    """Report a work in the gallery that breaks the rules."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "report"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReportCreateInput"

        reason = serializers.ChoiceField(choices=Report.Reason.choices)
        details = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        summary="Report a work", request=InputSerializer, responses={201: ReportOutput}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_work(
            submission=get_object_or_404(Submission, pk=pk),
            reporter=request.user,
            **data.validated_data,
        )
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)


class ReportQueueApi(APIView):
    """Works with open reports, most reported first, in cursor pages (moderators)."""

    permission_classes = [IsModerator]
    pagination_class = cursor_page("-open_reports", "first_reported_at", "id")

    class OutputSerializer(ModeratedWorkOutput):
        class Meta:
            ref_name = "ReportQueueOutput"

        open_reports = serializers.IntegerField()
        first_reported_at = serializers.DateTimeField()
        reports = ReportOutput(many=True, source="open_report_list")

    @extend_schema(summary="List reported works", responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            self,
            selectors.report_queue(),
            lambda page: (
                self.OutputSerializer(
                    page, many=True, context={"request": request}
                ).data
            ),
        )


class HiddenWorkListApi(APIView):
    """Hidden works, most recently hidden first, in cursor pages (moderators)."""

    permission_classes = [IsModerator]
    pagination_class = cursor_page("-hidden_at", "-id")

    class OutputSerializer(ModeratedWorkOutput):
        class Meta:
            ref_name = "HiddenWorkListOutput"

        hidden_at = serializers.DateTimeField()
        hidden_by = serializers.CharField()
        hidden_reason = serializers.CharField()

    @extend_schema(summary="List hidden works", responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            self,
            selectors.hidden_works(),
            lambda page: (
                self.OutputSerializer(
                    page, many=True, context={"request": request}
                ).data
            ),
        )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SubmissionHideApi(APIView):
    """Hide a work from the gallery, the API and artist pages at once."""

    permission_classes = [IsModerator]

    class InputSerializer(ReasonInput):
        class Meta:
            ref_name = "SubmissionHideInput"

        report = serializers.IntegerField(
            required=False, help_text="The report that led to this, if any."
        )

    @extend_schema(
        summary="Hide a work", request=InputSerializer, responses={201: ActionOutput}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report_id = data.validated_data.get("report")
        action = services.hide_work(
            submission=get_object_or_404(Submission, pk=pk),
            actor=request.user,
            reason=data.validated_data["reason"],
            report=get_object_or_404(Report, pk=report_id) if report_id else None,
        )
        return Response(ActionOutput(action).data, status=status.HTTP_201_CREATED)


class SubmissionRestoreApi(APIView):
    """Return a hidden work to where it was before it was hidden."""

    permission_classes = [IsModerator]

    @extend_schema(
        summary="Restore a hidden work",
        request=ReasonInput,
        responses={201: ActionOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = services.restore_work(
            submission=get_object_or_404(Submission, pk=pk),
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(ActionOutput(action).data, status=status.HTTP_201_CREATED)


class ReportDismissApi(APIView):
    """Close a report and keep the work in the gallery."""

    permission_classes = [IsModerator]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReportDismissInput"

        reason = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        summary="Dismiss a report",
        request=InputSerializer,
        responses={201: ActionOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = services.dismiss_report(
            report=get_object_or_404(Report, pk=pk),
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(ActionOutput(action).data, status=status.HTTP_201_CREATED)


class LogPagination(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")


class ModerationLogApi(APIView):
    """The audit log of every hide, restore and dismissal (curators, staff)."""

    permission_classes = [IsModerator]
    pagination_class = LogPagination

    @extend_schema(summary="Read the moderation log", responses=ActionOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.moderation_log(), request, view=self
        )
        return paginator.get_paginated_response(ActionOutput(page, many=True).data)
