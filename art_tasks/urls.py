from django.urls import path

from art_tasks import api, views

app_name = "art_tasks"

urlpatterns = [
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/claim/", views.claim_create, name="claim-create"),
    path("claims/<int:pk>/release/", views.claim_release, name="claim-release"),
    path("claims/<int:pk>/submit/", views.submission_create, name="submission-create"),
    path("studio/", views.studio, name="studio"),
    path(
        "studio/submissions/",
        views.studio_submissions,
        name="studio-submissions",
    ),
]

api_urlpatterns = [
    path("tasks/<int:pk>/", api.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:pk>/claim/", api.ClaimCreateApi.as_view(), name="claim-create"),
    path("claims/", api.ClaimListApi.as_view(), name="claim-list"),
    path(
        "claims/<int:pk>/release/", api.ClaimReleaseApi.as_view(), name="claim-release"
    ),
    path(
        "claims/<int:pk>/submission/",
        api.SubmissionCreateApi.as_view(),
        name="submission-create",
    ),
    path("submissions/", api.SubmissionListApi.as_view(), name="submission-list"),
    path(
        "submissions/<int:pk>/",
        api.SubmissionDetailApi.as_view(),
        name="submission-detail",
    ),
]
