from django.urls import path

from curation import api, views

app_name = "curation"

urlpatterns = [
    path("curate/", views.curate, name="curate"),
    path("curate/count/", views.queue_count, name="queue-count"),
    path("curate/<int:pk>/vote/", views.vote, name="vote"),
    path("curate/<int:pk>/skip/", views.skip, name="skip"),
    path("curate/skipped/reset/", views.reset_skipped, name="reset-skipped"),
]

api_urlpatterns = [
    path("review/next/", api.ReviewNextApi.as_view(), name="review-next"),
    path(
        "submissions/<int:pk>/votes/",
        api.SubmissionVotesApi.as_view(),
        name="vote-cast",
    ),
]
