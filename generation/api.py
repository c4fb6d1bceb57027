"""API of the generator registry and generation jobs."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import registry, selectors
from .models import GenerationJob, GeneratorModel


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

    @extend_schema(responses=OutputSerializer(many=True))
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
        error = serializers.CharField()
        seconds = serializers.FloatField(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(GenerationJob, pk=pk)
        return Response(self.OutputSerializer(job).data)
