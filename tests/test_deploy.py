"""Production settings: DEBUG off by default, a secret key required, a clean
`check --deploy`, and a Content-Security-Policy with nonces on every page."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from django.urls import reverse

from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


def production_env(**extra: str) -> dict[str, str]:
    """The environment a production host has: none of the test suite's tweaks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_has_no_warnings():
    env = production_env(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="atelier.example",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_debug_a_missing_secret_key_stops_start_up():
    result = manage("check", env=production_env())
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.stdout.split() == ["False", "True"], run.stderr
    env["DJANGO_DEBUG"] = "true"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.stdout.split() == ["True", "False"], run.stderr


# Content-Security-Policy ---------------------------------------------------

PAGES = [
    "gallery:gallery",
    "art_tasks:task-list",
    "gallery:collections",
    "community:leaderboard",
    "accounts:login",
    "accounts:signup",
    "api-docs",
]


def nonce_of(response) -> str:
    policy = response["Content-Security-Policy"]
    match = re.search(r"script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'", policy)
    assert match, policy
    assert "'unsafe-inline'" not in policy
    assert "default-src 'self'" in policy
    return match.group(1)


@pytest.mark.django_db
def test_the_admin_runs_under_the_policy_without_a_nonce(client):
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_policy_with_a_nonce_its_scripts_carry(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    nonce = nonce_of(response)
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    for tag in scripts:
        if 'type="application/json"' in tag:
            continue
        assert f'nonce="{nonce}"' in tag, tag


@pytest.mark.django_db
def test_signed_in_pages_and_errors_have_the_policy_too(client):
    client.force_login(UserFactory())
    for url in ["/studio/", "/notifications/", "/no-such-page/"]:
        response = client.get(url)
        assert nonce_of(response)
    assert client.get(reverse("gallery:gallery")).status_code == 200


def test_each_page_gets_a_fresh_nonce(client, db):
    first = nonce_of(client.get(reverse("gallery:gallery")))
    assert first != nonce_of(client.get(reverse("gallery:gallery")))


INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
TAG = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)


def test_templates_have_no_inline_styles_handlers_or_unnonced_scripts():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES)
        if "email" in name.parts:
            continue  # mail, not pages: mail readers need their styles inline
        text = path.read_text()
        if INLINE_STYLE.search(text):
            problems.append(f"{name}: style attribute")
        if EVENT_HANDLER.search(text):
            problems.append(f"{name}: inline event handler")
        for tag, attrs in TAG.findall(text):
            if 'type="application/json"' in attrs:
                continue
            if 'nonce="{{ request.csp_nonce }}"' not in attrs:
                problems.append(f"{name}: <{tag}{attrs}> without the nonce")
    assert problems == []


# Docker and compose ----------------------------------------------------------


def compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_parses_and_every_app_service_waits_for_the_migration():
    services = compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    apps = [
        name
        for name, s in services.items()
        if s.get("image", "").startswith("atelier:")
    ]
    assert set(apps) == {
        "migrate",
        "web",
        "generation-worker",
        "training-worker",
        "imaging-worker",
        "beat",
    }
    for name in set(apps) - {"migrate"}:
        after = services[name]["depends_on"]["migrate"]
        assert after == {"condition": "service_completed_successfully"}, name
        assert "ATELIER_MIGRATE" not in services[name]["environment"], name


def test_only_the_gpu_workers_use_the_cuda_image():
    services = compose()["services"]
    targets = {
        name: s["build"]["target"] for name, s in services.items() if "build" in s
    }
    assert targets == {
        "migrate": "cpu",
        "web": "cpu",
        "imaging-worker": "cpu",
        "beat": "cpu",
        "generation-worker": "gpu",
        "training-worker": "gpu",
    }
    for name, target in targets.items():
        assert services[name]["image"] == f"atelier:{target}"
        assert ("deploy" in services[name]) == (target == "gpu"), name
    dockerfile = (ROOT / "platform" / "Dockerfile").read_text()
    assert re.search(r"^FROM .* AS cpu$", dockerfile, re.MULTILINE)
    assert re.search(r"^FROM .* AS gpu$", dockerfile, re.MULTILINE)
    assert "https://download.pytorch.org/whl/cpu" in dockerfile


def test_compose_queues_cover_every_route():
    services = compose()["services"]
    consumed = set()
    for service in services.values():
        command = service.get("command") or []
        if "worker" in command:
            consumed |= set(command[command.index("-Q") + 1].split(","))
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= consumed


def test_compose_healthchecks_use_the_probes():
    services = compose()["services"]
    assert services["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "platform/probe.py",
        "/readyz",
    ]
    for name in ("generation-worker", "training-worker", "imaging-worker"):
        assert "inspect ping" in services[name]["healthcheck"]["test"][1], name
    assert services["flower"]["profiles"] == ["monitoring"]


def test_rabbitmq_in_compose_holds_a_message_as_long_as_redis_would():
    from django.conf import settings

    args = compose()["services"]["rabbitmq"]["environment"][
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"
    ]
    consumer_timeout_ms = int(re.search(r"consumer_timeout (\d+)", args).group(1))
    assert consumer_timeout_ms >= settings.CELERY_VISIBILITY_TIMEOUT * 1000


def test_the_build_context_leaves_out_the_venv_git_and_local_state():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", "node_modules", "var", "test-artifacts"} <= ignored
    assert {"**/__pycache__", "**/*.pyc"} <= ignored
    assert "platform" not in ignored
    assert "requirements.txt" not in ignored
