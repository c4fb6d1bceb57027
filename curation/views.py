"""Pages of curation: the review queue, votes and skips."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.ratelimit import rate_limited
from art_tasks.models import Submission
from art_tasks.voting import VotingRule
from core.decorators import curator_required, errors_as_messages
from core.live import Pace, live_fragment, next_poll
from core.views import safe_next
from curation import selectors
from curation.services import cast_vote

QUEUE_IS_FOR_CURATORS = "The review queue is for curators."
SKIP_KEY = "review_skipped"


MAX_SKIPPED = 500


# The queue's count follows new work within 10 s, every 2 min when idle.
QUEUE_PACE = Pace(base=10, cap=120)


def _queue_count(
    request: HttpRequest, *, empty: bool, remaining: int | None = None
) -> dict[str, object]:
    """Return the queue count's context, with its next poll.

    `empty` says the page shows no work to vote on, so new work should
    bring the page back rather than only change the count. `remaining` is
    the count when the caller has it already.
    """
    skipped = request.session.get(SKIP_KEY, [])
    if remaining is None:
        remaining = selectors.queue_size(curator=request.user, skip=skipped)
    poll = next_poll(
        request,
        url=reverse("curation:queue-count"),
        version=str(remaining),
        pace=QUEUE_PACE,
        params={"empty": "1"} if empty else None,
    )
    return {
        "remaining": remaining,
        "remaining_limit": selectors.QUEUE_COUNT_LIMIT,
        "skipped": len(skipped),
        "queue_poll": poll,
    }


@login_required
@curator_required(QUEUE_IS_FOR_CURATORS)
def curate(request: HttpRequest) -> HttpResponse:
    skipped = request.session.get(SKIP_KEY, [])
    submission, remaining = selectors.next_and_size(curator=request.user, skip=skipped)
    return render(
        request,
        "curation/curate.html",
        {
            "submission": submission,
            **_queue_count(request, empty=submission is None, remaining=remaining),
            "rule": VotingRule.for_task(submission.task) if submission else None,
            "open_votes": selectors.open_votes(curator=request.user),
        },
    )


@live_fragment
@require_GET
@curator_required(QUEUE_IS_FOR_CURATORS)
def queue_count(request: HttpRequest) -> HttpResponse:
    """How much waits for the curator's vote, polled from the review queue.

    On a page that showed the queue clear, new work reloads the page
    (`HX-Refresh`) to show it: nothing typed there can be lost.
    """
    empty = request.GET.get("empty") == "1"
    context = _queue_count(request, empty=empty)
    context["arrived"] = empty and context["remaining"] > 0
    response = render(request, "curation/_queue_count.html", context)
    if context["arrived"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@rate_limited("vote")
@errors_as_messages("curation:curate")
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(Submission, pk=pk)
    comment = request.POST.get("comment")
    cast_vote(
        submission=submission,
        curator=request.user,
        score=request.POST.get("score", ""),
        comment=comment[:2000] if comment is not None else None,
    )
    messages.success(request, f"Scored “{submission.title}”.")
    return redirect(safe_next(request, resolve_url("curation:curate")))


@login_required
@require_POST
@curator_required(QUEUE_IS_FOR_CURATORS)
def skip(request: HttpRequest, pk: int) -> HttpResponse:
    """Pass over one submission for now; it stays in everyone else's queue."""
    skipped = [s for s in request.session.get(SKIP_KEY, []) if s != pk]
    request.session[SKIP_KEY] = (skipped + [pk])[-MAX_SKIPPED:]
    return redirect("curation:curate")


@login_required
@require_POST
def reset_skipped(request: HttpRequest) -> HttpResponse:
    request.session.pop(SKIP_KEY, None)
    return redirect("curation:curate")
