"""Staff page showing the generators and recent generation jobs."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@staff_member_required
def system_status(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "generation/status.html",
        {"generators": selectors.active_generators(), "jobs": selectors.recent_jobs()},
    )
