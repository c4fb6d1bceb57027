from django.urls import path

from moderation import api, views

app_name = "moderation"

urlpatterns = [
    path("art/<int:pk>/report/", views.report_create, name="report"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/works/<int:pk>/hide/", views.hide, name="hide"),
    path("moderation/works/<int:pk>/restore/", views.restore, name="restore"),
    path("moderation/reports/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]

api_urlpatterns = [
    path(
        "submissions/<int:pk>/reports/",
        api.ReportCreateApi.as_view(),
        name="report-create",
    ),
    path(
        "submissions/<int:pk>/hide/",
        api.SubmissionHideApi.as_view(),
        name="submission-hide",
    ),
    path(
        "submissions/<int:pk>/restore/",
        api.SubmissionRestoreApi.as_view(),
        name="submission-restore",
    ),
    path(
        "reports/<int:pk>/dismiss/",
        api.ReportDismissApi.as_view(),
        name="report-dismiss",
    ),
    path(
        "moderation/reports/",
        api.ReportQueueApi.as_view(),
        name="moderation-reports",
    ),
    path(
        "moderation/hidden/",
        api.HiddenWorkListApi.as_view(),
        name="moderation-hidden",
    ),
    path(
        "moderation/log/",
        api.ModerationLogApi.as_view(),
        name="moderation-log",
    ),
]
