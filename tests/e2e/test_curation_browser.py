"""Curating with the keyboard and browsing the gallery, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from art_tasks.models import License, Submission
from curation.models import Vote
from gallery.services import add_to_collection, create_collection
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import cast_votes, decided_work
from tests.e2e.browser import login
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLOURS = {
    "red": (205, 35, 40),
    "blue": (30, 70, 200),
    "green": (40, 150, 70),
}


@pytest.fixture
def people(db):
    staff = UserFactory(username="staffer", is_staff=True)
    curators = [CuratorFactory(username=f"curator{i}") for i in range(3)]
    return staff, curators


def test_a_curator_votes_through_the_queue_with_the_keyboard(
    new_page, shot, eager_celery, people
):
    staff, curators = people
    task = OpenTaskFactory(created_by=staff, title="Harbour lights", slots=20)
    titles = ["Quay at dusk", "Lantern rain", "Fog horn"]
    works = [
        submitted_work(task=task, artist=UserFactory(username=f"maker{i}"), title=title)
        for i, title in enumerate(titles)
    ]
    # Another curator already scored the first work: blind until we vote.
    cast_votes(works[0], curators[1:2], [2])

    page = new_page()
    login(page, "curator0")
    page.goto("/curate/")
    # Fewest votes first: the two unvoted works come before the voted one.
    expect(page.locator("h1")).to_have_text("Lantern rain")
    expect(page.locator(".queue-count")).to_contain_text("3 waiting for your vote")
    shot(page, "curation-01-queue")

    page.keyboard.press("c")
    expect(page.locator("#comment")).to_be_focused()
    page.keyboard.type("The rain reads beautifully; crop the left edge?")
    shot(page, "curation-02-comment-focus")
    page.keyboard.press("4")  # typed into the comment, not a vote
    page.keyboard.press("Escape")
    expect(page.locator("#comment")).not_to_be_focused()
    page.keyboard.press("4")
    expect(page.locator("h1")).to_have_text("Fog horn")
    expect(page.locator(".msg.success")).to_contain_text("Scored “Lantern rain”")

    page.keyboard.press("s")  # skip to the next
    expect(page.locator("h1")).to_have_text("Quay at dusk")
    expect(page.locator(".queue-count")).to_contain_text("1 skipped")
    page.keyboard.press("5")
    expect(page.locator("h1")).to_have_text("The queue is clear")
    shot(page, "curation-03-queue-clear")

    page.click("button:has-text('Show the 1 I skipped')")
    expect(page.locator("h1")).to_have_text("Fog horn")
    page.keyboard.press("Tab")  # keyboard focus is visible on the controls
    page.keyboard.press("2")
    expect(page.locator("h1")).to_have_text("The queue is clear")

    mine = {
        v.submission.title: (v.score, v.comment)
        for v in Vote.objects.filter(curator=curators[0]).select_related("submission")
    }
    assert mine == {
        "Lantern rain": (4, "The rain reads beautifully; crop the left edge?4"),
        "Quay at dusk": (5, ""),
        "Fog horn": (2, ""),
    }
    # Having voted, the curator now sees the other score on the work's page.
    page.click("text=Quay at dusk")
    expect(page.locator(".votes")).to_contain_text("Curator1")
    expect(page.locator(".revote h2")).to_have_text("Change your vote")
    shot(page, "curation-04-votes-after-voting")


def test_a_visitor_scrolls_filters_and_likes_in_the_gallery(
    new_page, shot, eager_celery, people, settings
):
    settings.ATELIER_GALLERY_PAGE_SIZE = 4
    staff, curators = people
    task = OpenTaskFactory(created_by=staff, title="Colour studies", slots=30)
    task.tags.create(name="colour")
    public = OpenTaskFactory(
        created_by=staff, title="Open commons", license=License.CC0
    )
    specs = [
        ("red", task),
        ("blue", task),
        ("green", task),
        ("red", public),
        ("blue", public),
        ("green", task),
        ("red", task),
        ("blue", task),
        ("green", public),
        ("red", task),
    ]
    works = []
    for i, (colour, where) in enumerate(specs):
        artist = UserFactory(username=f"painter{i}", display_name=f"Painter {i}")
        work = decided_work(
            task=where,
            artist=artist,
            title=f"{colour.title()} study {i}",
            image=png_bytes((360, 240), COLOURS[colour]),
            curators=curators,
            scores=[5, 4, 4] if i % 2 else [4, 4, 3],
        )
        works.append(work)
    assert {w.state for w in works} == {Submission.State.ACCEPTED}
    collection = create_collection(
        by=staff, title="Three reds", statement="Warm starts.", published=True
    )
    for work in [w for w in works if w.colour_family == "red"][:3]:
        add_to_collection(collection=collection, by=staff, submission=work)
    UserFactory(username="fan", display_name="A Fan")

    page = new_page()
    login(page, "fan")
    page.goto("/?order=new")
    cards = page.locator(".gallery-grid .card")
    more = page.locator("[data-next-page]")
    # Pages of 4: one row leaves the "more" link in view, so the next page
    # loads at once and fills the window; then it waits below the fold.
    expect(cards).to_have_count(8)
    page.wait_for_load_state("networkidle")
    expect(cards).to_have_count(8)
    expect(more).not_to_be_in_viewport()
    shot(page, "gallery-01-first-page")
    # Infinite scroll: scrolling to the end of the grid loads the last page.
    more.scroll_into_view_if_needed()
    expect(cards).to_have_count(10)
    expect(page.locator("[data-next-page]")).to_have_count(0)
    expect(page.locator(".card .title").first).to_have_text("Red study 9")
    expect(page.locator(".card .title").last).to_have_text("Red study 0")
    shot(page, "gallery-02-scrolled")

    # Like from the card: the count changes in place, no reload.
    first = page.locator(".card").first
    first.locator(".like-btn").click()
    expect(first.locator(".like-btn")).to_have_attribute("aria-pressed", "true")
    expect(first.locator(".like-btn .count")).to_have_text("1")
    assert Submission.objects.get(title="Red study 9").like_count == 1

    # Filter by colour with a click on a swatch, then by licence.
    page.locator(".swatch.c-blue").click()
    page.wait_for_url("**colour=blue**")
    expect(cards).to_have_count(3)
    expect(page.locator(".card .title")).to_have_text(
        ["Blue study 7", "Blue study 4", "Blue study 1"]
    )
    page.select_option("select[name=license]", "CC0-1.0")
    page.click("form.filters button:has-text('Filter')")
    expect(page.locator(".card .title")).to_have_text(["Blue study 4"])
    shot(page, "gallery-03-filtered")

    page.click("text=Blue study 4")
    expect(page.locator(".details h1")).to_have_text("Blue study 4")
    expect(page.locator(".attribution")).to_contain_text("licensed CC0-1.0")
    expect(page.locator("a:has-text('Download original')")).to_be_visible()
    shot(page, "gallery-04-artwork")

    page.goto("/collections/three-reds/")
    expect(page.locator(".card")).to_have_count(3)
    shot(page, "gallery-05-collection")
