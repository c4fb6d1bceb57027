"""API of accounts: artists, follows, the leaderboard, notifications, tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.fields import empty
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import selectors
from accounts.services import (
    issue_token,
    revoke_token,
    rotate_token,
    set_email_notifications,
)
from accounts.services.tokens import IssuedToken
from core.errors import NotAllowed


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
