"""Pages of tasks, claims, submissions and staff publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import InvalidImage
from accounts.ratelimit import rate_limited
from art_tasks import selectors
from art_tasks.forms import SubmitForm
from art_tasks.models import Claim, CreationTask
from art_tasks.services import claim_task, release_claim, submit_work
from art_tasks.voting import rule_text
from core.decorators import errors_as_messages
from core.errors import AtelierError


def task_list(request: HttpRequest) -> HttpResponse:
    tag = request.GET.get("tag") or None
    tasks = selectors.task_list(tag=tag)
    return render(request, "art_tasks/task_list.html", {"tasks": tasks, "tag": tag})


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        selectors.task_list(states=list(CreationTask.State.values)), pk=pk
    )
    if not selectors.can_see_task(task=task, viewer=request.user):
        return render(request, "404.html", status=404)
    claim = selectors.live_claim(task=task, user=request.user)
    form = SubmitForm(task=task) if claim else None
    job = task.generation_jobs.first()
    return render(
        request,
        "art_tasks/task_detail.html",
        {"task": task, "claim": claim, "form": form, "job": job},
    )


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
    context = {"task": task, "claim": live, "form": form if live else None, "job": None}
    if live is None:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return render(request, "art_tasks/task_detail.html", context, status=status)


@login_required
def studio(request: HttpRequest) -> HttpResponse:
    submissions = list(selectors.user_submissions(user=request.user))
    # The voting rule is said once for the page (once per distinct rule when
    # tasks differ), not repeated on every row.
    rules: dict[str, list[str]] = {}
    for submission in submissions:
        titles = rules.setdefault(rule_text(submission), [])
        if submission.task.title not in titles:
            titles.append(submission.task.title)
    return render(
        request,
        "art_tasks/studio.html",
        {
            "claims": selectors.user_claims(user=request.user).filter(
                state=Claim.State.ACTIVE
            ),
            "submissions": submissions,
            "rules": list(rules.items()),
        },
    )
