"""Searching from the header and tagging work at submission, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from art_tasks.models import Submission, Tag
from art_tasks.services import claim_task
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.curation.factories import decided_work
from tests.e2e.browser import ARTIFACTS, login
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def harbour():
    """An accepted work whose statement speaks of boats, and another work."""
    staff = UserFactory(username="boss", is_staff=True)
    curators = [CuratorFactory(username=f"judge{i}") for i in range(3)]
    task = OpenTaskFactory(created_by=staff, title="Night water", slots=20)
    ada = UserFactory(username="ada", display_name="Ada Lovelace")
    work = decided_work(
        task=task,
        artist=ada,
        curators=curators,
        title="Lantern weather",
        statement="Fishing boats asleep along the quay, lit from the shore.",
        tags=("night", "harbour-lights"),
        image=png_bytes((120, 80), (200, 120, 40)),
    )
    decided_work(
        task=task,
        artist=UserFactory(username="bo"),
        curators=curators,
        title="Field at noon",
        statement="Grass and wind.",
    )
    return work


def test_a_visitor_finds_a_work_by_a_word_of_its_statement(new_page, shot, harbour):
    page = new_page()
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the gallery")
    box.fill("boats")
    box.press("Enter")
    page.wait_for_url("**/search/?q=boats")
    cards = page.locator("#search-results .card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Lantern weather")
    expect(page.get_by_role("searchbox", name="Search the gallery")).to_have_value(
        "boats"
    )
    shot(page, "search-results-1280")
    cards.first.locator("a.title").click()
    page.wait_for_url(f"**/art/{harbour.pk}/")
    expect(page.locator("h1")).to_have_text("Lantern weather")
    expect(page.locator(".details .chip-row")).to_contain_text("#harbour-lights")
    shot(page, "search-artwork-1280")

    # Its tag leads to the tag page; a query of only common words says so.
    page.locator(".details .chip-row a", has_text="#night").click()
    page.wait_for_url("**/tags/night/")
    expect(page.locator("#tag-grid .card")).to_have_count(1)
    shot(page, "tag-page-1280")
    page.goto("/search/?q=the+of")
    expect(page.locator(".empty")).to_contain_text("too common to search for")


def test_on_a_phone_the_search_box_is_in_the_menu(browser, live_server, harbour):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/")
        box = page.get_by_role("searchbox", name="Search the gallery")
        expect(box).to_be_hidden()
        page.locator("header .menu-button").click()
        expect(box).to_be_visible()
        box.fill("harbours")  # stemmed: finds the tag harbour-lights
        box.press("Enter")
        page.wait_for_url("**/search/?q=harbours")
        expect(page.locator("#search-results .card")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-results-390.png"), full_page=True)
        page.goto("/tags/night/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "tag-page-390.png"), full_page=True)
    finally:
        context.close()


def test_a_contributor_tags_a_work_when_submitting_it(new_page, shot, tmp_path):
    staff = UserFactory(username="boss", is_staff=True)
    task = OpenTaskFactory(created_by=staff, title="Coasts", slots=5)
    task.tags.add(Tag.objects.create(name="coast"), Tag.objects.create(name="storm"))
    ada = UserFactory(username="ada")
    claim_task(task=task, user=ada)
    image = tmp_path / "cliffs.png"
    image.write_bytes(png_bytes((96, 64), (40, 90, 160)))

    page = new_page()
    login(page, "ada")
    page.goto(task.get_absolute_url())
    page.fill("input[name=title]", "Cliffs")
    page.get_by_label("storm").check()
    page.fill("input[name=more_tags]", "Gulls, spray, not a tag!")
    page.set_input_files("input[name=image]", str(image))
    page.click("button:has-text('Submit artwork')")
    expect(page.locator(".errorlist")).to_contain_text("is not a tag")
    assert not Submission.objects.filter(artist=ada).exists()

    page.fill("input[name=more_tags]", "Gulls, spray")
    page.set_input_files("input[name=image]", str(image))
    shot(page, "submit-with-tags-1280")
    page.click("button:has-text('Submit artwork')")
    page.wait_for_url("**/studio/")
    work = Submission.objects.get(artist=ada)
    assert sorted(work.tags.values_list("name", flat=True)) == [
        "gulls",
        "spray",
        "storm",
    ]


def test_staff_search_from_the_magnifier_in_a_full_header(new_page, shot, harbour):
    """Staff's header has no room for a box: the magnifier widens on focus."""
    page = new_page()
    login(page, "boss")
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the gallery")
    narrow = box.bounding_box()["width"]
    box.click()
    assert box.bounding_box()["width"] > 3 * narrow
    box.fill("quay")
    shot(page, "search-staff-header-1280")
    box.press("Enter")
    page.wait_for_url("**/search/?q=quay")
    expect(page.locator("#search-results .card")).to_have_count(1)
