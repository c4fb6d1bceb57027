from django.urls import path

from generation import api, lab_api, lab_views, training_views, views

app_name = "generation"

urlpatterns = [
    path("staff/publish/", views.publish, name="publish"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task-progress"),
    path("staff/status/", views.system_status, name="status"),
    path("seeds/<int:pk>/", views.seed_detail, name="seed-detail"),
    path("seeds/<int:pk>/recipe.json", views.seed_recipe, name="seed-recipe"),
    path("lab/start/", lab_views.lab_start, name="lab-start"),
    path("lab/grids/<int:pk>/", lab_views.lab_grid, name="lab-grid"),
    path(
        "lab/grids/<int:pk>/children/",
        lab_views.lab_grid_children,
        name="lab-grid-children",
    ),
    path("lab/grids/<int:pk>/breed/", lab_views.lab_grid_breed, name="lab-grid-breed"),
    path("lab/seeds/", lab_views.lab_my_seeds, name="lab-my-seeds"),
    path("lab/seeds/<int:pk>/", lab_views.lab_seed, name="lab-seed"),
    path("lab/seeds/<int:pk>/keep/", lab_views.lab_seed_keep, name="lab-seed-keep"),
    path(
        "lab/seeds/<int:pk>/propose/",
        lab_views.lab_seed_propose,
        name="lab-seed-propose",
    ),
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
    path("lab/grids/", lab_api.LabGridCreateApi.as_view(), name="lab-grid-create"),
    path(
        "lab/grids/<int:pk>/",
        lab_api.LabGridDetailApi.as_view(),
        name="lab-grid-detail",
    ),
    path("lab/seeds/", lab_api.LabSeedListApi.as_view(), name="lab-seed-list"),
    path(
        "lab/seeds/<int:pk>/keep/",
        lab_api.LabSeedKeepApi.as_view(),
        name="lab-seed-keep",
    ),
    path(
        "generation-jobs/<int:pk>/",
        api.GenerationJobDetailApi.as_view(),
        name="job-detail",
    ),
]
