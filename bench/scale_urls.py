"""Atelier's URLs plus ``/bench/minimal/``: the least a Django JSON view costs.

Used only by bench/scale.py (through ``bench.scale_settings``); every figure
the bench prints is a ratio against this view measured in the same run.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import handler404  # noqa: F401 - the site's 404 page
from config.urls import urlpatterns as site_urlpatterns


def minimal(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/minimal/", minimal, name="bench-minimal"), *site_urlpatterns]
