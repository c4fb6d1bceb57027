"""Pages of tasks, claims, submissions and staff publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import InvalidImage
from accounts.ratelimit import rate_limited
from art_tasks import selectors
from art_tasks.forms import SubmitForm
from art_tasks.models import Claim, CreationTask, Submission
from art_tasks.services import claim_task, release_claim, submit_work
from core.decorators import errors_as_messages
from core.errors import AtelierError
from core.live import Pace, live_fragment, next_poll, version_of


def task_list(request: HttpRequest) -> HttpResponse:
    """Open tasks with their claim time, free slots and deadline, in one order.

    An unknown `sort` falls back to the newest first, as a stale link
    should still show the tasks.
    """
    tag = request.GET.get("tag") or None
    sort = request.GET.get("sort", "new")
    if sort not in selectors.TASK_SORTS:
        sort = "new"
    tasks = selectors.task_list(tag=tag, viewer=request.user, sort=sort)
    return render(
        request,
        "art_tasks/task_list.html",
        {"tasks": tasks, "tag": tag, "sort": sort, "sorts": selectors.TASK_SORTS},
    )


def _seed_choice(request: HttpRequest, task: CreationTask) -> int | None:
    """Return the seed that `?seed=` asks the submit form to start on."""
    raw = request.GET.get("seed", "")
    if raw.isdecimal() and any(s.pk == int(raw) for s in task.seeds.all()):
        return int(raw)
    return None


def _detail_context(
    task: CreationTask, claim: Claim | None, form: SubmitForm | None
) -> dict[str, object]:
    return {
        "task": task,
        "claim": claim,
        "form": form,
        "job": None,
        "accepted": selectors.accepted_works(task=task),
    }


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        selectors.task_list(states=list(CreationTask.State.values)), pk=pk
    )
    if not selectors.can_see_task(task=task, viewer=request.user):
        return render(request, "404.html", status=404)
    claim = selectors.live_claim(task=task, user=request.user)
    form = SubmitForm(task=task, seed=_seed_choice(request, task)) if claim else None
    context = _detail_context(task, claim, form)
    context["job"] = task.generation_jobs.first()
    return render(request, "art_tasks/task_detail.html", context)


def _task_page(request: HttpRequest, pk: int) -> str:
    return reverse("art_tasks:task-detail", kwargs={"pk": pk})


def _claimed_task_page(request: HttpRequest, pk: int) -> str:
    return Claim.objects.get(pk=pk).task.get_absolute_url()


@login_required
@require_POST
@rate_limited("claim")
@errors_as_messages(_task_page)
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CreationTask, pk=pk)
    claim_task(task=task, user=request.user)
    messages.success(request, "Claimed. The clock is running: submit before it ends.")
    seed = request.POST.get("seed", "")
    if seed.isdecimal():  # came from a seed's page: the form starts on it
        return redirect(f"{task.get_absolute_url()}?{urlencode({'seed': seed})}")
    return redirect(task)


@login_required
@require_POST
@errors_as_messages(_claimed_task_page)
def claim_release(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    release_claim(claim=claim, user=request.user)
    messages.info(request, "Claim released; the slot is free for someone else.")
    return redirect(claim.task)


@login_required
@require_POST
@rate_limited("submit")
def submission_create(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("task"), pk=pk)
    if claim.contributor_id != request.user.pk:
        messages.error(
            request, "Only the person holding a claim can submit work for it."
        )
        return redirect(claim.task)
    task = selectors.get_task(pk=claim.task_id)
    form = SubmitForm(request.POST, request.FILES, task=task)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_work(
                claim=claim,
                user=request.user,
                seed=data["seed"],
                image=data["image"],
                title=data["title"],
                statement=data["statement"],
                license=data["license"],
            )
        except InvalidImage as exc:
            form.add_error("image", exc.message)
            status = exc.status
        except AtelierError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"“{submission.title}” is submitted and being processed."
            )
            return redirect("art_tasks:studio")
    live = selectors.live_claim(task=task, user=request.user)
    context = _detail_context(task, live, form if live else None)
    if live is None:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return render(request, "art_tasks/task_detail.html", context, status=status)


# The studio's submissions follow processing within seconds, decisions
# within a minute.
STUDIO_PACE = Pace(base=3, cap=60)
STUDIO_BUSY_PACE = Pace(base=3, cap=10)  # while an upload is being processed


def _studio_submissions(request: HttpRequest) -> dict[str, object]:
    """Return the submissions table's context, with its next poll."""
    submissions = list(selectors.user_submissions(user=request.user))
    busy = any(s.state == Submission.State.PROCESSING for s in submissions)
    version = version_of(
        (s.pk, s.state, s.vote_count, s.review_due_at, s.decided_at)
        for s in submissions
    )
    poll = next_poll(
        request,
        url=reverse("art_tasks:studio-submissions"),
        version=version,
        pace=STUDIO_BUSY_PACE if busy else STUDIO_PACE,
    )
    return {"submissions": submissions, "submissions_poll": poll}


@login_required
def studio(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "art_tasks/studio.html",
        {
            "claims": selectors.user_claims(user=request.user).filter(
                state=Claim.State.ACTIVE
            ),
            **_studio_submissions(request),
        },
    )


@live_fragment
@require_GET
def studio_submissions(request: HttpRequest) -> HttpResponse:
    """The studio's submissions table, polled: processing → in review live."""
    return render(
        request, "art_tasks/_studio_submissions.html", _studio_submissions(request)
    )
