"""Pages of moderation: the report form, the reports queue and the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.errors import AtelierError
from accounts.ratelimit import rate_limited
from art_tasks.models import Submission

from . import moderation
from .models import Report

LOG_PAGE_SIZE = 50


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


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect(default)


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
            moderation.report_work(
                submission=work,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except AtelierError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        except ValidationError as exc:
            form.add_error(None, exc)
            status = 400
        else:
            messages.success(
                request, "Thank you. The moderators will look at your report."
            )
            return redirect(work)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "gallery/moderation_report.html",
        {"work": work, "form": form},
        status=status,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not moderation.is_moderator(request.user):
        return _forbidden(request)
    return render(
        request,
        "gallery/moderation.html",
        {
            "reported": moderation.report_queue(),
            "hidden": moderation.hidden_works()[:100],
        },
    )


@login_required
@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Submission, pk=pk)
    report_id = request.POST.get("report", "")
    report = (
        Report.objects.filter(pk=int(report_id)).first()
        if report_id.isdecimal()
        else None
    )
    try:
        moderation.hide_work(
            submission=work,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            report=report,
        )
        messages.success(request, f"“{work.title}” is hidden.")
    except AtelierError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, "gallery:moderation")


@login_required
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Submission, pk=pk)
    try:
        moderation.restore_work(
            submission=work, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"“{work.title}” is restored.")
    except AtelierError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, "gallery:moderation")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    try:
        moderation.dismiss_report(
            report=report, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.info(request, "Report dismissed; the work stays in the gallery.")
    except AtelierError as exc:
        messages.error(request, exc.message)
    return _back(request, "gallery:moderation")


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The audit log, for the moderators (curators and staff) it accounts to."""
    if not moderation.is_moderator(request.user):
        return _forbidden(request)
    page = Paginator(moderation.moderation_log(), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "gallery/moderation_log.html", {"page": page})
