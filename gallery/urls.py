from django.urls import path

from . import api, moderation_api, moderation_views, views

app_name = "gallery"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("art/<int:pk>/", views.artwork, name="artwork"),
    path("art/<int:pk>/like/", views.like, name="like"),
    path("art/<int:pk>/unlike/", views.unlike, name="unlike"),
    path("art/<int:pk>/download/", views.download, name="download"),
    path("art/<int:pk>/provenance.json", views.provenance, name="provenance"),
    # Submission files in private storage (art_tasks/storage.py PRIVATE_URL).
    path("files/<path:name>", views.submission_file, name="submission-file"),
    path("curate/", views.curate, name="curate"),
    path("curate/<int:pk>/vote/", views.vote, name="vote"),
    path("curate/<int:pk>/skip/", views.skip, name="skip"),
    path("curate/skipped/reset/", views.reset_skipped, name="reset-skipped"),
    path("collections/", views.collection_list, name="collections"),
    path("collections/new/", views.collection_new, name="collection-new"),
    path("collections/<slug:slug>/", views.collection, name="collection"),
    path(
        "collections/<slug:slug>/edit/", views.collection_edit, name="collection-edit"
    ),
    # Moderation (gallery/moderation_views.py)
    path("art/<int:pk>/report/", moderation_views.report_create, name="report"),
    path("moderation/", moderation_views.queue, name="moderation"),
    path("moderation/log/", moderation_views.log, name="moderation-log"),
    path(
        "moderation/works/<int:pk>/hide/",
        moderation_views.hide,
        name="moderation-hide",
    ),
    path(
        "moderation/works/<int:pk>/restore/",
        moderation_views.restore,
        name="moderation-restore",
    ),
    path(
        "moderation/reports/<int:pk>/dismiss/",
        moderation_views.dismiss,
        name="moderation-dismiss",
    ),
]

api_urlpatterns = [
    path("gallery/", api.GalleryListApi.as_view(), name="gallery"),
    path("review/next/", api.ReviewNextApi.as_view(), name="review-next"),
    path(
        "submissions/<int:pk>/votes/",
        api.SubmissionVotesApi.as_view(),
        name="vote-cast",
    ),
    path("submissions/<int:pk>/like/", api.LikeApi.as_view(), name="like"),
    path(
        "submissions/<int:pk>/provenance/",
        api.ProvenanceApi.as_view(),
        name="provenance",
    ),
    path("collections/", api.CollectionListApi.as_view(), name="collection-list"),
    path(
        "collections/<slug:slug>/",
        api.CollectionDetailApi.as_view(),
        name="collection-detail",
    ),
    # Moderation (gallery/moderation_api.py)
    path(
        "submissions/<int:pk>/reports/",
        moderation_api.ReportCreateApi.as_view(),
        name="report-create",
    ),
    path(
        "submissions/<int:pk>/hide/",
        moderation_api.SubmissionHideApi.as_view(),
        name="submission-hide",
    ),
    path(
        "submissions/<int:pk>/restore/",
        moderation_api.SubmissionRestoreApi.as_view(),
        name="submission-restore",
    ),
    path(
        "reports/<int:pk>/dismiss/",
        moderation_api.ReportDismissApi.as_view(),
        name="report-dismiss",
    ),
    path(
        "moderation/reports/",
        moderation_api.ReportQueueApi.as_view(),
        name="moderation-reports",
    ),
    path(
        "moderation/hidden/",
        moderation_api.HiddenWorkListApi.as_view(),
        name="moderation-hidden",
    ),
    path(
        "moderation/log/",
        moderation_api.ModerationLogApi.as_view(),
        name="moderation-log",
    ),
]
