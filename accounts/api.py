"""API of accounts: artists, the signed-in user and tokens."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import NotAllowed
from .models import User
from .services import issue_token


class ArtistOutput(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(source="shown_name")
    bio = serializers.CharField()
    accepted_works = serializers.IntegerField()
    date_joined = serializers.DateTimeField()


class ArtistDetailApi(APIView):
    permission_classes: list = []

    @extend_schema(responses=ArtistOutput)
    def get(self, request: Request, username: str) -> Response:
        from gallery.selectors import artist_works

        artist = get_object_or_404(User, username=username, is_active=True)
        artist.accepted_works = artist_works(artist=artist).count()
        return Response(ArtistOutput(artist).data)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        display_name = serializers.CharField(source="shown_name")
        is_staff = serializers.BooleanField()
        is_curator = serializers.BooleanField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)


class TokenCreateApi(APIView):
    """Exchange a username and password for an API token."""

    permission_classes: list = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(source="key")

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None:
            raise NotAllowed("Wrong username or password.", code="bad_credentials")
        return Response(self.OutputSerializer(issue_token(user=user)).data)
