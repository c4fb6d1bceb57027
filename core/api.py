"""API pieces every app's serializers share."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class FileUrlField(serializers.Field):
    """An absolute URL for a stored file, or null while it does not exist."""

    def __init__(self, **kwargs):  # noqa: ANN003, ANN204
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):  # noqa: ANN001, ANN201
        if not value:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(value.url) if request else value.url
