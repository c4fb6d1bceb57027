"""Pages of the breeding lab: a grid of children, kept seeds, a lab seed.

Open to every signed-in person. Grids are private to their breeder; kept
lab seeds are public. The children of a grid fill in as the worker paints
them: their fragment polls itself with HTMX (`core.live`) until the grid
is done. Every action is a plain form post, so the lab works without
JavaScript too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from art_tasks.models import CreationTask, SeedImage
from core.errors import AtelierError
from core.live import Pace, live_fragment, next_poll, version_of
from core.views import error_text, safe_next
from generation import lab, lab_selectors
from generation.errors import LabRefused
from generation.models import LabGrid, LabSeed
from generation.services import lab as lab_services

GRID_PACE = Pace(base=2, cap=8)


def _refused(request: HttpRequest, exc: Exception, back: str) -> HttpResponse:
    """Show a refusal: the 429 page past the hourly limit, else a message."""
    if getattr(exc, "status", 400) == 429:
        return render(request, "429.html", {"message": error_text(exc)}, status=429)
    if getattr(exc, "status", 400) == 404:
        return render(request, "404.html", status=404)
    messages.error(request, error_text(exc))
    return redirect(safe_next(request, back))


def _controls(request: HttpRequest) -> dict:
    """Read strength, kept genes and palette from the lab form."""
    raw_palette = request.POST.get("palette", "")
    try:
        strength = float(request.POST.get("strength", lab.DEFAULT_STRENGTH))
        palette = int(raw_palette) - 1 if raw_palette else None
    except ValueError:
        raise LabRefused("The strength and palette must be numbers.") from None
    return {
        "strength": strength,
        "keep": request.POST.getlist("keep"),
        "palette": palette,
    }


def _mate(request: HttpRequest) -> tuple[list[SeedImage], list[LabSeed]]:
    """Return the second parent picked in the "cross with" picker, if any."""
    value = request.POST.get("mate", "")
    if not value:
        return [], []
    kind, _, pk = value.partition(":")
    if not pk.isdecimal():
        raise LabRefused("Pick a second parent from the list.")
    if kind == "seed":
        seed = SeedImage.objects.select_related("task").filter(pk=pk).first()
        if seed is None:
            raise LabRefused("That seed is gone; pick another.")
        return [seed], []
    if kind == "lab":
        found = LabSeed.objects.filter(pk=pk).first()
        if found is None:
            raise LabRefused("That lab seed is gone; pick another.")
        return [], [found]
    raise LabRefused("Pick a second parent from the list.")


@login_required
@require_POST
def lab_start(request: HttpRequest) -> HttpResponse:
    """Open the lab on a seed (or a kept lab seed): plan its first grid."""
    back = request.POST.get("next") or reverse("generation:lab-my-seeds")
    try:
        seeds, lab_seeds = [], []
        if request.POST.get("seed", "").isdecimal():
            seed = SeedImage.objects.select_related("task").filter(
                pk=request.POST["seed"]
            )
            seeds = list(seed)
        if request.POST.get("lab", "").isdecimal():
            lab_seeds = list(LabSeed.objects.filter(pk=request.POST["lab"]))
        if not seeds and not lab_seeds:
            raise LabRefused("Choose a seed to breed from.")
        mate_seeds, mate_lab = _mate(request)
        grid = lab_services.start_lab_grid(
            by=request.user,
            seeds=seeds + mate_seeds,
            lab_seeds=lab_seeds + mate_lab,
            **_controls(request),
        )
    except AtelierError as exc:
        return _refused(request, exc, back)
    return redirect(grid)


def _children_context(request: HttpRequest, grid: LabGrid) -> dict:
    children = lab_selectors.grid_children(grid=grid)
    done = sum(1 for c in children if c.painted)
    poll = next_poll(
        request,
        url=reverse("generation:lab-grid-children", args=[grid.pk]),
        version=version_of([grid.pk, done, grid.state]),
        pace=GRID_PACE,
    )
    finished = grid.finished or done == len(children)
    return {
        "grid": grid,
        "children": children,
        "painted": done,
        "finished": finished,
        "poll": poll,
    }


@login_required
def lab_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a grid: its parents, its children as they are painted, the controls."""
    try:
        grid = lab_selectors.lab_grid(pk=pk, viewer=request.user)
    except LabGrid.DoesNotExist:
        return render(request, "404.html", status=404)
    parents = [*grid.lab_parents.all(), *grid.seed_parents.all()]
    first = parents[0] if parents else None
    style = first.recipe.get("style") if first is not None else None
    palettes = lab.palettes_of(style) if style else []
    context = {
        **_children_context(request, grid),
        "parents": parents,
        "style": style,
        "palettes": palettes,
        "genes": list(lab.GENE_LABELS.items()),
        "controls": grid.controls,
        "mates": lab_selectors.mates(user=request.user),
        "strength": {
            "min": lab.MIN_STRENGTH,
            "max": lab.MAX_STRENGTH,
            "value": grid.controls.get("strength", lab.DEFAULT_STRENGTH),
        },
    }
    return render(request, "generation/lab_grid.html", context)


@live_fragment
def lab_grid_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of a grid, polled by its page until every one is painted."""
    grid = LabGrid.objects.filter(pk=pk, breeder=request.user).first()
    if grid is None:
        return render(request, "404.html", status=404)
    return render(
        request, "generation/_lab_children.html", _children_context(request, grid)
    )


@login_required
@require_POST
def lab_grid_breed(request: HttpRequest, pk: int) -> HttpResponse:
    """Breed the picked children, regenerate the grid, or step back."""
    grid = LabGrid.objects.filter(pk=pk, breeder=request.user).first()
    if grid is None:
        return render(request, "404.html", status=404)
    action = request.POST.get("action", "breed")
    try:
        if action == "back":
            return redirect(lab_services.step_back(grid=grid, by=request.user))
        mate_seeds, mate_lab = _mate(request)
        controls = _controls(request)
        if action == "regenerate":
            if mate_seeds or mate_lab:
                parents_seed = list(grid.seed_parents.select_related("task"))
                parents_lab = list(grid.lab_parents.all())
                new = lab_services.start_lab_grid(
                    by=request.user,
                    seeds=parents_seed + mate_seeds,
                    lab_seeds=parents_lab + mate_lab,
                    previous=grid,
                    **controls,
                )
            else:
                new = lab_services.regenerate_lab_grid(
                    grid=grid, by=request.user, **controls
                )
        else:
            ids = [v for v in request.POST.getlist("pick") if v.isdecimal()]
            picked = list(LabSeed.objects.filter(grid=grid, pk__in=ids))
            if mate_seeds or mate_lab:
                if not picked:
                    raise LabRefused("Pick one or more children to breed from.")
                new = lab_services.start_lab_grid(
                    by=request.user,
                    seeds=mate_seeds,
                    lab_seeds=picked + mate_lab,
                    previous=grid,
                    **controls,
                )
            else:
                new = lab_services.breed_picked(
                    grid=grid, by=request.user, picked=picked, **controls
                )
    except AtelierError as exc:
        return _refused(request, exc, grid.get_absolute_url())
    return redirect(new)


@login_required
@require_POST
def lab_seed_keep(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a child in "My seeds" (``keep=1``, the default) or let it go."""
    seed = LabSeed.objects.filter(pk=pk, breeder=request.user).first()
    if seed is None:
        return render(request, "404.html", status=404)
    back = reverse("generation:lab-grid", args=[seed.grid_id])
    try:
        if request.POST.get("keep", "1") == "0":
            lab_services.unkeep_lab_seed(seed=seed, by=request.user)
            messages.info(request, "Taken out of your seeds.")
        else:
            lab_services.keep_lab_seed(seed=seed, by=request.user)
            messages.success(request, "Kept in My seeds.")
    except AtelierError as exc:
        return _refused(request, exc, back)
    return redirect(safe_next(request, back))


@login_required
@require_POST
def lab_seed_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose one's lab seed to staff, for a task or for a new one."""
    seed = LabSeed.objects.filter(pk=pk, breeder=request.user).first()
    if seed is None:
        return render(request, "404.html", status=404)
    task = None
    raw = request.POST.get("task", "")
    try:
        if raw:
            task = CreationTask.objects.filter(pk=raw if raw.isdecimal() else 0).first()
            if task is None:
                raise LabRefused("Choose a task from the list.")
        lab_services.propose_lab_seed(seed=seed, by=request.user, task=task)
    except AtelierError as exc:
        return _refused(request, exc, seed.get_absolute_url())
    where = f"for “{task.title}”" if task else "to staff"
    messages.success(request, f"Proposed {where}. Staff see it when they publish.")
    return redirect(seed)


def lab_seed(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a lab seed: picture, recipe, lineage, breeder; actions for its breeder."""
    try:
        seed = lab_selectors.lab_seed_detail(pk=pk, viewer=request.user)
    except LabSeed.DoesNotExist:
        return render(request, "404.html", status=404)
    own = request.user.is_authenticated and seed.breeder_id == request.user.pk
    return render(
        request,
        "generation/lab_seed.html",
        {
            "seed": seed,
            "own": own,
            "tasks": lab_selectors.proposable_tasks(user=request.user) if own else [],
        },
    )


@login_required
def lab_my_seeds(request: HttpRequest) -> HttpResponse:
    """List the seeds the person kept in the lab, and their latest grids."""
    return render(
        request,
        "generation/lab_my_seeds.html",
        {
            "seeds": lab_selectors.kept_lab_seeds(user=request.user)[:120],
            "grids": lab_selectors.recent_lab_grids(user=request.user),
        },
    )
