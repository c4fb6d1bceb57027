"""Reports, moderation, notifications and the leaderboard, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from art_tasks.models import Submission
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.curation.factories import decided_work
from tests.e2e.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community(eager_celery):
    """Staff, three curators, two artists with accepted work and a visitor."""
    people = {
        "staff": UserFactory(username="staffer", is_staff=True),
        "ada": UserFactory(username="ada", display_name="Ada Lovelace"),
        "bo": UserFactory(username="bo", display_name="Bo Painter"),
        "rex": UserFactory(username="rex", display_name="Rex Reader"),
    }
    curators = [CuratorFactory(username=f"curator{i}") for i in range(1, 4)]
    people["curators"] = curators
    people["lantern"] = decided_work(
        artist=people["ada"],
        curators=curators,
        scores=(5, 4, 5),
        title="Lantern weather",
        comments=("The glow carries the whole piece.",),
    )
    people["tide"] = decided_work(
        artist=people["bo"], curators=curators, scores=(4, 4, 3), title="Tide script"
    )
    return people


def test_a_report_leads_to_a_hidden_work(new_page, shot, community):
    work = community["lantern"]

    # A signed-in person reports the work from its page.
    rex = new_page()
    login(rex, "rex")
    rex.goto(f"/art/{work.pk}/")
    rex.click("text=Report this work")
    expect(rex.locator("#report-form")).to_be_visible()
    rex.check("input[value=copyright]")
    rex.fill("textarea[name=details]", "This is my photograph of the harbour.")
    shot(rex, "mod-01-report-form")
    rex.click("button:has-text('Send report')")
    expect(rex.locator(".messages")).to_contain_text("moderators will look")
    shot(rex, "mod-02-reported")

    # A curator opens the reports queue and hides it.
    curator = new_page()
    login(curator, "curator1")
    curator.click("header >> text=Moderation")
    item = curator.locator(".mod-item", has_text="Lantern weather")
    expect(item).to_contain_text("Copies someone else's work")
    expect(item).to_contain_text("This is my photograph of the harbour.")
    shot(curator, "mod-03-queue")
    item.locator("input[name=reason]").fill("Copies a photograph without credit.")
    item.locator("button:has-text('Hide')").click()
    expect(curator.locator(".messages")).to_contain_text("“Lantern weather” is hidden.")
    expect(curator.locator(".hidden-works")).to_contain_text(
        "Copies a photograph without credit."
    )
    shot(curator, "mod-04-hidden")
    assert Submission.objects.get(pk=work.pk).state == Submission.State.HIDDEN

    # A visitor no longer finds it in the gallery, by its URL or on the artist page.
    visitor = new_page()
    visitor.goto("/")
    expect(visitor.locator(".card .title")).to_have_text(["Tide script"])
    shot(visitor, "mod-05-gallery-without-it")
    response = visitor.goto(f"/art/{work.pk}/")
    assert response.status == 404
    expect(visitor.locator("h1")).to_have_text("Not found")
    visitor.goto("/artists/ada/")
    expect(visitor.locator(".card")).to_have_count(0)

    # The artist is told why; staff read the audit log.
    ada = new_page()
    login(ada, "ada")
    ada.click("a.bell")
    expect(ada.locator(".inbox")).to_contain_text(
        "“Lantern weather” was hidden by the moderators: Copies a photograph"
    )
    staff = new_page()
    login(staff, "staffer")
    staff.goto("/moderation/log/")
    expect(staff.locator("table.audit tbody tr")).to_have_count(1)
    expect(staff.locator("table.audit")).to_contain_text("Curator1")
    shot(staff, "mod-06-audit-log")
    staff.goto(f"/art/{work.pk}/")
    expect(staff.locator(".hidden-note")).to_contain_text(
        "Reason: Copies a photograph without credit."
    )
    shot(staff, "mod-07-hidden-work-seen-by-staff")


def test_notifications_the_leaderboard_and_following_in_the_browser(
    new_page, shot, community
):
    ada = new_page()
    login(ada, "ada")
    expect(ada.locator("a.bell .badge")).to_have_text("1")
    shot(ada, "community-01-bell")
    ada.click("a.bell")
    note = ada.locator(".inbox li").first
    expect(note).to_contain_text("“Lantern weather” was accepted into the gallery.")
    expect(note).to_contain_text("The glow carries the whole piece.")
    expect(note).to_have_class("note kind-accepted unread")
    shot(ada, "community-02-notifications")
    ada.reload()
    expect(ada.locator("a.bell .badge")).to_have_text("1")  # reading marks nothing
    ada.click("text=Mark all read")
    expect(ada.locator("a.bell .badge")).to_have_count(0)
    expect(ada.locator(".inbox li").first).not_to_have_class(
        "note kind-accepted unread"
    )

    ada.click("header >> text=Leaderboard")
    contributors = ada.locator("#contributors tbody tr")
    expect(contributors).to_have_count(2)
    expect(contributors.first).to_contain_text("Ada Lovelace")
    expect(contributors.first).to_contain_text("47")
    expect(ada.locator("#curators tbody tr")).to_have_count(3)
    shot(ada, "community-03-leaderboard")
    ada.click("nav.tabs >> text=All time")
    expect(ada.locator("nav.tabs a.current")).to_have_text("All time")

    # Rex follows Bo from Bo's page.
    rex = new_page()
    login(rex, "rex")
    rex.goto("/artists/bo/")
    expect(rex.locator(".standing")).to_contain_text("#2")
    rex.click("button:has-text('Follow')")
    expect(rex.locator(".follow-form button")).to_have_text("Following · Unfollow")
    expect(rex.locator(".artist-head")).to_contain_text("1 follower")
    shot(rex, "community-04-artist-followed")
