"""Atelier's URLs: pages at the root, the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import urls as accounts_urls
from art_tasks import urls as art_tasks_urls
from community import urls as community_urls
from config.health import ReadyView, healthz
from curation import urls as curation_urls
from gallery import urls as gallery_urls
from generation import urls as generation_urls
from integrations import urls as integrations_urls
from moderation import urls as moderation_urls

# Each app's API under its own namespace (`api:<app>:<name>`), paths as listed.
API_APPS = {
    "art_tasks": art_tasks_urls,
    "curation": curation_urls,
    "gallery": gallery_urls,
    "moderation": moderation_urls,
    "accounts": accounts_urls,
    "community": community_urls,
    "generation": generation_urls,
    "integrations": integrations_urls,
}
api_v1 = [
    path("", include((module.api_urlpatterns, name)))
    for name, module in API_APPS.items()
]

urlpatterns = [
    # Probes for load balancers and compose (config/health.py): public, JSON.
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadyView.as_view(), name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"
    ),
    path("", include(accounts_urls)),
    path("accounts/", include("allauth.account.urls")),
    path("", include(art_tasks_urls)),
    path("", include(generation_urls)),
    path("", include(curation_urls)),
    path("", include(moderation_urls)),
    path("", include(community_urls)),
    path("", include(integrations_urls)),
    path("", include(gallery_urls)),
]


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve public media (generated seeds) from MEDIA_ROOT as it is now.

    Submission files are never here: they are private and go through
    `gallery:submission-file`, which checks who asks.
    """
    return serve(request, path, document_root=settings.MEDIA_ROOT)


handler404 = "config.exceptions.page_not_found"

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, name="media"),
    ]
