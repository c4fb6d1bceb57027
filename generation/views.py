"""Pages of generation: system status for staff, seed pages for everyone."""

import json
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from art_tasks.errors import AlreadyPublished
from art_tasks.models import CreationTask, SeedImage
from art_tasks.selectors import can_see_task, seed_offer
from core.decorators import staff_required
from core.errors import AtelierError
from core.views import add_form_error
from generation import selectors
from generation.forms import PublishForm
from generation.models import GenerationJob
from generation.services import known_styles, publish_new_task


@staff_required
def system_status(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "generation/status.html",
        {"generators": selectors.active_generators(), "jobs": selectors.recent_jobs()},
    )


# The publish page lists the latest drafts whose generation failed.
FAILED_DRAFTS_SHOWN = 20

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
    if not can_see_task(task=seed.task, viewer=request.user):
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
            "tree": selectors.family_tree(seed=seed),
            "recipe_json": json.dumps(_readable(seed.recipe), indent=2),
            "offer": seed_offer(seed=seed, viewer=request.user),
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


def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment that the task page polls while seeds paint.

    A draft is staff's alone, as on the task page; so are the generator's
    error messages, which may name files and settings.
    """
    task = get_object_or_404(CreationTask, pk=pk)
    if not can_see_task(task=task, viewer=request.user):
        return render(request, "404.html", status=404)
    job = GenerationJob.objects.filter(task=task).first()
    response = render(request, "generation/_progress.html", {"task": task, "job": job})
    if task.state != CreationTask.State.GENERATING:
        response["HX-Refresh"] = "true"  # seeds are in: show the open task
    return response


@staff_required
def publish(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST or None, styles=known_styles(), user=request.user)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["claim_ttl"] = timedelta(minutes=values.pop("claim_ttl_minutes"))
        hours = values.pop("review_window_hours", None)
        values["review_window"] = timedelta(hours=hours) if hours else None
        values["generator"], values["generator_version"] = values.pop("generator")
        values["source"] = values.pop("source") or "fresh"
        lab_seeds = list(values.pop("lab_seeds") or [])
        if values["source"] == "lab":
            values["lab_seeds"] = lab_seeds
        try:
            task = publish_new_task(by=request.user, **values)
        except AlreadyPublished as earlier:  # the form was sent twice
            messages.info(request, "This form was already published.")
            return redirect(earlier.task)
        except (AtelierError, ValidationError) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "Published. The generator is painting the seeds.")
            return redirect(task)
    drafts = list(
        CreationTask.objects.filter(state=CreationTask.State.DRAFT)
        .exclude(error="")
        .order_by("-updated_at", "-id")[: FAILED_DRAFTS_SHOWN + 1]
    )
    return render(
        request,
        "generation/publish.html",
        {
            "form": form,
            "failed": drafts[:FAILED_DRAFTS_SHOWN],
            "more_failed": len(drafts) > FAILED_DRAFTS_SHOWN,
        },
    )
