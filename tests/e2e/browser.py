"""Driving Chromium: its flags, CSP reporting, and signing in through the form."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "Chromium is not installed: `apt-get install chromium` (see .ci/run)"
        )
    return path


# Reports every Content-Security-Policy violation to the console, where the
# new_page fixture (conftest.py) collects it (Chromium logs blocked inline code
# there as well).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " +
                (e.blockedURI || "inline code") + " at " + e.sourceFile + ":" +
                e.lineNumber);
});
"""


def is_csp_violation(text: str) -> bool:
    return "CSP violation" in text or "Content Security Policy" in text


def login(page, username: str, password: str = "a-long-test-password") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("main button:has-text('Sign in')")
    page.wait_for_load_state()
