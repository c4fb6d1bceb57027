"""Pages of the public gallery, artworks and the curators' review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import AtelierError
from art_tasks.models import LICENSE_URLS, CreationTask, Submission, Tag

from . import selectors
from .services import cast_vote

PAGE_SIZE = 24


def gallery(request: HttpRequest) -> HttpResponse:
    order = request.GET.get("order", "top")
    if order not in selectors.ORDERS:
        order = "top"
    task = request.GET.get("task", "")
    filters = {
        "tag": request.GET.get("tag") or None,
        "task": int(task) if task.isdigit() else None,
        "artist": request.GET.get("artist") or None,
    }
    works = selectors.gallery_list(order=order, **filters)
    page = Paginator(works, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "gallery/gallery.html",
        {
            "page": page,
            "order": order,
            "filters": filters,
            "tags": Tag.objects.filter(tasks__submissions__state="accepted").distinct(),
            "tasks": CreationTask.objects.filter(
                submissions__state="accepted"
            ).distinct(),
        },
    )


def artwork(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(
        Submission.objects.select_related("artist", "task", "seed"), pk=pk
    )
    user = request.user
    if work.state != Submission.State.ACCEPTED and not (
        user.is_authenticated and (user.pk == work.artist_id or user.is_staff)
    ):
        return render(request, "404.html", status=404)
    return render(
        request,
        "gallery/artwork.html",
        {"work": work, "license_url": LICENSE_URLS.get(work.license)},
    )


@login_required
def curate(request: HttpRequest) -> HttpResponse:
    if not request.user.is_curator:
        return render(
            request,
            "403.html",
            {"message": "The review queue is for curators."},
            status=403,
        )
    queue = selectors.review_queue(curator=request.user)
    return render(
        request,
        "gallery/curate.html",
        {"submission": queue.first(), "remaining": queue.count()},
    )


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(Submission, pk=pk)
    try:
        cast_vote(
            submission=submission,
            curator=request.user,
            score=int(request.POST.get("score", "0") or 0),
            comment=request.POST.get("comment", "")[:2000],
        )
        messages.success(request, f"Scored “{submission.title}”.")
    except (AtelierError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "A score is 1 to 5."))
    return redirect("gallery:curate")
