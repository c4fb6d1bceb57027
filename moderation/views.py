"""Pages of moderation: the report form, the reports queue and the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.ratelimit import rate_limited
from art_tasks.models import Submission
from core.decorators import errors_as_messages
from core.errors import AtelierError
from core.roles import is_moderator
from core.views import add_form_error, page_with_links, safe_next
from moderation import selectors, services
from moderation.models import Report

LOG_PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 100  # reported works, and hidden works, on one page of the queue
QUEUE = "moderation:queue"


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    details = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Details for the moderators",
        help_text="Optional, unless you chose “Something else”. Your report is "
        "not shown to the artist.",
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "403.html",
        {"message": "Moderation is for curators and staff."},
        status=403,
    )


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request, reverse(QUEUE)))


@login_required
@rate_limited("report")
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(
        Submission.objects.select_related("artist"),
        pk=pk,
        state=Submission.State.ACCEPTED,
    )
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.report_work(
                submission=work,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except (AtelierError, ValidationError) as exc:
            add_form_error(form, exc)
            status = getattr(exc, "status", 400)
        else:
            messages.success(
                request, "Thank you. The moderators will look at your report."
            )
            return redirect(work)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "moderation/report.html",
        {"work": work, "form": form},
        status=status,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Works with open reports and hidden works, `QUEUE_PAGE_SIZE` at a time."""
    if not is_moderator(request.user):
        return _forbidden(request)
    return render(
        request,
        "moderation/queue.html",
        {
            "reported": page_with_links(
                request, selectors.report_queue(), key="page", size=QUEUE_PAGE_SIZE
            ),
            "hidden": page_with_links(
                request, selectors.hidden_works(), key="hidden", size=QUEUE_PAGE_SIZE
            ),
        },
    )


@login_required
@require_POST
@errors_as_messages(QUEUE)
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Submission, pk=pk)
    report_id = request.POST.get("report", "")
    report = (
        Report.objects.filter(pk=int(report_id)).first()
        if report_id.isdecimal()
        else None
    )
    services.hide_work(
        submission=work,
        actor=request.user,
        reason=request.POST.get("reason", ""),
        report=report,
    )
    messages.success(request, f"“{work.title}” is hidden.")
    return _back(request)


@login_required
@require_POST
@errors_as_messages(QUEUE)
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Submission, pk=pk)
    services.restore_work(
        submission=work, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, f"“{work.title}” is restored.")
    return _back(request)


@login_required
@require_POST
@errors_as_messages(QUEUE)
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    services.dismiss_report(
        report=report, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.info(request, "Report dismissed; the work stays in the gallery.")
    return _back(request)


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The audit log, for the moderators (curators and staff) it accounts to."""
    if not is_moderator(request.user):
        return _forbidden(request)
    page = Paginator(selectors.moderation_log(), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "moderation/log.html", {"page": page})
