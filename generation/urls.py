from django.urls import path

from generation import api, training_views, views

app_name = "generation"

urlpatterns = [
    path("staff/publish/", views.publish, name="publish"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task-progress"),
    path("staff/status/", views.system_status, name="status"),
    path("seeds/<int:pk>/", views.seed_detail, name="seed-detail"),
    path("seeds/<int:pk>/recipe.json", views.seed_recipe, name="seed-recipe"),
    path("staff/generators/", training_views.generators, name="generators"),
    path(
        "staff/generators/<int:pk>/review/",
        training_views.review,
        name="generator-review",
    ),
    path(
        "staff/generators/<int:pk>/samples/",
        training_views.paint_samples,
        name="generator-samples",
    ),
]

api_urlpatterns = [
    # Listing open tasks and publishing one (staff) share the collection.
    path("tasks/", api.TaskListApi.as_view(), name="task-list"),
    path("generators/", api.GeneratorListApi.as_view(), name="generator-list"),
    path("seeds/<int:pk>/", api.SeedDetailApi.as_view(), name="seed-detail"),
    path(
        "generation-jobs/<int:pk>/",
        api.GenerationJobDetailApi.as_view(),
        name="job-detail",
    ),
]
