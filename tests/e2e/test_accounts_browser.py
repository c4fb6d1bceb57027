"""Joining, confirming the address, signing in and resetting a password, in Chromium.

The live server runs in this process, so the mail it sends lands in
`django.core.mail.outbox`, where the test opens it like an inbox.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from django.core import mail

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "brand-new-password-42"
PHONE = {"width": 390, "height": 844}


def link_in(message) -> str:
    """Return the path of the first Atelier link in the mail's plain part."""
    url = re.search(r"https?://\S+/accounts/\S+/", message.body).group(0)
    return urlsplit(url).path


def both_sizes(page, shot, name: str) -> None:
    shot(page, f"accounts-{name}-1280")
    page.set_viewport_size(PHONE)
    shot(page, f"accounts-{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_join_confirm_from_the_mail_and_sign_in(new_page, shot):
    page = new_page()
    page.goto("/")
    page.click("header a:has-text('Join')")
    page.fill("input[name=email]", "nadia@example.test")
    page.fill("input[name=username]", "nadia")
    page.fill("input[name=display_name]", "Nadia K.")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    both_sizes(page, shot, "01-join")
    page.click("main button:has-text('Create account')")
    expect(page.locator("main h1")).to_contain_text("Check your mail")
    both_sizes(page, shot, "02-check-your-mail")
    assert User.objects.get(username="nadia").display_name == "Nadia K."

    (message,) = mail.outbox
    assert message.to == ["nadia@example.test"]
    page.goto(link_in(message))
    both_sizes(page, shot, "03-confirm")
    page.click("main button:has-text('Confirm')")
    expect(page.locator(".who")).to_contain_text("Nadia K.")

    page.click(".who button:has-text('Sign out')")
    expect(page.locator(".who")).to_contain_text("Sign in")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "nadia@example.test")
    page.fill("input[name=password]", PASSWORD)
    both_sizes(page, shot, "04-sign-in")
    page.click("main button:has-text('Sign in')")
    expect(page.locator(".who")).to_contain_text("Nadia K.")


def test_reset_a_forgotten_password_from_the_mail(new_page, shot):
    UserFactory(username="ada", display_name="Ada L.")
    page = new_page()
    page.goto("/accounts/login/")
    page.click("main a:has-text('Forgot your password?')")
    page.fill("input[name=email]", "ada@example.test")
    both_sizes(page, shot, "05-reset")
    page.click("main button:has-text('Reset')")
    expect(page.locator("main")).to_contain_text("we have sent it a link")

    (message,) = mail.outbox
    page.goto(link_in(message))
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    both_sizes(page, shot, "06-new-password")
    page.click("main button[type=submit]")
    expect(page.locator("main h1")).to_have_text("Password changed")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button:has-text('Sign in')")
    expect(page.locator(".errorlist")).to_be_visible()
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("main button:has-text('Sign in')")
    expect(page.locator(".who")).to_contain_text("Ada L.")


def test_signing_in_returns_to_the_page_and_settings_look_right(new_page, shot):
    UserFactory(username="ada", display_name="Ada L.")
    page = new_page()
    page.goto("/leaderboard/?period=month")
    page.click("header a:has-text('Sign in')")
    page.fill("input[name=login]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url("**/leaderboard/?period=month")

    page.goto("/settings/profile/")
    page.fill("textarea[name=bio]", "I paint harbours at night.")
    page.click("main button:has-text('Save profile')")
    expect(page.locator(".messages")).to_contain_text("saved")
    both_sizes(page, shot, "07-profile")
    page.goto("/settings/tokens/")
    page.fill("input[name=name]", "upload script")
    page.click("main button:has-text('Make token')")
    expect(page.locator("input.secret")).to_have_value(re.compile(r"^atl_"))
    both_sizes(page, shot, "08-tokens")
