from django.urls import path

from . import api, views

app_name = "generation"

urlpatterns = [
    path("staff/status/", views.system_status, name="status"),
]

api_urlpatterns = [
    path("generators/", api.GeneratorListApi.as_view(), name="generator-list"),
    path(
        "generation-jobs/<int:pk>/",
        api.GenerationJobDetailApi.as_view(),
        name="job-detail",
    ),
]
