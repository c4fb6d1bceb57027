from django.urls import path

from gallery import api, views

app_name = "gallery"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("search/", views.search_results, name="search"),
    path("tags/<slug:name>/", views.tag, name="tag"),
    path("art/<int:pk>/", views.artwork, name="artwork"),
    path("art/<int:pk>/like/", views.like, name="like"),
    path("art/<int:pk>/unlike/", views.unlike, name="unlike"),
    path("art/<int:pk>/download/", views.download, name="download"),
    path("art/<int:pk>/provenance.json", views.provenance, name="provenance"),
    path("art/<int:pk>/provenance/", views.provenance_page, name="provenance-page"),
    # Submission files in private storage (art_tasks/storage.py PRIVATE_URL).
    path("files/<path:name>", views.submission_file, name="submission-file"),
    path("collections/", views.collection_list, name="collections"),
    path(
        "art/<int:pk>/collections/",
        views.collection_picker,
        name="collection-picker",
    ),
    path("collections/new/", views.collection_new, name="collection-new"),
    path("collections/mine/", views.my_collections, name="my-collections"),
    path("collections/<slug:slug>/", views.collection, name="collection"),
    path(
        "collections/<slug:slug>/edit/", views.collection_edit, name="collection-edit"
    ),
    path(
        "collections/<slug:slug>/delete/",
        views.collection_delete,
        name="collection-delete",
    ),
]

api_urlpatterns = [
    path("gallery/", api.GalleryListApi.as_view(), name="gallery"),
    path("search/", api.SearchApi.as_view(), name="search"),
    path("submissions/<int:pk>/like/", api.LikeApi.as_view(), name="like"),
    path(
        "submissions/<int:pk>/provenance/",
        api.ProvenanceApi.as_view(),
        name="provenance",
    ),
    path("collections/", api.CollectionListApi.as_view(), name="collection-list"),
    path(
        "collections/mine/", api.MyCollectionListApi.as_view(), name="collection-mine"
    ),
    path(
        "collections/<slug:slug>/",
        api.CollectionDetailApi.as_view(),
        name="collection-detail",
    ),
    path(
        "collections/<slug:slug>/works/",
        api.CollectionWorksApi.as_view(),
        name="collection-works",
    ),
    path(
        "collections/<slug:slug>/works/<int:pk>/",
        api.CollectionWorkApi.as_view(),
        name="collection-work",
    ),
]
