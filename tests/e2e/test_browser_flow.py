"""A person's whole path through the pages, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from art_tasks.models import CreationTask, Submission
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.e2e.browser import login
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_claim_submit_vote_and_find_the_work_in_the_gallery(
    new_page, shot, eager_celery, tmp_path
):
    UserFactory(username="staffer", is_staff=True)
    UserFactory(username="ada", display_name="Ada Lovelace")
    for i in range(3):
        CuratorFactory(username=f"curator{i}")

    # Staff publish a task from the publishing page; seeds paint on "the worker".
    staff = new_page()
    login(staff, "staffer")
    staff.goto("/staff/publish/")
    staff.fill("input[name=title]", "Harbour lights")
    staff.fill("textarea[name=brief]", "Paint the harbour these lights belong to.")
    staff.fill("input[name=tags]", "night, harbour")
    staff.select_option("select[name=style]", "neon")
    staff.fill("input[name=seed_count]", "4")
    staff.select_option("select[name=image_size]", "256")
    shot(staff, "01-staff-publish")
    staff.click("button:has-text('Publish and paint seeds')")
    # The publish form redirects to the new task's page; reload it once the
    # seeds have painted.
    staff.wait_for_url("**/tasks/*/")
    staff.reload()
    expect(staff.locator(".state")).to_have_text("Open")
    expect(staff.locator(".seeds img")).to_have_count(4)
    shot(staff, "02-task-open")
    task = CreationTask.objects.get(title="Harbour lights")

    # A contributor claims it, sees the countdown and submits a work.
    ada = new_page()
    login(ada, "ada")
    ada.goto("/tasks/")
    shot(ada, "03-task-list")
    ada.click("text=Harbour lights")
    ada.click("button:has-text('Claim this task')")
    expect(ada.locator(".countdown")).to_contain_text("m")
    expect(ada.locator(".slots")).to_contain_text("1 of 10 taken")
    # A bad file first: the message is shown and the claim stays.
    bad = tmp_path / "notes.png"
    bad.write_text("just words")
    ada.set_input_files("input[name=image]", str(bad))
    ada.fill("input[name=title]", "Lights on the water")
    ada.click("button:has-text('Submit artwork')")
    expect(ada.locator(".errorlist")).to_contain_text("not an image Atelier can read")
    shot(ada, "04-claim-bad-file")
    good = tmp_path / "work.png"
    good.write_bytes(png_bytes((400, 300), (30, 60, 140)))
    ada.get_by_label("Seed 2", exact=True).check()
    ada.fill("input[name=title]", "Lights on the water")
    ada.fill("textarea[name=statement]", "A harbour at dusk.")
    ada.set_input_files("input[name=image]", str(good))
    ada.click("button:has-text('Submit artwork')")
    expect(ada.locator("table")).to_contain_text("Lights on the water")
    expect(ada.locator("table")).to_contain_text("In review")
    shot(ada, "05-studio")

    # Three curators score it from the keyboard.
    for i, key in enumerate(["5", "4", "4"]):
        curator = new_page()
        login(curator, f"curator{i}")
        curator.goto("/curate/")
        expect(curator.locator("h1")).to_have_text("Lights on the water")
        if i == 0:
            shot(curator, "06-curate")
        curator.keyboard.press(key)
        expect(curator.locator("h1")).to_have_text("The queue is clear")
    work = Submission.objects.get(task=task)
    assert work.state == Submission.State.ACCEPTED

    # A visitor finds it in the gallery and opens it.
    visitor = new_page()
    visitor.goto("/")
    expect(visitor.locator(".card .title")).to_have_text(["Lights on the water"])
    shot(visitor, "07-gallery")
    visitor.click("text=Lights on the water")
    expect(visitor.locator(".details")).to_contain_text("Ada Lovelace")
    expect(visitor.locator(".details")).to_contain_text("4.33")
    expect(visitor.locator(".attribution")).to_contain_text("CC-BY-4.0")
    shot(visitor, "08-artwork")
    visitor.click("text=Ada Lovelace")
    expect(visitor.locator(".card")).to_have_count(1)
    shot(visitor, "09-artist")
