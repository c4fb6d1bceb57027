from django.urls import path

from integrations import api, views

app_name = "integrations"

urlpatterns = [
    path("settings/webhooks/", views.my_webhooks, name="my-webhooks"),
    path("staff/webhooks/", views.staff_webhooks, name="staff-webhooks"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="endpoint-detail"),
    path("webhooks/<int:pk>/delete/", views.endpoint_delete, name="endpoint-delete"),
    path("webhooks/<int:pk>/resume/", views.endpoint_resume, name="endpoint-resume"),
    path("webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint-rotate"),
    path(
        "webhooks/deliveries/<int:pk>/redeliver/",
        views.delivery_redeliver,
        name="delivery-redeliver",
    ),
]

api_urlpatterns = [
    path("webhooks/endpoints/", api.EndpointListApi.as_view(), name="endpoint-list"),
    path(
        "webhooks/endpoints/<int:endpoint_id>/",
        api.EndpointDetailApi.as_view(),
        name="endpoint-detail",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/resume/",
        api.EndpointResumeApi.as_view(),
        name="endpoint-resume",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/rotate-secret/",
        api.EndpointRotateSecretApi.as_view(),
        name="endpoint-rotate-secret",
    ),
    path("webhooks/deliveries/", api.DeliveryListApi.as_view(), name="delivery-list"),
    path(
        "webhooks/deliveries/<int:delivery_id>/",
        api.DeliveryDetailApi.as_view(),
        name="delivery-detail",
    ),
    path(
        "webhooks/deliveries/<int:delivery_id>/redeliver/",
        api.DeliveryRedeliverApi.as_view(),
        name="delivery-redeliver",
    ),
]
