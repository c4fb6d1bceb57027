"""API of community: artists, follows, the leaderboard, notifications, comments."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.models import User
from art_tasks.models import Submission
from art_tasks.selectors import can_see_submission
from community import selectors
from community.models import Comment
from community.services import (
    delete_comment,
    edit_comment,
    follow_artist,
    mark_notifications_read,
    post_comment,
    report_comment,
    unfollow_artist,
)
from core.api import cursor_page, paginated_response
from gallery.api import CardFormatter, GalleryPageOutput
from moderation.models import Report


class ArtistOutput(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(source="shown_name")
    bio = serializers.CharField()
    avatar = serializers.ImageField(
        allow_null=True, help_text="A 256 px square WebP, or null."
    )
    date_joined = serializers.DateTimeField()
    reputation = serializers.IntegerField(source="standing.points")
    rank = serializers.IntegerField(
        source="standing.rank",
        allow_null=True,
        help_text="Place by all-time reputation; null without points.",
    )
    accepted_works = serializers.IntegerField(source="standing.accepted")
    reviews = serializers.IntegerField(source="standing.reviews")
    followers = serializers.IntegerField(source="standing.followers")
    following = serializers.BooleanField(
        source="standing.following", help_text="Whether you follow this artist."
    )


class ArtistDetailApi(APIView):
    permission_classes: list = []

    @extend_schema(summary="Show an artist", responses=ArtistOutput)
    def get(self, request: Request, username: str) -> Response:
        artist = get_object_or_404(User, username=username, is_active=True)
        artist.standing = selectors.artist_standing(artist=artist, viewer=request.user)
        return Response(ArtistOutput(artist).data)


class ArtistFollowApi(APIView):
    """Follow an artist (POST) to hear about their new work; stop (DELETE)."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ArtistFollowOutput"

        artist = serializers.CharField()
        following = serializers.BooleanField()

    @extend_schema(
        summary="Follow an artist", request=None, responses={201: OutputSerializer}
    )
    def post(self, request: Request, username: str) -> Response:
        artist = get_object_or_404(User, username=username, is_active=True)
        follow_artist(follower=request.user, artist=artist)
        data = {"artist": artist.username, "following": True}
        return Response(
            self.OutputSerializer(data).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary="Unfollow an artist", request=None, responses={204: None})
    def delete(self, request: Request, username: str) -> Response:
        artist = get_object_or_404(User, username=username, is_active=True)
        unfollow_artist(follower=request.user, artist=artist)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedApi(APIView):
    """New accepted work by the artists you follow, newest accepted first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Read your Following feed",
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=GalleryPageOutput,
    )
    def get(self, request: Request) -> Response:
        size = request.query_params.get("page_size", "")
        page = selectors.following_rows(
            user=request.user,
            cursor=request.query_params.get("cursor") or None,
            size=int(size) if size.isdecimal() else None,
        )
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", page.next_cursor
            )
        card = CardFormatter(request).card
        results = [card(row) for row in page.items]
        return Response({"next": next_url, "previous": None, "results": results})


class LeaderboardApi(APIView):
    """The top contributors or curators this week, this month or of all time."""

    permission_classes: list = []

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LeaderboardOutput"

        rank = serializers.IntegerField()
        username = serializers.CharField(source="user.username")
        display_name = serializers.CharField(source="user.shown_name")
        points = serializers.IntegerField()
        count = serializers.IntegerField(
            help_text="Accepted works (contributors) or reviews (curators) "
            "in the period."
        )

    @extend_schema(
        summary="Show the leaderboard",
        parameters=[
            OpenApiParameter("board", OpenApiTypes.STR, enum=list(selectors.BOARDS)),
            OpenApiParameter("period", OpenApiTypes.STR, enum=list(selectors.PERIODS)),
        ],
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        board = request.query_params.get("board", "contributors")
        period = request.query_params.get("period", "week")
        if board not in selectors.BOARDS or period not in selectors.PERIODS:
            raise serializers.ValidationError(
                {
                    "board": f"Choose a board ({', '.join(selectors.BOARDS)}) and a "
                    f"period ({', '.join(selectors.PERIODS)})."
                }
            )
        rows = selectors.leaderboard(board=board, period=period)
        return Response(self.OutputSerializer(rows, many=True).data)


class NotificationPagination(CursorPagination):
    page_size = 30
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    read = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_read(self, notification) -> bool:  # noqa: ANN001
        return notification.read_at is not None


class NotificationListApi(APIView):
    """My notifications, newest first (`?unread=true` for unread only)."""

    permission_classes = [IsAuthenticated]
    pagination_class = NotificationPagination

    @extend_schema(
        summary="List my notifications",
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL),
            OpenApiParameter("cursor", OpenApiTypes.STR),
        ],
        responses=NotificationOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.inbox(user=request.user)
        if request.query_params.get("unread") in ("1", "true", "yes"):
            qs = qs.filter(read_at__isnull=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            NotificationOutput(page, many=True).data
        )


class UnreadCountOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationUnreadCountApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Count my unread notifications", responses=UnreadCountOutput)
    def get(self, request: Request) -> Response:
        count = selectors.unread_count(user=request.user)
        return Response(UnreadCountOutput({"unread": count}).data)


class NotificationReadApi(APIView):
    """Mark my notifications read: those in `ids`, or all when it is left out."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationReadInput"

        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            max_length=500,
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationReadOutput"

        marked = serializers.IntegerField()
        unread = serializers.IntegerField()

    @extend_schema(
        summary="Mark notifications read",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = mark_notifications_read(
            user=request.user, ids=data.validated_data.get("ids")
        )
        unread = selectors.unread_count(user=request.user)
        return Response(
            self.OutputSerializer({"marked": marked, "unread": unread}).data
        )


# Comments ---------------------------------------------------------------------


class CommentOutput(serializers.Serializer):
    """One comment as `viewer` may see it: a removed one has no text."""

    class Meta:
        ref_name = "CommentOutput"

    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    parent = serializers.IntegerField(
        source="parent_id",
        allow_null=True,
        help_text="The top-level comment a reply belongs to; null at the top.",
    )
    author = serializers.CharField(source="author.username")
    author_name = serializers.CharField(source="author.shown_name")
    body = serializers.CharField(help_text="Empty when its author removed it.")
    state = serializers.ChoiceField(
        choices=Comment.State.choices,
        help_text="`hidden` only reaches its author and the moderators.",
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class CommentThreadOutput(CommentOutput):
    class Meta:
        ref_name = "CommentThreadOutput"

    replies = CommentOutput(many=True, source="shown_replies")


class CommentBodyInput(serializers.Serializer):
    class Meta:
        ref_name = "CommentBodyInput"

    body = serializers.CharField(
        max_length=Comment.MAX_LENGTH, trim_whitespace=True, allow_blank=True
    )


def _work(pk: int, viewer: User) -> Submission:
    work = get_object_or_404(Submission, pk=pk)
    if not can_see_submission(submission=work, viewer=viewer):
        raise Http404("No such artwork.")
    return work


def _comment(comment_id: int, viewer: User) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("submission", "author"), pk=comment_id
    )
    if not selectors.can_see_comment(comment=comment, viewer=viewer):
        raise Http404("No such comment.")
    return comment


class CommentListApi(APIView):
    """A work's comment threads, oldest first (GET); post a comment (POST)."""

    pagination_class = cursor_page("created_at", "id")
    throttle_scope = "comment"

    def get_permissions(self) -> list:
        return [IsAuthenticated()] if self.request.method == "POST" else []

    class InputSerializer(CommentBodyInput):
        class Meta:
            ref_name = "CommentCreateInput"

        reply_to = serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="A comment to answer; replies join its top-level thread.",
        )

    @extend_schema(
        summary="List a work's comments",
        parameters=[OpenApiParameter("cursor", OpenApiTypes.STR)],
        responses=CommentThreadOutput(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        work = _work(pk, request.user)
        threads = selectors.comment_threads(submission=work, viewer=request.user)
        return paginated_response(
            self, threads, lambda page: CommentThreadOutput(page, many=True).data
        )

    @extend_schema(
        summary="Comment on a work",
        request=InputSerializer,
        responses={201: CommentOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        work = _work(pk, request.user)
        reply_to = None
        if data.validated_data.get("reply_to"):
            reply_to = _comment(data.validated_data["reply_to"], request.user)
        comment = post_comment(
            submission=work,
            author=request.user,
            body=data.validated_data["body"],
            reply_to=reply_to,
        )
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailApi(APIView):
    """Change one's comment within ten minutes (PATCH), or delete it (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Change my comment",
        request=CommentBodyInput,
        responses=CommentOutput,
    )
    def patch(self, request: Request, comment_id: int) -> Response:
        data = CommentBodyInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = edit_comment(
            comment=_comment(comment_id, request.user),
            author=request.user,
            body=data.validated_data["body"],
        )
        return Response(CommentOutput(comment).data)

    @extend_schema(summary="Delete my comment", request=None, responses={204: None})
    def delete(self, request: Request, comment_id: int) -> Response:
        delete_comment(comment=_comment(comment_id, request.user), author=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentReportOutput(serializers.Serializer):
    class Meta:
        ref_name = "CommentReportOutput"

    id = serializers.IntegerField()
    comment = serializers.IntegerField(source="comment_id")
    reason = serializers.CharField()
    details = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentReportApi(APIView):
    """Report a comment that breaks the rules."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "report"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CommentReportInput"

        reason = serializers.ChoiceField(choices=Report.Reason.choices)
        details = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        summary="Report a comment",
        request=InputSerializer,
        responses={201: CommentReportOutput},
    )
    def post(self, request: Request, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_comment(
            comment=_comment(comment_id, request.user),
            reporter=request.user,
            **data.validated_data,
        )
        return Response(
            CommentReportOutput(report).data, status=status.HTTP_201_CREATED
        )
