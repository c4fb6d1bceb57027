"""API of integrations: webhook endpoints, their deliveries, re-sending.

Staff manage every endpoint; anyone else manages their own, which report
events about their own works only. Someone else's endpoint or delivery
answers 404. The payload of every event type is described in the schema
(`WebhookPayload`), and in docs/webhooks.md.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import cursor_page, paginated_response
from integrations import schemas, selectors
from integrations.models import Delivery, Endpoint, EventType
from integrations.services import (
    create_endpoint,
    delete_endpoint,
    redeliver,
    resume_endpoint,
    rotate_endpoint_secret,
    update_endpoint,
)


class EndpointOutput(serializers.Serializer):
    class Meta:
        ref_name = "WebhookEndpoint"

    id = serializers.IntegerField()
    url = serializers.URLField()
    description = serializers.CharField()
    scope = serializers.ChoiceField(choices=Endpoint.Scope.choices)
    owner = serializers.CharField(source="owner.username")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices)
    )
    is_active = serializers.BooleanField()
    paused_at = serializers.DateTimeField(allow_null=True)
    paused_reason = serializers.CharField()
    consecutive_failures = serializers.IntegerField()
    secret_hint = serializers.CharField(help_text="The secret's first characters.")
    created_at = serializers.DateTimeField()


class EndpointSecretOutput(EndpointOutput):
    class Meta:
        ref_name = "WebhookEndpointWithSecret"

    secret = serializers.CharField(
        help_text="Signs every delivery. Shown only here: keep it safe."
    )


class EndpointInput(serializers.Serializer):
    class Meta:
        ref_name = "WebhookEndpointInput"

    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    is_active = serializers.BooleanField(required=False, default=True)


class AttemptOutput(serializers.Serializer):
    class Meta:
        ref_name = "WebhookAttempt"

    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    response_excerpt = serializers.CharField(help_text="At most 1 KB of the body.")
    error = serializers.CharField()
    succeeded = serializers.BooleanField()


PAYLOAD = PolymorphicProxySerializer(
    component_name="WebhookPayload",
    serializers=schemas.PAYLOADS,
    resource_type_field_name="type",
)


@extend_schema_field(PAYLOAD)
class PayloadField(serializers.Field):
    def to_representation(self, value):  # noqa: ANN001, ANN201
        return value.payload()


class DeliveryOutput(serializers.Serializer):
    class Meta:
        ref_name = "WebhookDelivery"

    id = serializers.IntegerField()
    delivery_id = serializers.UUIDField(
        source="uid", help_text="Sent as X-Atelier-Delivery."
    )
    endpoint = serializers.IntegerField(source="endpoint_id")
    event_id = serializers.UUIDField(source="event.uid")
    event_type = serializers.CharField(source="event.type")
    state = serializers.CharField(
        help_text="`pending` (on its way or waiting to retry), `delivered` or `failed`."
    )
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    last_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    redelivery_of = serializers.IntegerField(source="redelivery_of_id", allow_null=True)
    created_at = serializers.DateTimeField()


class DeliveryDetailOutput(DeliveryOutput):
    class Meta:
        ref_name = "WebhookDeliveryDetail"

    payload = PayloadField(source="event", help_text="The body as sent.")
    attempts = AttemptOutput(many=True, source="attempts.all")


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


class EndpointListApi(APIView):
    """List the webhooks I manage (GET) or register one (POST; secret once)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="List webhook endpoints", responses=EndpointOutput(many=True)
    )
    def get(self, request: Request) -> Response:
        endpoints = selectors.endpoints_for(user=request.user)
        return Response(EndpointOutput(endpoints, many=True).data)

    @extend_schema(
        summary="Register a webhook endpoint",
        request=EndpointInput,
        responses={201: EndpointSecretOutput},
    )
    def post(self, request: Request) -> Response:
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = create_endpoint(
            owner=request.user,
            url=data.validated_data["url"],
            events=data.validated_data["events"],
            description=data.validated_data["description"],
        )
        return Response(
            EndpointSecretOutput(endpoint).data, status=status.HTTP_201_CREATED
        )


class EndpointDetailApi(APIView):
    """Show, change or delete one webhook endpoint."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Show a webhook endpoint", responses=EndpointOutput)
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.endpoint_for(user=request.user, pk=endpoint_id)
        return Response(EndpointOutput(endpoint).data)

    @extend_schema(
        summary="Change a webhook endpoint",
        request=EndpointInput,
        responses=EndpointOutput,
    )
    def put(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.endpoint_for(user=request.user, pk=endpoint_id)
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = update_endpoint(
            endpoint=endpoint, by=request.user, **data.validated_data
        )
        return Response(EndpointOutput(endpoint).data)

    @extend_schema(summary="Delete a webhook endpoint", responses={204: None})
    def delete(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.endpoint_for(user=request.user, pk=endpoint_id)
        delete_endpoint(endpoint=endpoint, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointResumeApi(APIView):
    """Un-pause an endpoint; its pending deliveries are sent at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Resume a paused webhook", request=None, responses=EndpointOutput
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.endpoint_for(user=request.user, pk=endpoint_id)
        endpoint = resume_endpoint(endpoint=endpoint, by=request.user)
        return Response(EndpointOutput(endpoint).data)


class EndpointRotateSecretApi(APIView):
    """Give an endpoint a new secret (shown once); the old one stops signing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Rotate a webhook's secret",
        request=None,
        responses=EndpointSecretOutput,
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.endpoint_for(user=request.user, pk=endpoint_id)
        endpoint = rotate_endpoint_secret(endpoint=endpoint, by=request.user)
        return Response(EndpointSecretOutput(endpoint).data)


class DeliveryListApi(APIView):
    """The deliveries of the endpoints I manage, newest first."""

    permission_classes = [IsAuthenticated]
    pagination_class = cursor_page("-created_at", "-id")

    @extend_schema(
        summary="List webhook deliveries",
        parameters=[
            OpenApiParameter("endpoint", OpenApiTypes.INT),
            OpenApiParameter("state", OpenApiTypes.STR, enum=Delivery.State.values),
            OpenApiParameter("event_type", OpenApiTypes.STR, enum=EventType.values),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=DeliveryOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        deliveries = selectors.deliveries_for(
            user=request.user,
            endpoint_id=_int_param(request, "endpoint"),
            state=request.query_params.get("state"),
            event_type=request.query_params.get("event_type"),
        )
        return paginated_response(
            self, deliveries, lambda page: DeliveryOutput(page, many=True).data
        )


class DeliveryDetailApi(APIView):
    """One delivery with its payload and every attempt."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Show a webhook delivery", responses=DeliveryDetailOutput)
    def get(self, request: Request, delivery_id: int) -> Response:
        delivery = selectors.delivery_for(user=request.user, pk=delivery_id)
        return Response(DeliveryDetailOutput(delivery).data)


class DeliveryRedeliverApi(APIView):
    """Send a delivery's event again, as a new delivery (same event id)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Re-send a webhook delivery",
        request=None,
        responses={202: DeliveryOutput},
    )
    def post(self, request: Request, delivery_id: int) -> Response:
        delivery = selectors.delivery_for(user=request.user, pk=delivery_id)
        again = redeliver(delivery=delivery, by=request.user)
        return Response(DeliveryOutput(again).data, status=status.HTTP_202_ACCEPTED)
