"""Health probes: ``/healthz`` (the process answers) and ``/readyz`` (its services do).

``/readyz`` runs django-health-check's checks for the database (and the
replica, when there is one), the cache and the default and private
storages, plus a broker check of our own: it opens a connection to the
Celery broker, whichever transport that is, without needing a worker to
answer. Both answer JSON, are never cached, and take no session, sign-in
or throttle. ``/readyz`` answers 503 naming each check that failed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime

from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connect to the Celery broker (Redis, RabbitMQ or the filesystem)."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def __repr__(self) -> str:
        # The transport only: the probe is public, the broker's address is not.
        return f"Broker({settings.CELERY_BROKER_URL.split(':', 1)[0]})"

    def run(self) -> None:
        from config.celery import app

        seconds = self.timeout.total_seconds()
        try:
            with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
                connection.ensure_connection(max_retries=1, timeout=seconds)
                connection.default_channel  # noqa: B018 - opens a channel
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            raise ServiceUnavailable(
                f"the broker is not reachable ({type(exc).__name__})"
            ) from exc


def ready_checks() -> list:
    """The checks of /readyz, from settings.ATELIER_HEALTH_CHECKS."""
    return [(check, dict(options)) for check, options in settings.ATELIER_HEALTH_CHECKS]


class ReadyView(HealthCheckView):
    """Every check as JSON: 200 when all pass, 503 naming those that failed."""

    def get_checks(self):
        self.checks = ready_checks()
        return super().get_checks()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        failed = any(result.error for result in self.results)
        return self.render_to_response_json(503 if failed else 200)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answers; nothing else is asked."""
    return JsonResponse({"status": "ok"})
