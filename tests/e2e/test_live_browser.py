"""Live pages and finding work, in Chromium at desktop and phone widths.

The studio and the bell change by themselves (the page is never reloaded:
a marker set in the page survives); the tasks list, the seed picker with
its file preview, and the seed page's offer are looked at 1280 and 390 px
wide.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from art_tasks import views as task_views
from art_tasks.services import claim_task, process_submission
from community import context_processors as bell
from community.models import Notification
from community.services.notifications import notify
from core.live import Pace
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import ClaimFactory, OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.e2e.browser import login
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def quick_polls(monkeypatch):
    """Poll every second so the test waits seconds, not minutes."""
    fast = Pace(base=1, cap=2)
    monkeypatch.setattr(task_views, "STUDIO_PACE", fast)
    monkeypatch.setattr(task_views, "STUDIO_BUSY_PACE", fast)
    monkeypatch.setattr(bell, "BELL_PACE", fast)


def test_the_studio_and_the_bell_change_without_a_reload(new_page, shot, quick_polls):
    ada = UserFactory(username="ada", display_name="Ada Lovelace")
    work = submitted_work(
        artist=ada, task=OpenTaskFactory(title="Harbour"), title="Lights", process=False
    )
    page = new_page()
    login(page, "ada")
    page.goto("/studio/")
    table = page.locator("#studio-submissions")
    expect(table).to_contain_text("Processing")
    expect(page.locator("#bell [data-unread]")).to_have_count(0)
    page.evaluate("window.__stayed = true")
    shot(page, "live-01-studio-processing")

    process_submission(submission=work)
    expect(table).to_contain_text("In review", timeout=10_000)
    expect(table.locator("img.mini")).to_have_count(1)
    notify(
        recipient=ada,
        kind=Notification.Kind.MODERATION,
        text="Your work is in review.",
        url=work.get_absolute_url(),
    )
    expect(page.locator("#bell [data-unread]")).to_have_text("1", timeout=10_000)

    assert page.evaluate("window.__stayed") is True  # never reloaded
    expect(page.locator("#bell")).to_have_attribute(
        "aria-label", "Notifications: 1 unread"
    )
    shot(page, "live-02-studio-in-review-bell")


@pytest.mark.parametrize("width", WIDTHS)
def test_finding_and_doing_work_at_desktop_and_phone_widths(
    new_page, shot, tmp_path, width
):
    curators = [CuratorFactory(username=f"judge{i}") for i in range(3)]
    ada = UserFactory(username="ada")
    now = timezone.now()
    dunes = OpenTaskFactory(
        title="Dunes at noon",
        slots=3,
        seed_count=4,
        opened_at=now - timedelta(days=1),
        deadline=now + timedelta(days=3),
    )
    full = OpenTaskFactory(title="Crowded harbour", slots=1, opened_at=now)
    ClaimFactory(task=full, expires_at=now + timedelta(minutes=35))
    done = OpenTaskFactory(
        title="Glass garden", slots=5, deadline=now + timedelta(hours=6)
    )
    submitted_work(task=done, artist=ada, title="My garden")
    kept = decided_work(
        task=dunes,
        seed=dunes.seeds.get(index=2),
        artist=UserFactory(username="bo", display_name="Bo"),
        curators=curators,
        title="Heat haze",
    )

    page = new_page()
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    login(page, "ada")

    page.goto("/tasks/?sort=free")
    cards = page.locator(".task-card")
    expect(cards).to_have_count(3)
    crowded = cards.filter(has_text="Crowded harbour")
    expect(crowded.locator(".flag.full")).to_have_text("Full")
    expect(crowded.locator("button")).to_have_count(0)
    expect(crowded).to_contain_text("Next slot may free up at")
    expect(cards.filter(has_text="Glass garden")).to_contain_text("Yours · submitted")
    _fits(page, WIDTHS[width])
    shot(page, f"find-01-tasks-{width}")

    # The seed a finished work came from leads to its open task.
    page.goto(f"/seeds/{kept.seed_id}/")
    offer = page.get_by_role("link", name="Make something from this seed")
    expect(offer).to_be_visible()
    shot(page, f"find-02-seed-offer-{width}")
    offer.click()
    page.get_by_role("button", name="Claim this task").click()

    # The submit form starts on that seed, and shows the file before upload.
    expect(page.get_by_label("Seed 3", exact=True)).to_be_checked()
    expect(page.get_by_text("Licence", exact=False).first).to_be_visible()
    picture = tmp_path / "mine.png"
    picture.write_bytes(png_bytes((300, 200), (200, 90, 40)))
    page.set_input_files("input[name=image]", str(picture))
    preview = page.locator("#upload-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("img")).to_have_attribute("src", _blob())
    expect(preview.locator("figcaption")).to_contain_text("mine.png")
    page.get_by_label("Seed 4", exact=True).check()
    expect(page.get_by_label("Seed 3", exact=True)).not_to_be_checked()
    expect(page.locator(".task-works .card")).to_have_count(1)
    _fits(page, WIDTHS[width])
    shot(page, f"find-03-submit-form-{width}")

    page.fill("input[name=title]", "Dunes, later")
    page.get_by_role("button", name="Submit artwork").click()
    expect(page.locator("#studio-submissions")).to_contain_text("Dunes, later")
    work = ada.submissions.get(title="Dunes, later")
    assert work.seed.index == 3


def _blob():
    import re

    return re.compile(r"^blob:")


def _fits(page, width: int) -> None:
    """Assert the page's main content is no wider than the viewport."""
    wide = page.evaluate("document.querySelector('main').scrollWidth")
    assert wide <= width, f"main is {wide} px wide at {width}"


def test_claim_from_the_list(new_page):
    UserFactory(username="cy")
    task = OpenTaskFactory(title="Tide pools", slots=2)
    claim_task(task=OpenTaskFactory(title="Other"), user=UserFactory(username="dee"))
    page = new_page()
    login(page, "cy")
    page.goto("/tasks/")
    page.locator(".task-card", has_text="Tide pools").get_by_role(
        "button", name="Claim Tide pools"
    ).click()

    expect(page).to_have_url(f"{page.url.split('/tasks/')[0]}/tasks/{task.pk}/")
    expect(page.locator(".countdown")).to_contain_text("m")
