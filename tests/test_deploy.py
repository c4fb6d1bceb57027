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
