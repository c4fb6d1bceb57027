"""Pages of tasks, claims, submissions and staff publishing."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from accounts.errors import InvalidImage
from accounts.ratelimit import rate_limited
from art_tasks import recipe, selectors
from art_tasks.errors import ClaimEndedDraftKept
from art_tasks.forms import DeadlineForm, SubmitForm
from art_tasks.models import (
    Claim,
    CreationTask,
    License,
    SeedImage,
    Submission,
    SubmissionDraft,
)
from art_tasks.services import (
    change_deadline,
    claim_task,
    discard_draft,
    extend_claim,
    release_claim,
    request_studio_render,
    submit_draft,
    submit_work_or_keep_draft,
)
from art_tasks.voting import rule_text
from core import storage as object_storage
from core.api import cursor_page
from core.decorators import errors_as_messages, staff_required
from core.errors import AtelierError
from core.live import Pace, live_fragment, next_poll, version_of

# The tasks page shows this many cards; "More tasks" is the next cursor page.
TASKS_PER_PAGE = 30


def task_list(request: HttpRequest) -> HttpResponse:
    """Open tasks with their claim time, free slots and deadline, in one order.

    A page of `TASKS_PER_PAGE` tasks at a time, in the API's cursor pages
    (`?cursor=` from the "More tasks" link), so a page costs the same
    however many tasks are open. An unknown `sort` falls back to the newest
    first, as a stale link should still show the tasks; a damaged cursor
    goes back to the first page.
    """
    tag = request.GET.get("tag") or None
    sort = request.GET.get("sort", "new")
    if sort not in selectors.TASK_SORTS:
        sort = "new"
    tasks = selectors.task_list(tag=tag, viewer=request.user, sort=sort)
    paginator = cursor_page(*selectors.TASK_ORDER[sort])()
    paginator.page_size = TASKS_PER_PAGE
    paginator.page_size_query_param = None
    try:
        page = paginator.paginate_queryset(tasks, Request(request))
    except NotFound:
        messages.error(request, "That page of tasks is no longer there.")
        params = request.GET.copy()
        params.pop("cursor", None)
        return redirect(f"{request.path}?{params.urlencode()}")
    next_url = None
    if link := paginator.get_next_link():  # absolute: keep the path and query
        parts = urlsplit(link)
        next_url = f"{parts.path}?{parts.query}"
    return render(
        request,
        "art_tasks/task_list.html",
        {
            "tasks": page,
            "tag": tag,
            "sort": sort,
            "sorts": selectors.TASK_SORTS,
            "next_url": next_url,
            "first_page": not request.GET.get("cursor"),
        },
    )


def _seed_choice(request: HttpRequest, task: CreationTask) -> int | None:
    """Return the seed that `?seed=` asks the submit form to start on."""
    raw = request.GET.get("seed", "")
    if raw.isdecimal() and any(s.pk == int(raw) for s in task.seeds.all()):
        return int(raw)
    return None


def _accepted_context(task: CreationTask) -> dict[str, object]:
    """Return the task page's best accepted works, and whether there are more."""
    shown = selectors.TASK_PAGE_WORKS
    works = selectors.accepted_works(task=task, limit=shown + 1)
    return {"accepted": works[:shown], "more_accepted": len(works) > shown}


def _detail_context(
    task: CreationTask, claim: Claim | None, form: SubmitForm | None
) -> dict[str, object]:
    return {
        "task": task,
        "claim": claim,
        "form": form,
        "job": None,
        **_accepted_context(task),
    }


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.task_page(pk=pk, viewer=request.user)
    except CreationTask.DoesNotExist:
        raise Http404("No such task.") from None
    if not selectors.can_see_task(task=task, viewer=request.user):
        return render(request, "404.html", status=404)
    claim, ended = selectors.viewer_claims(task=task, user=request.user)
    form = SubmitForm(task=task, seed=_seed_choice(request, task)) if claim else None
    context = _detail_context(task, claim, form) | _claim_box(
        request, task, claim, ended=ended
    )
    if task.state == CreationTask.State.GENERATING:  # the progress bar's job
        context["job"] = task.generation_jobs.first()
    return render(request, "art_tasks/task_detail.html", context)


_UNREAD = object()


def _claim_box(
    request: HttpRequest,
    task: CreationTask,
    claim: Claim | None,
    *,
    ended: Claim | None | object = _UNREAD,
) -> dict:
    """Return what the claim box shows besides the live claim and its form.

    `ended` is the person's claim that ran out, when the caller read it.
    """
    user = request.user
    if ended is _UNREAD:
        ended = None if claim else selectors.ended_claim(task=task, user=user)
    deadline_form = None
    if user.is_authenticated and user.is_staff:
        deadline_form = DeadlineForm(initial={"deadline": task.deadline})
    return {
        "ended_claim": ended,
        "draft": selectors.user_draft(task=task, user=user),
        "slot_free": task.is_open and task.held < task.slots,
        "deadline_form": deadline_form,
    }


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
            submission = submit_work_or_keep_draft(
                claim=claim,
                user=request.user,
                seed=data["seed"],
                image=data["image"],
                title=data["title"],
                statement=data["statement"],
                license=data["license"],
                tags=data["tag_names"],
            )
        except InvalidImage as exc:
            form.add_error("image", exc.message)
            status = exc.status
        except ClaimEndedDraftKept as exc:
            messages.warning(request, exc.message)
            return redirect(task)
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
    context |= _claim_box(request, task, live)
    if live is None:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return render(request, "art_tasks/task_detail.html", context, status=status)


# The studio's submissions follow processing within seconds, decisions
# within a minute.
STUDIO_PACE = Pace(base=3, cap=60)
STUDIO_BUSY_PACE = Pace(base=3, cap=10)  # while an upload is being processed


# The studio lists the latest submissions; decided work lives on in the
# gallery and on the artist's page.
STUDIO_SUBMISSIONS = 30
_PLACEHOLDER_PK = 2_147_000_001
_PLACEHOLDER = str(_PLACEHOLDER_PK)


def _studio_submissions(request: HttpRequest) -> dict[str, object]:
    """Return the submissions table's context, with its next poll.

    The latest `STUDIO_SUBMISSIONS` only (one query, however many the
    artist has made): what is being processed or reviewed is among them.
    """
    found = selectors.user_submissions(user=request.user)[: STUDIO_SUBMISSIONS + 1]
    submissions = list(found)
    more = len(submissions) > STUDIO_SUBMISSIONS
    submissions = submissions[:STUDIO_SUBMISSIONS]
    # Each row links its work and its task: reversed once, filled in per row.
    work_url = reverse("gallery:artwork", kwargs={"pk": _PLACEHOLDER_PK})
    task_url = reverse("art_tasks:task-detail", kwargs={"pk": _PLACEHOLDER_PK})
    for submission in submissions:
        submission.url = work_url.replace(_PLACEHOLDER, str(submission.pk))
        submission.task_url = task_url.replace(_PLACEHOLDER, str(submission.task_id))
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
    # The voting rule is said once for the table (once per distinct rule
    # when tasks differ), not repeated on every row.
    rules: dict[str, list[str]] = {}
    for submission in submissions:
        titles = rules.setdefault(rule_text(submission), [])
        if submission.task.title not in titles:
            titles.append(submission.task.title)
    return {
        "submissions": submissions,
        "more_submissions": more,
        "submissions_poll": poll,
        "rules": list(rules.items()),
    }


@login_required
@require_POST
@errors_as_messages(_claimed_task_page)
def claim_extend(request: HttpRequest, pk: int) -> HttpResponse:
    claim = extend_claim(claim=get_object_or_404(Claim, pk=pk), user=request.user)
    messages.success(
        request,
        f"Claim extended: it now ends at {claim.expires_at:%d %b %Y, %H:%M} UTC.",
    )
    return redirect(claim.task)


@staff_required
@require_POST
@errors_as_messages(_task_page)
def task_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CreationTask, pk=pk)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["deadline"]))
        return redirect(task)
    task = change_deadline(
        task=task, by=request.user, deadline=form.cleaned_data["deadline"]
    )
    if task.deadline:
        messages.success(
            request, f"The deadline is now {task.deadline:%d %b %Y, %H:%M} UTC."
        )
    else:
        messages.success(request, "The task has no deadline now.")
    return redirect(task)


def _draft_task_page(request: HttpRequest, pk: int) -> str:
    draft = SubmissionDraft.objects.filter(
        pk=pk, contributor_id=request.user.pk
    ).first()
    return draft.task.get_absolute_url() if draft else reverse("art_tasks:studio")


@login_required
@require_POST
@rate_limited("submit")
@errors_as_messages(_draft_task_page)
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(SubmissionDraft, pk=pk, contributor=request.user)
    submission = submit_draft(draft=draft, user=request.user)
    messages.success(
        request,
        f"Claimed again: “{submission.title}” is submitted and being processed.",
    )
    return redirect("art_tasks:studio")


@login_required
@require_POST
@errors_as_messages(_draft_task_page)
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(SubmissionDraft, pk=pk, contributor=request.user)
    discard_draft(draft=draft, user=request.user)
    messages.info(request, f"The draft “{draft.title}” is deleted.")
    return redirect(draft.task)


@login_required
@require_GET
def draft_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a draft's file to its owner only; anyone else gets a 404."""
    draft = selectors.draft_file(pk=pk, viewer=request.user)
    if draft is not None and object_storage.s3_enabled():
        response = redirect(object_storage.signed_url(draft.file.name))
        response["Cache-Control"] = "private, no-store"
        return response
    if draft is None or not draft.file.storage.exists(draft.file.name):
        return render(request, "404.html", status=404)
    content_type = f"image/{draft.format.lower()}"
    response = FileResponse(draft.file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _with_slot_free(draft: SubmissionDraft) -> SubmissionDraft:
    draft.slot_free = draft.task.is_open and draft.held < draft.task.slots
    return draft


@login_required
def studio(request: HttpRequest) -> HttpResponse:
    """The person's active claims, kept drafts and submissions.

    Three queries: the person (with the top bar), their claims and drafts
    (one, `studio_lists`), their latest submissions.
    """
    claims, drafts = selectors.studio_lists(user=request.user)
    return render(
        request,
        "art_tasks/studio.html",
        {
            "claims": claims,
            "drafts": [_with_slot_free(draft) for draft in drafts],
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


# The studio of tools --------------------------------------------------------------


def _tools_context(
    request: HttpRequest, claim: Claim, seed: SeedImage, steps: list, reuse: int | None
) -> dict[str, object]:
    """Return what the tools page shows: seeds, palettes, controls, steps."""
    task = claim.task
    palettes = [p for p in [seed.recipe.get("palette")] if isinstance(p, list)]
    palettes += [["#1f1d1a", "#f3efe8"], ["#0b3954", "#bfd7ea", "#ff5a5f"]]
    return {
        "task": task,
        "claim": claim,
        "seed": seed,
        "seeds": task.seeds.all(),
        "palettes": palettes,
        "ops": recipe.OPS,
        "tools": recipe.ops_table(),
        "steps": steps,
        "reuse": reuse,
        "licenses": License.choices,
    }


def _tools_claim(request: HttpRequest, pk: int) -> Claim | None:
    return (
        Claim.objects.select_related("task")
        .filter(pk=pk, contributor_id=request.user.pk)
        .first()
    )


def _tools_seed(claim: Claim, raw: str) -> SeedImage | None:
    seeds = claim.task.seeds.all()
    if raw.isdecimal():
        return next((s for s in seeds if s.pk == int(raw)), None)
    return next(iter(seeds), None)


@login_required
@require_GET
def studio_tools(request: HttpRequest, pk: int) -> HttpResponse:
    """The studio of tools on one seed of a live claim's task.

    `?draft=<id>` reopens a draft saved from the tools: its seed and steps
    come back, and its layer and mask are used again unless new ones are
    chosen. A claim of someone else answers 404; an ended one goes back to
    the task with the reason.
    """
    claim = _tools_claim(request, pk)
    if claim is None:
        return render(request, "404.html", status=404)
    if not claim.is_live:
        messages.error(
            request,
            "Your claim on this task has ended; claim it again to use the tools.",
        )
        return redirect(claim.task)
    steps: list = []
    reuse = None
    seed_raw = request.GET.get("seed", "")
    draft = selectors.user_draft(task=claim.task, user=request.user)
    if draft and draft.studio_recipe and request.GET.get("draft") == str(draft.pk):
        steps = draft.studio_recipe.get("steps", [])
        reuse = draft.studio_recipe.get("render")
        seed_raw = str(draft.seed_id)
    seed = _tools_seed(claim, seed_raw)
    if seed is None:
        return render(request, "404.html", status=404)
    context = _tools_context(request, claim, seed, steps, reuse)
    return render(request, "art_tasks/studio_tools.html", context)


def _tools_error(
    request: HttpRequest, claim: Claim, seed: SeedImage, error: str, status: int
) -> HttpResponse:
    raw = request.POST.get("steps", "[]")
    try:
        steps = json.loads(raw)
    except ValueError:
        steps = []
    reuse = request.POST.get("reuse", "")
    context = _tools_context(
        request, claim, seed, steps, int(reuse) if reuse.isdecimal() else None
    )
    context |= {"error": error, "posted": request.POST}
    return render(request, "art_tasks/studio_tools.html", context, status=status)


@login_required
@require_POST
@rate_limited("submit")
def studio_tools_render(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the exact render of the posted steps: download, submit or draft."""
    claim = _tools_claim(request, pk)
    if claim is None:
        return render(request, "404.html", status=404)
    seed = _tools_seed(claim, request.POST.get("seed", ""))
    if seed is None:
        return render(request, "404.html", status=404)
    try:
        steps = json.loads(request.POST.get("steps", "[]"))
    except ValueError:
        return _tools_error(request, claim, seed, "The steps are not valid JSON.", 400)
    reuse_raw = request.POST.get("reuse", "")
    reuse = None
    if reuse_raw.isdecimal():
        reuse = selectors.studio_render(pk=int(reuse_raw), viewer=request.user)
    try:
        made = request_studio_render(
            claim=claim,
            user=request.user,
            seed=seed,
            steps=steps,
            purpose=request.POST.get("purpose", "download"),
            layer=request.FILES.get("layer"),
            mask=request.FILES.get("mask"),
            reuse=reuse,
            title=request.POST.get("title", ""),
            statement=request.POST.get("statement", ""),
            license=request.POST.get("license", ""),
            tags=[request.POST.get("tags", "")],
        )
    except AtelierError as exc:
        return _tools_error(request, claim, seed, exc.message, exc.status)
    except ValidationError as exc:
        return _tools_error(request, claim, seed, " ".join(exc.messages), 400)
    return redirect(made)


@login_required
@require_GET
def studio_render(request: HttpRequest, pk: int) -> HttpResponse:
    """A render's progress and result, its maker's alone; HTMX polls it."""
    made = selectors.studio_render(pk=pk, viewer=request.user)
    if made is None:
        return render(request, "404.html", status=404)
    template = "art_tasks/studio_render.html"
    if request.htmx:
        template = "art_tasks/_studio_render_state.html"
    return render(request, template, {"render": made})


RENDER_PARTS = ("result", "layer", "mask")


@login_required
@require_GET
def studio_render_file(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Serve a render's result, layer or mask to its maker only (else 404)."""
    made = selectors.studio_render(pk=pk, viewer=request.user)
    field = getattr(made, part) if made is not None and part in RENDER_PARTS else None
    if field is None or not field.name or not field.storage.exists(field.name):
        return render(request, "404.html", status=404)
    if object_storage.s3_enabled():
        response = redirect(object_storage.signed_url(field.name))
    else:
        extension = field.name.rsplit(".", 1)[-1].lower()
        response = FileResponse(
            field.open("rb"),
            content_type=f"image/{'jpeg' if extension == 'jpg' else extension}",
            as_attachment=part == "result" and "download" in request.GET,
            filename=f"atelier-render-{made.pk}.png" if part == "result" else None,
        )
    response["Cache-Control"] = "private, no-store"
    return response
