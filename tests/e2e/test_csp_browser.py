"""Pages that lean on scripts still work under the Content-Security-Policy.

The `new_page` fixture fails a test on any CSP violation the browser reports.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.e2e.browser import REPORT_CSP_VIOLATIONS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_without_the_nonce_is_blocked_and_reported(
    browser, live_server
):
    """The check itself: a page that breaks the policy is caught."""
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    seen = []
    page.on("console", lambda msg: seen.append(msg.text))
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
        const s = document.createElement("script");
        s.textContent = "window.injected = true";
        document.body.appendChild(s);
        const d = document.createElement("div");
        d.setAttribute("style", "color: red");
        document.body.appendChild(d);
    }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert any("CSP violation: script-src" in text for text in seen), seen
    context.close()


def test_swagger_ui_renders_the_api(new_page):
    page = new_page()
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    expect(page.locator(".swagger-ui")).to_contain_text("Atelier API")


def test_admin_signs_in_and_shows_its_index(new_page):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page = new_page()
    page.goto("/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "a-long-test-password")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Site administration")
    page.goto("/admin/accounts/user/")
    expect(page.locator("#result_list")).to_be_visible()


def test_a_signed_in_page_loads_htmx_and_the_sites_script(new_page):
    UserFactory(username="lin")
    page = new_page()
    login(page, "lin")
    page.goto("/tasks/")
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("head style").count() == 0


def test_htmx_likes_work_and_a_429_shows_its_message(new_page, settings, eager_celery):
    from tests.accounts.factories import CuratorFactory
    from tests.curation.factories import decided_work

    settings.ATELIER_RATE_LIMITS = {**settings.ATELIER_RATE_LIMITS, "like": "2/minute"}
    curators = [CuratorFactory(username=f"judge{i}") for i in range(1, 4)]
    work = decided_work(
        artist=UserFactory(username="ada"), curators=curators, scores=(5, 4, 5)
    )
    UserFactory(username="fan")
    page = new_page()
    login(page, "fan")
    page.goto(f"/art/{work.pk}/")
    swatches = page.locator("[data-swatch]")
    if swatches.count():  # the palette is painted by script, not style=""
        colour = swatches.first.evaluate("el => getComputedStyle(el).backgroundColor")
        assert colour not in ("", "rgba(0, 0, 0, 0)")
    box = page.locator(f"#like-{work.pk}")
    box.locator("button").click()
    expect(box.locator("button")).to_have_attribute("aria-pressed", "true")
    box.locator("button").click()
    expect(box.locator("button")).to_have_attribute("aria-pressed", "false")
    box.locator("button").click()  # the third within a minute
    expect(page.locator("#messages .msg.error")).to_contain_text(
        "You are liking too fast"
    )
    expect(box.locator("button")).to_have_attribute("aria-pressed", "false")
