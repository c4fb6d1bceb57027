"""Pages of generation: system status for staff, seed pages for everyone."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from art_tasks.models import CreationTask, SeedImage
from core.decorators import staff_required
from generation import selectors


@staff_required
def system_status(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "generation/status.html",
        {"generators": selectors.active_generators(), "jobs": selectors.recent_jobs()},
    )


RECIPE_ORDER = (
    "generator",
    "version",
    "style",
    "seed",
    "size",
    "generation",
    "palette",
    "architecture",
    "latent",
    "weights_seed",
    "transform",
    "shader",
    "params",
)


def _readable(recipe: dict) -> dict:
    """Return `recipe` with its keys in the painter's order (JSONB sorts them)."""
    first = {k: recipe[k] for k in RECIPE_ORDER if k in recipe}
    return first | {k: v for k, v in recipe.items() if k not in first}


def _public_seed(request: HttpRequest, pk: int) -> SeedImage | None:
    """Return the seed, or None when it does not exist or its task is a draft."""
    try:
        seed = selectors.seed_detail(pk=pk)
    except SeedImage.DoesNotExist:
        return None
    if seed.task.state == CreationTask.State.DRAFT and not request.user.is_staff:
        return None
    return seed


def seed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a seed large, its recipe, fitness, works and family tree."""
    seed = _public_seed(request, pk)
    if seed is None:
        return render(request, "404.html", status=404)
    return render(
        request,
        "generation/seed.html",
        {
            "seed": seed,
            "works": selectors.seed_works(seed=seed),
            "recipe_json": json.dumps(_readable(seed.recipe), indent=2),
        },
    )


def seed_recipe(request: HttpRequest, pk: int) -> HttpResponse:
    """Download a seed's recipe as a JSON file that paints it again."""
    seed = _public_seed(request, pk)
    if seed is None:
        return render(request, "404.html", status=404)
    response = JsonResponse(_readable(seed.recipe), json_dumps_params={"indent": 2})
    name = f"atelier-seed-{seed.pk}-recipe.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
