"""The claim clock in Chromium: an extension, the page at zero, and a late upload
kept and re-sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from art_tasks.models import Claim, Submission, SubmissionDraft
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.e2e.browser import login
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_at_zero_the_page_locks_the_form_and_keeps_the_work_as_a_draft(
    new_page, shot, eager_celery, tmp_path
):
    task = OpenTaskFactory(title="Tide pools", slots=3)
    UserFactory(username="ada")
    page = new_page()
    login(page, "ada")
    page.goto(task.get_absolute_url())
    page.click("button:has-text('Claim this task')")
    expect(page.locator(".countdown")).to_contain_text("m")
    # The end time is shown in the reader's locale; the UTC text stays as a tooltip.
    end = page.locator(".claim-end time")
    expect(end).not_to_contain_text("UTC")
    assert "UTC" in end.get_attribute("title")
    expect(page.locator("button:has-text('Extend to')")).to_be_visible()
    shot(page, "clock-01-live-claim")

    # One extension: the claim time is added to the end, once.
    before = Claim.objects.get(contributor__username="ada").expires_at
    page.click("button:has-text('Extend to')")
    expect(page.locator(".messages")).to_contain_text("Claim extended")
    extended = Claim.objects.get(contributor__username="ada")
    assert extended.expires_at - before == task.claim_ttl
    assert extended.extensions_used == 1
    expect(page.locator("button:has-text('Extend to')")).to_have_count(0)

    # A very short claim: a few seconds left.
    claim = Claim.objects.get(contributor__username="ada")
    Claim.objects.filter(pk=claim.pk).update(
        expires_at=timezone.now() + timedelta(seconds=6)
    )
    page.reload()
    page.fill("input[name=title]", "Rock pool at noon")
    page.fill("textarea[name=statement]", "Painted between two waves.")
    work = tmp_path / "pool.png"
    work.write_bytes(png_bytes((300, 200), (20, 120, 160)))
    page.set_input_files("input[name=image]", str(work))
    page.set_viewport_size(PHONE)
    shot(page, "clock-02-live-claim-phone")

    # Zero: the page changes by itself.
    ended = page.locator("[data-claim-ended]")
    expect(ended).to_be_visible(timeout=15_000)
    expect(ended).to_contain_text("Your claim has ended")
    expect(page.locator(".countdown")).to_be_hidden()
    expect(page.locator("button:has-text('Submit artwork')")).to_be_disabled()
    expect(page.locator("input[name=title]")).to_be_disabled()
    expect(ended.locator("button:has-text('Claim again')")).to_be_visible()
    shot(page, "clock-03-ended-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "clock-04-ended")

    # What was chosen is sent once more and kept as a draft.
    page.click("button:has-text('Keep my file, title and statement as a draft')")
    expect(page.locator(".messages")).to_contain_text("kept as a draft until")
    draft_box = page.locator(".draft-box")
    expect(draft_box).to_contain_text("Your draft: “Rock pool at noon”")
    expect(draft_box.locator("img")).to_have_js_property("naturalWidth", 300)
    expect(page.locator(".claim-ended").first).to_contain_text("Your claim has ended")
    shot(page, "clock-05-draft-kept")
    page.set_viewport_size(PHONE)
    shot(page, "clock-06-draft-kept-phone")
    assert SubmissionDraft.objects.get().statement == "Painted between two waves."

    # One click: a new claim, and the draft submitted on it.
    page.click("button:has-text('Claim again and submit this draft')")
    page.wait_for_url("**/studio/")
    expect(page.locator(".messages")).to_contain_text(
        "Claimed again: “Rock pool at noon” is submitted"
    )
    expect(page.locator("table")).to_contain_text("Rock pool at noon")
    shot(page, "clock-07-studio-after-draft")
    submission = Submission.objects.get()
    assert submission.statement == "Painted between two waves."
    assert not SubmissionDraft.objects.exists()
