"""API of accounts: artists, follows, the leaderboard, notifications, tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.fields import empty
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from . import selectors
from .errors import NotAllowed
from .models import User
from .services import (
    follow_artist,
    issue_token,
    mark_notifications_read,
    revoke_token,
    rotate_token,
    set_email_notifications,
    unfollow_artist,
)
from .services.tokens import IssuedToken


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


class RequiredBooleanField(serializers.BooleanField):
    """A boolean a form body must send too (DRF reads a missing one as false)."""

    default_empty_html = empty


class MePreferencesApi(APIView):
    """My preferences: whether notifications also come by e-mail."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MePreferencesInput"

        email_notifications = RequiredBooleanField()

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MePreferencesOutput"

        email_notifications = serializers.BooleanField()

    @extend_schema(summary="Show my preferences", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)

    @extend_schema(
        summary="Change my preferences",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = set_email_notifications(
            user=request.user, enabled=data.validated_data["email_notifications"]
        )
        return Response(self.OutputSerializer(user).data)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MeOutput"

        username = serializers.CharField()
        display_name = serializers.CharField(source="shown_name")
        is_staff = serializers.BooleanField()
        is_curator = serializers.BooleanField()
        reputation = serializers.IntegerField()
        email_notifications = serializers.BooleanField()

    @extend_schema(summary="Show my account", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)


class TokenIpThrottle(SimpleRateThrottle):
    """Token requests per client address (ATELIER_TOKEN_RATE_IP)."""

    scope = "token_ip"

    def get_rate(self) -> str:
        return settings.ATELIER_TOKEN_RATE_IP

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class TokenAccountThrottle(SimpleRateThrottle):
    """Token requests per username asked for (ATELIER_TOKEN_RATE_ACCOUNT).

    Keyed on the submitted name, so guessing one person's password from many
    addresses is slowed as much as from one.
    """

    scope = "token_account"

    def get_rate(self) -> str:
        return settings.ATELIER_TOKEN_RATE_ACCOUNT

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str) or not username.strip():
            return None  # the input check answers 400; the IP limit still counts
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenOutput(serializers.Serializer):
    id = serializers.IntegerField(source="token.id")
    name = serializers.CharField(source="token.name")
    prefix = serializers.CharField(
        source="token.prefix", help_text="The secret's first characters."
    )
    token = serializers.CharField(
        source="secret",
        help_text="The secret, shown only in this response: store it now.",
    )
    created_at = serializers.DateTimeField(source="token.created_at")


class TokenListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The secret's first characters.")
    created_at = serializers.DateTimeField()
    rotated_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text="Last request made with it (to the minute)."
    )


class MeTokenListApi(APIView):
    """List my API tokens (GET) or make a named one (POST; the secret once)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MeTokenCreateInput"

        name = serializers.CharField(max_length=80)

    @extend_schema(responses=TokenListOutput(many=True))
    def get(self, request: Request) -> Response:
        tokens = selectors.api_tokens(user=request.user)
        return Response(TokenListOutput(tokens, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: TokenOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = issue_token(user=request.user, name=data.validated_data["name"])
        return Response(TokenOutput(issued).data, status=status.HTTP_201_CREATED)


class MeTokenDetailApi(APIView):
    """Revoke one of my API tokens: its secret stops working at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        revoke_token(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeTokenRotateApi(APIView):
    """Give one of my tokens a new secret (shown once); the old one stops."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=TokenOutput)
    def post(self, request: Request, token_id: int) -> Response:
        issued = rotate_token(user=request.user, token_id=token_id)
        return Response(TokenOutput(issued).data)


class TokenCreateApi(APIView):
    """Exchange a username (or e-mail) and password for a new API token.

    The credentials are the whole authentication: no session (whose CSRF
    check would refuse a client that also carries a session cookie) and no
    token. Limited per client address and per username; past the limit the
    answer is 429 with a `Retry-After` header.
    """

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [TokenIpThrottle, TokenAccountThrottle]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenCreateInput"

        username = serializers.CharField(help_text="Username or e-mail address.")
        password = serializers.CharField(style={"input_type": "password"})
        name = serializers.CharField(
            max_length=80,
            required=False,
            default="API token",
            help_text="What the token is for; shown in your token list.",
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenCreateOutput"

        token = serializers.CharField(source="secret")
        id = serializers.IntegerField(source="token.id")
        name = serializers.CharField(source="token.name")

    def throttled(self, request: Request, wait: float | None) -> None:
        raise exceptions.Throttled(
            wait,
            detail="Too many sign-in attempts. Wait a moment before trying again.",
        )

    @extend_schema(
        summary="Get an API token", request=InputSerializer, responses=OutputSerializer
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            raise NotAllowed("Wrong username or password.", code="bad_credentials")
        issued: IssuedToken = issue_token(user=user, name=data.validated_data["name"])
        return Response(self.OutputSerializer(issued).data)
