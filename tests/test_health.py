"""/healthz and /readyz: what a load balancer or compose sees of a web process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
DEAD_BROKER = "redis://127.0.0.1:1/0"


def test_healthz_answers_without_asking_the_database(client):
    # No django_db mark: a query here would fail the test.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_names_each_service_it_checked(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
        "Storage(alias='private')": "OK",
        "Broker(redis)": "OK",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["Broker(redis)"].startswith("Unavailable: the broker is not reachable")
    assert body["Database(alias='default')"] == "OK"
    # The broker's address stays private; only its kind is named.
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_BROKER,
        },
        "sessions": settings.CACHES["sessions"],
    }
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["Cache(alias='default')"] != "OK"


@pytest.mark.django_db
def test_probes_are_not_redirected_to_https_nor_asked_for_a_session(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    for name in ("healthz", "readyz"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "Set-Cookie" not in response
        assert response["Content-Type"] == "application/json"
    # Everything else still is.
    assert client.get(reverse("gallery:gallery")).status_code == 301


def probe(live_server, path: str, **env: str) -> subprocess.CompletedProcess:
    port = live_server.url.rsplit(":", 1)[-1]
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "platform" / "probe.py"), path],
        env={**os.environ, "GUNICORN_BIND": f"0.0.0.0:{port}", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_compose_probe_passes_allowed_hosts_and_the_https_redirect(
    live_server, settings
):
    """platform/probe.py, as compose runs it, against a production-like setup."""
    settings.ALLOWED_HOSTS = ["atelier.example"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    hosts = {"DJANGO_ALLOWED_HOSTS": ".atelier.example,www.atelier.example"}
    run = probe(live_server, "/readyz", **hosts)
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"Broker(redis)": "OK"' in run.stdout
    assert probe(live_server, "/healthz", **hosts).returncode == 0

    settings.CELERY_BROKER_URL = DEAD_BROKER
    run = probe(live_server, "/readyz", **hosts)
    assert run.returncode == 1
    assert "503" in run.stdout
