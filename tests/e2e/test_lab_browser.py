"""The breeding lab in Chromium: three generations, keeping one, live progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from generation import lab_views
from generation.models import LabSeed
from generation.services.lab import run_lab_grid, start_lab_grid
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.e2e.browser import login
from tests.generation.factories import breedable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = 4
GRID_URL = re.compile(r".*/lab/grids/\d+/$")


@pytest.fixture
def small_lab(settings):
    settings.ATELIER_LAB_GRID = GRID
    settings.ATELIER_LAB_IMAGE_SIZE = 64


def _grid_id(page) -> int:
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_a_person_breeds_three_generations_and_keeps_one(
    new_page, shot, eager_celery, small_lab
):
    person = UserFactory(username="mira")
    seed = breedable(OpenTaskFactory(title="Harbour lights"))[0]
    page = new_page()
    login(page, "mira")
    page.goto(f"/seeds/{seed.pk}/")
    page.click("button:has-text('Breed in the lab')")
    expect(page).to_have_url(GRID_URL)
    grids = [_grid_id(page)]
    for generation in (1, 2, 3):
        expect(page.locator(".lab-pick input[name=pick]")).to_have_count(GRID)
        expect(page.locator(".lab-progress")).to_contain_text("All 4 children")
        page.locator(".lab-pick").nth(generation % GRID).click()
        if generation == 2:  # two picks: a crossover
            page.locator(".lab-pick").nth(0).click()
        with page.expect_navigation():
            page.click("button:has-text('Breed picked')")
        expect(page).to_have_url(GRID_URL)
        grids.append(_grid_id(page))
    assert len(set(grids)) == 4
    expect(page.locator(".lab-pick input[name=pick]")).to_have_count(GRID)
    shot(page, "lab-grid-desktop")
    with page.expect_navigation():
        page.locator(".lab-child-actions button:has-text('Keep')").first.click()
    expect(page.locator(".messages")).to_contain_text("Kept in My seeds")
    kept = LabSeed.objects.get(breeder=person, kept_at__isnull=False)
    assert kept.recipe["generation"] == 4  # the seed's own child is generation 1
    assert kept.grid_id == grids[-1]
    with page.expect_navigation():
        page.click("button:has-text('Step back')")
    assert _grid_id(page) == grids[-2]
    page.goto("/lab/seeds/")
    expect(page.locator(f"a[href='/lab/seeds/{kept.pk}/']")).to_be_visible()
    shot(page, "lab-my-seeds-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/lab/grids/{grids[-1]}/")
    shot(page, "lab-grid-phone")


def test_children_appear_as_the_worker_paints_them(
    new_page, shot, small_lab, monkeypatch
):
    from core.live import Pace

    monkeypatch.setattr(lab_views, "GRID_PACE", Pace(base=1, cap=1))
    person = UserFactory(username="noor")
    seed = breedable(OpenTaskFactory(title="Tides"))[0]
    grid = start_lab_grid(by=person, seeds=[seed])  # no worker yet
    page = new_page()
    login(page, "noor")
    page.goto(f"/lab/grids/{grid.pk}/")
    expect(page.locator(".lab-pending")).to_have_count(GRID)
    expect(page.locator(".lab-progress")).to_contain_text("0 of 4")
    page.evaluate("document.body.dataset.marker = 'same page'")
    shot(page, "lab-grid-painting")
    run_lab_grid(grid=grid)  # the worker paints; the page follows by itself
    expect(page.locator(".lab-pick input[name=pick]")).to_have_count(GRID)
    expect(page.locator(".lab-progress")).to_contain_text("All 4 children")
    assert page.evaluate("document.body.dataset.marker") == "same page"
