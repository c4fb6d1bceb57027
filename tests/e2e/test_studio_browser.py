"""The studio of tools in Chromium: claim, crop, filter, preview, submit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from django.core.files.base import ContentFile

from art_tasks.models import Submission
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.e2e.browser import login
from tests.e2e.test_axe import BLOCKING, axe_source, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PALETTE = ["#0b3954", "#087e8b", "#bfd7ea", "#ff5a5f", "#c81d25"]


def _painted_seed(task) -> None:
    """Give the task's first seed a colourful 320×240 picture and a palette."""
    ys, xs = np.mgrid[0:240, 0:320]
    r = 128 + 127 * np.sin(xs / 23)
    g = 128 + 127 * np.cos(ys / 17)
    b = 128 + 127 * np.sin(np.hypot(xs - 160, ys - 120) / 11)
    image = Image.fromarray(np.stack([r, g, b], -1).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    seed = task.seeds.order_by("index").first()
    seed.image.save(f"{task.pk}/painted.png", ContentFile(buffer.getvalue()))
    seed.thumbnail.save(f"{task.pk}/painted-t.png", ContentFile(buffer.getvalue()))
    seed.width, seed.height = 320, 240
    seed.recipe = {"generator": "cppn", "version": "1", "palette": PALETTE}
    seed.save()


def _canvas_pixels(page) -> list[int]:
    return page.evaluate(
        """() => {
          const c = document.getElementById('studio-preview');
          return [c.width, c.height,
                  ...c.getContext('2d').getImageData(0, 0, c.width, c.height).data
                    .filter((_, i) => i % 97 === 0)];
        }"""
    )


def test_a_contributor_crops_filters_previews_and_submits_from_the_tools(
    new_page, shot, eager_celery
):
    UserFactory(username="ada", display_name="Ada Lovelace")
    task = OpenTaskFactory(title="Tide pools", slots=3)
    _painted_seed(task)

    page = new_page()
    login(page, "ada")
    page.goto(task.get_absolute_url())
    page.click("button:has-text('Claim this task')")
    page.click("a:has-text('Open seed 1 in the tools')")
    expect(page.locator("h1")).to_have_text("Make your work from seed 1")
    # The preview marks itself painted (no page-side eval: the CSP forbids it).
    expect(page.locator("#studio-preview[data-painted]")).to_have_count(1)
    before = _canvas_pixels(page)
    assert before[:2] == [320, 240]

    # Crop to a square.
    page.click("details[data-op=crop] summary")
    page.select_option("#p-crop-ratio", "1:1")
    page.click("button[data-add-step=crop]")
    cropped = _canvas_pixels(page)
    assert cropped[0] == cropped[1]

    # A duotone from the seed's own palette, then grain.
    page.click("details[data-op=duotone] summary")
    page.click("details[data-op=duotone] .swatches >> nth=0")
    page.click("button[data-add-step=duotone]")
    page.click("details[data-op=grain] summary")
    page.fill("#p-grain-amount", "0.4")
    page.click("button[data-add-step=grain]")
    after = _canvas_pixels(page)
    assert after != cropped
    assert after[2:] != before[2:]
    expect(page.locator("#studio-step-list li")).to_have_count(3)
    serious = [
        f"{v['id']}: {v['nodes'][0]['html']}"
        for v in run_axe(page, axe_source())
        if v["impact"] in BLOCKING
    ]
    assert serious == []
    page.fill("#studio-title", "Tide at dusk")
    page.click("details[data-op=levels] summary")  # a tool open, as in use
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "studio-tools-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "studio-tools-phone")
    page.click("details[data-op=levels] summary")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("button:has-text('Render and submit')")
    expect(page.locator("#render-state")).to_contain_text("Submitted as")
    expect(page.locator("#render-state")).to_contain_text("in review")
    work = Submission.objects.get(title="Tide at dusk")
    assert work.state == Submission.State.IN_REVIEW
    assert [s["op"] for s in work.studio_recipe["steps"]] == [
        "crop",
        "duotone",
        "grain",
    ]
    assert work.studio_recipe["steps"][1]["params"]["shadow"] == PALETTE[0]
    assert work.width == work.height  # the exact render is square too
    shot(page, "studio-render-done")

    page.goto(f"/art/{work.pk}/provenance/")
    expect(page.locator("#prov-studio")).to_have_text("Made in Atelier's tools")
    expect(page.locator(".studio-steps li")).to_have_count(3)
