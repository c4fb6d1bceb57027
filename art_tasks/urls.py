from django.urls import path

from art_tasks import api, views

app_name = "art_tasks"

urlpatterns = [
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/claim/", views.claim_create, name="claim-create"),
    path("claims/<int:pk>/release/", views.claim_release, name="claim-release"),
    path("claims/<int:pk>/submit/", views.submission_create, name="submission-create"),
    path("claims/<int:pk>/extend/", views.claim_extend, name="claim-extend"),
    path("tasks/<int:pk>/deadline/", views.task_deadline, name="task-deadline"),
    path("drafts/<int:pk>/submit/", views.draft_submit, name="draft-submit"),
    path("drafts/<int:pk>/discard/", views.draft_discard, name="draft-discard"),
    path("drafts/<int:pk>/file/", views.draft_file, name="draft-file"),
    path("studio/", views.studio, name="studio"),
    path(
        "studio/submissions/",
        views.studio_submissions,
        name="studio-submissions",
    ),
    path("claims/<int:pk>/tools/", views.studio_tools, name="studio-tools"),
    path(
        "claims/<int:pk>/tools/render/",
        views.studio_tools_render,
        name="studio-tools-render",
    ),
    path("studio/renders/<int:pk>/", views.studio_render, name="studio-render"),
    path(
        "studio/renders/<int:pk>/<str:part>/",
        views.studio_render_file,
        name="studio-render-file",
    ),
]

api_urlpatterns = [
    path("tasks/<int:pk>/", api.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:pk>/claim/", api.ClaimCreateApi.as_view(), name="claim-create"),
    path("claims/", api.ClaimListApi.as_view(), name="claim-list"),
    path(
        "claims/<int:pk>/release/", api.ClaimReleaseApi.as_view(), name="claim-release"
    ),
    path("claims/<int:pk>/extend/", api.ClaimExtendApi.as_view(), name="claim-extend"),
    path(
        "tasks/<int:pk>/deadline/",
        api.TaskDeadlineApi.as_view(),
        name="task-deadline",
    ),
    path("drafts/", api.DraftListApi.as_view(), name="draft-list"),
    path("drafts/<int:pk>/submit/", api.DraftSubmitApi.as_view(), name="draft-submit"),
    path(
        "claims/<int:pk>/submission/",
        api.SubmissionCreateApi.as_view(),
        name="submission-create",
    ),
    path(
        "claims/<int:pk>/renders/",
        api.StudioRenderCreateApi.as_view(),
        name="studio-render-create",
    ),
    path(
        "renders/<int:pk>/",
        api.StudioRenderDetailApi.as_view(),
        name="studio-render-detail",
    ),
    path("submissions/", api.SubmissionListApi.as_view(), name="submission-list"),
    path(
        "submissions/<int:pk>/",
        api.SubmissionDetailApi.as_view(),
        name="submission-detail",
    ),
]
