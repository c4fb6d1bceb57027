from django.urls import path

from . import api, views

app_name = "gallery"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("art/<int:pk>/", views.artwork, name="artwork"),
    path("curate/", views.curate, name="curate"),
    path("curate/<int:pk>/vote/", views.vote, name="vote"),
]

api_urlpatterns = [
    path("gallery/", api.GalleryListApi.as_view(), name="gallery"),
    path("review/next/", api.ReviewNextApi.as_view(), name="review-next"),
    path("submissions/<int:pk>/votes/", api.VoteCastApi.as_view(), name="vote-cast"),
]
