"""Pages of challenges: the list, one challenge with its entries, opening one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from community import challenges as selectors
from community.challenge_forms import ChallengeForm
from community.models import Challenge
from community.services.challenges import open_challenge
from core.decorators import staff_required
from core.errors import AtelierError
from core.views import add_form_error
from gallery.errors import BadCursor

PAST_SHOWN = 50


@require_GET
def challenges(request: HttpRequest) -> HttpResponse:
    """Open challenges with their countdowns, then past ones with winners."""
    return render(
        request,
        "community/challenges.html",
        {
            "current": list(selectors.open_challenges()),
            "past": list(selectors.past_challenges()[:PAST_SHOWN]),
            "now": timezone.now(),
        },
    )


@require_GET
def challenge(request: HttpRequest, slug: str) -> HttpResponse:
    """One challenge: theme, deadline, tasks, winners and a page of entries.

    An HTMX request for the next page gets just its cards.
    """
    try:
        shown = selectors.challenge_detail(key=slug)
    except Challenge.DoesNotExist:
        return render(request, "404.html", status=404)
    try:
        page = selectors.entry_page(
            challenge=shown,
            cursor=request.GET.get("cursor") or None,
            viewer=request.user,
        )
    except BadCursor as exc:
        messages.error(request, exc.message)
        return redirect(shown)
    selectors.with_badges(page.items)
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({'cursor': page.next_cursor})}"
    context = {"page": page, "next_url": next_url}
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    now = timezone.now()
    context.update(
        challenge=shown,
        first_page=not request.GET.get("cursor"),
        upcoming=now < shown.opens_at,
        judging=shown.closed_at is None and now >= shown.closes_at,
    )
    return render(request, "community/challenge.html", context)


@staff_required
def challenge_new(request: HttpRequest) -> HttpResponse:
    """Staff open a challenge over one or more creation tasks."""
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = open_challenge(
                by=request.user,
                title=data["title"],
                theme=data["theme"],
                tasks=data["tasks"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                winner_count=data["winner_count"],
                points=data["points"],
                cover_seed=data["cover_seed"],
                cover_work=data["cover_work"],
            )
        except (AtelierError, ValidationError) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, f"The challenge “{made.title}” is open.")
            return redirect(made)
    return render(request, "community/challenge_new.html", {"form": form})
