"""Following an artist, their new work in the feed, and keeping it privately."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gallery.models import Collection
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.curation.factories import decided_work
from tests.e2e.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(eager_celery):
    ada = UserFactory(username="ada", display_name="Ada Lovelace")
    curators = [CuratorFactory(username=f"curator{i}") for i in range(1, 4)]
    decided_work(artist=ada, curators=curators, scores=(4, 4, 4), title="Old pier")
    UserFactory(username="rex", display_name="Rex Reader")
    return {"ada": ada, "curators": curators}


def test_a_followed_artists_new_work_is_kept_in_a_private_collection(
    new_page, shot, people
):
    rex = new_page()
    login(rex, "rex")

    # Following nobody, the feed suggests artists; Rex follows Ada.
    rex.click("header >> text=Following")
    expect(rex.locator("h2")).to_contain_text("You follow nobody yet")
    shot(rex, "feed-01-empty")
    rex.click("main >> text=Ada Lovelace")
    rex.click("button:has-text('Follow')")
    expect(rex.locator(".messages")).to_contain_text("You follow Ada Lovelace")

    # Ada's next work is accepted; it reaches Rex's feed first.
    work = decided_work(
        artist=people["ada"],
        curators=people["curators"],
        scores=(5, 5, 4),
        title="Lantern weather",
    )
    rex.click("header >> text=Following")
    titles = rex.locator(".card .title")
    expect(titles).to_have_text(["Lantern weather", "Old pier"])
    shot(rex, "feed-02-following")

    # From the artwork page, the picker files it in a new private collection.
    titles.first.click()
    expect(rex.locator("h1")).to_have_text("Lantern weather")
    rex.click("summary:has-text('Add to collection')")
    rex.fill("#new-collection-title", "Quiet harbours")
    rex.click("#collection-picker button:has-text('Save')")
    expect(rex.locator(".picker-note")).to_have_text("In “Quiet harbours”.")
    expect(rex.locator("#collection-picker input[name=collection]")).to_be_checked()
    shot(rex, "feed-03-picker")
    kept = Collection.objects.get(curated_by__username="rex")
    assert kept.published is False
    assert list(kept.works.values_list("pk", flat=True)) == [work.pk]

    rex.goto("/collections/mine/")
    rex.click("text=Quiet harbours")
    expect(rex.locator(".state")).to_contain_text("private")
    expect(rex.locator(".card .title")).to_have_text(["Lantern weather"])
    shot(rex, "feed-04-private-collection")

    # Anyone else, signed in or not, finds no such collection.
    visitor = new_page()
    response = visitor.goto(kept.get_absolute_url())
    assert response.status == 404
    visitor.goto(work.get_absolute_url())
    expect(visitor.locator("main")).not_to_contain_text("Quiet harbours")
    ada = new_page()
    login(ada, "ada")
    assert ada.goto(kept.get_absolute_url()).status == 404
