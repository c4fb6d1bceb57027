"""Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.browser import (
    ARTIFACTS,
    CHROMIUM_FLAGS,
    REPORT_CSP_VIOLATIONS,
    chromium_path,
    is_csp_violation,
)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts; a test fails on any CSP violation."""
    contexts = []
    violations: list[str] = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                violations.append(f"{page.url}: {msg.text}")
                if is_csp_violation(msg.text)
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
