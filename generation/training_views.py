"""Staff page of trained generators: their versions, training runs and a start form.

While a run is queued or running, the page polls itself with HTMX and swaps
in only its live section (``hx-select``), so one template serves both.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.decorators import errors_as_messages, staff_required
from core.errors import AtelierError
from generation import registry, selectors
from generation.models import GeneratorModel, TrainingRun
from generation.services import (
    TRAINING_MAX_EPOCHS,
    TRAINING_MIN_IMAGES,
    request_generator_samples,
    review_generator,
    start_training,
)

LIVE_STATES = (TrainingRun.State.QUEUED, TrainingRun.State.RUNNING)


class TrainingForm(forms.Form):
    name = forms.SlugField(
        max_length=40,
        initial="gallery",
        help_text="Lower-case letters, digits and hyphens. Each run adds the "
        "next version of this name.",
    )
    architecture = forms.ChoiceField(
        choices=[
            (registry.FASTGAN, "Data-efficient GAN, conditional on style"),
            (registry.DCGAN, "DCGAN (the first learned generator)"),
        ],
        initial=registry.FASTGAN,
        required=False,
        label="Network",
    )
    size = forms.TypedChoiceField(
        coerce=int,
        choices=[
            (s, f"{s} px")
            for s in sorted({*registry.DCGAN_SIZES, *registry.FASTGAN_SIZES})
            if s >= 32
        ],
        initial=64,
        label="Training size",
        help_text="Seeds are painted at this size, then upscaled to the task's "
        "size. 256 px is for a GPU worker; the DCGAN stops at 128.",
    )
    epochs = forms.IntegerField(min_value=1, max_value=TRAINING_MAX_EPOCHS, initial=25)
    batch_size = forms.IntegerField(min_value=2, max_value=1024, initial=64)

    def clean_architecture(self) -> str:
        return self.cleaned_data["architecture"] or registry.FASTGAN


def _run_rows(runs: list[TrainingRun]) -> list[TrainingRun]:
    """Attach each run's fractional progress (epochs, counting the current batch)."""
    for run in runs:
        current = run.record.get("current") or {}
        value = float(run.epochs_done)
        in_epoch = current.get("epoch", 0) > run.epochs_done  # not yet saved
        if run.state == TrainingRun.State.RUNNING and in_epoch and current["batches"]:
            value += current["batch"] / current["batches"]
        run.progress_value = min(value, float(run.epochs))
        run.current = current
        losses = run.record.get("losses") or []
        run.last_loss = losses[-1] if losses else None
    return runs


CURVE_W, CURVE_H = 240, 64


def loss_curve(losses: list[dict]) -> dict | None:
    """Return SVG polyline points of the D and G losses per epoch, or None.

    Both curves share one vertical scale, so their gap reads as it is.
    """
    if len(losses) < 2:
        return None
    values = [p[k] for p in losses for k in ("d", "g")]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = CURVE_W / (len(losses) - 1)

    def points(key: str) -> str:
        return " ".join(
            f"{i * step:.1f},{CURVE_H - (p[key] - lo) / span * CURVE_H:.1f}"
            for i, p in enumerate(losses)
        )

    return {"d": points("d"), "g": points("g"), "lo": lo, "hi": hi}


@staff_required
def generators(request: HttpRequest) -> HttpResponse:
    """List generator versions and training runs; start a run on POST."""
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_training(by=request.user, **form.cleaned_data)
        except AtelierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Training run {run.pk} is queued on the generation worker; "
                f"it registers a new version of “{run.name}” when done.",
            )
            return redirect("generation:generators")
    runs = _run_rows(list(selectors.recent_training_runs()))
    versions = list(selectors.generator_versions())
    for g in versions:
        g.curve = loss_curve(g.training.get("losses") or [])
        spread = (g.training.get("quality") or {}).get("style_diversity") or {}
        # The style whose seeds vary least, against real pictures of it.
        g.narrowest = min(spread.items(), key=lambda item: item[1], default=None)
    return render(
        request,
        "generation/generators.html",
        {
            "form": form,
            "versions": versions,
            "to_review": [g for g in versions if g.needs_review],
            "runs": runs,
            "live": any(r.state in LIVE_STATES for r in runs),
            "image_count": selectors.training_image_count(),
            "min_images": TRAINING_MIN_IMAGES,
        },
    )


@staff_required
@require_POST
@errors_as_messages("generation:generators")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a trained version publishable after looking at its samples."""
    model = review_generator(
        model=get_object_or_404(GeneratorModel, pk=pk),
        by=request.user,
        despite_bar=request.POST.get("despite_bar") == "on",
    )
    messages.success(request, f"{model} is publishable: tasks may now use it.")
    return redirect("generation:generators")


@staff_required
@require_POST
@errors_as_messages("generation:generators")
def paint_samples(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the sample sheet of a trained version registered without one."""
    model = request_generator_samples(
        model=get_object_or_404(GeneratorModel, pk=pk), by=request.user
    )
    messages.info(
        request,
        f"The generation worker paints the samples of {model}; reload this page "
        "in a moment to look at them.",
    )
    return redirect("generation:generators")
