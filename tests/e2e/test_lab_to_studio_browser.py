"""From the lab to the studio in Chromium: breed, keep, publish, make, submit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from art_tasks.models import CreationTask, Submission
from community.models import ReputationEvent
from generation.models import LabSeed
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.e2e.browser import login
from tests.e2e.test_lab_browser import GRID, GRID_URL, _grid_id, small_lab  # noqa: F401
from tests.e2e.test_studio_browser import _canvas_pixels
from tests.generation.factories import breedable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _breed_three_generations(page) -> list[int]:
    """From a grid page: pick a child, breed, three times; return the grid ids."""
    grids = [_grid_id(page)]
    for generation in (1, 2, 3):
        expect(page.locator(".lab-pick input[name=pick]")).to_have_count(GRID)
        expect(page.locator(".lab-progress")).to_contain_text(f"All {GRID} children")
        page.locator(".lab-pick").nth(generation % GRID).click()
        with page.expect_navigation():
            page.click("button:has-text('Breed picked')")
        expect(page).to_have_url(GRID_URL)
        grids.append(_grid_id(page))
    expect(page.locator(".lab-pick input[name=pick]")).to_have_count(GRID)
    return grids


def test_a_lab_seed_becomes_a_task_and_a_studio_work_with_credit(
    new_page,
    shot,
    eager_celery,
    small_lab,  # noqa: F811
):
    mira = UserFactory(username="mira", display_name="Mira Sol")
    UserFactory(username="staffer", is_staff=True)
    origin = breedable(OpenTaskFactory(title="Harbour lights"))[0]

    # A member breeds three generations from a seed page and keeps a child.
    page = new_page()
    login(page, "mira")
    page.goto(f"/seeds/{origin.pk}/")
    page.click("button:has-text('Breed in the lab')")
    expect(page).to_have_url(GRID_URL)
    grids = _breed_three_generations(page)
    assert len(set(grids)) == 4
    shot(page, "lab-studio-01-grid")
    with page.expect_navigation():
        page.locator(".lab-child-actions button:has-text('Keep')").first.click()
    expect(page.locator(".messages")).to_contain_text("Kept in My seeds")
    kept = LabSeed.objects.get(breeder=mira, kept_at__isnull=False)
    assert kept.recipe["generation"] == 4

    # From My seeds, she opens the kept seed and proposes it to staff.
    page.goto("/lab/seeds/")
    page.click(f"a[href='/lab/seeds/{kept.pk}/']")
    expect(page.locator("h1")).to_have_text(f"Lab seed {kept.pk}")
    page.select_option("#propose-task", "")
    with page.expect_navigation():
        page.click(".lab-propose button:has-text('Propose')")
    expect(page.locator(".messages")).to_contain_text("Proposed to staff")
    shot(page, "lab-studio-02-proposed")

    # Staff publish a task from that lab seed on the publish page.
    staff = new_page()
    login(staff, "staffer")
    staff.goto("/staff/publish/")
    staff.fill("input[name=title]", "Bred at the harbour")
    staff.fill("textarea[name=brief]", "Make a work from a seed bred by people.")
    staff.select_option("select[name=image_size]", "256")
    staff.check("input[name=source][value=lab]")
    offered = staff.locator(f".lab-seeds input[name=lab_seeds][value='{kept.pk}']")
    expect(staff.locator(".lab-seeds")).to_contain_text("by mira · proposed")
    offered.check()
    staff.evaluate("window.scrollTo(0, 0)")
    shot(staff, "lab-studio-03-publish")
    staff.click("button:has-text('Publish and paint seeds')")
    staff.wait_for_url("**/tasks/*/")
    staff.reload()
    expect(staff.locator(".state")).to_have_text("Open")
    expect(staff.locator(".seeds img")).to_have_count(1)
    task = CreationTask.objects.get(title="Bred at the harbour")
    seed = task.seeds.get()
    assert seed.recipe["lab_seed"] == kept.pk
    assert seed.recipe["bred_by"] == "mira"

    # The breeder got the lab credit in the ledger.
    credit = ReputationEvent.objects.filter(
        user=mira, reason=ReputationEvent.Reason.LAB_SEED
    )
    assert [e.points for e in credit] == [5]

    # The breeder claims the task and works on the seed in the studio tools.
    page.goto(task.get_absolute_url())
    page.click("button:has-text('Claim this task')")
    page.click("a:has-text('Open seed 1 in the tools')")
    expect(page.locator("h1")).to_have_text("Make your work from seed 1")
    # The preview marks itself painted (no page-side eval: the CSP forbids it).
    expect(page.locator("#studio-preview[data-painted]")).to_have_count(1)
    before = _canvas_pixels(page)
    assert before[:2] == [256, 256]
    page.click("details[data-op=crop] summary")
    page.select_option("#p-crop-ratio", "16:9")
    page.click("button[data-add-step=crop]")
    cropped = _canvas_pixels(page)
    assert cropped[0] > cropped[1]  # wider than tall now
    page.click("details[data-op=posterise] summary")
    page.fill("#p-posterise-levels", "3")
    page.click("button[data-add-step=posterise]")
    after = _canvas_pixels(page)
    assert after[:2] == cropped[:2]
    assert after[2:] != cropped[2:]
    expect(page.locator("#studio-step-list li")).to_have_count(2)
    page.fill("#studio-title", "Harbour, bred and cut")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "lab-studio-04-tools")
    page.click("button:has-text('Render and submit')")
    expect(page.locator("#render-state")).to_contain_text("Submitted as")
    expect(page.locator("#render-state")).to_contain_text("in review")

    # The work is in review with its studio recipe.
    work = Submission.objects.get(title="Harbour, bred and cut")
    assert work.state == Submission.State.IN_REVIEW
    assert work.seed_id == seed.pk
    assert [s["op"] for s in work.studio_recipe["steps"]] == ["crop", "posterise"]
    assert work.width > work.height

    # Its provenance shows the studio steps; its seed's family tree the lab step.
    page.goto(f"/art/{work.pk}/provenance/")
    expect(page.locator("#prov-studio")).to_have_text("Made in Atelier's tools")
    expect(page.locator(".studio-steps li")).to_have_count(2)
    page.click("#prov-seed ~ dl a:has-text('Seed 1')")
    tree = page.locator(".family-tree")
    expect(tree.locator(".self .edge.human")).to_have_text(
        "human step: picked in the lab by mira"
    )
    origin_thumb = tree.locator(".ancestors img[alt='Seed 1 of Harbour lights']")
    expect(origin_thumb).to_be_visible()
    shot(page, "lab-studio-05-family-tree")

    # The lab seed's own page says which task it seeds, and its lab lineage.
    page.goto(f"/lab/seeds/{kept.pk}/")
    expect(page.locator(".msg.success")).to_contain_text(
        "Seeds the task Bred at the harbour"
    )
    expect(page.locator(".lab-lineage .edge.human")).to_have_text(
        ["human step: picked in the lab by mira"]
    )
