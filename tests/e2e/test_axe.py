"""Every page passes axe-core with no serious or critical violation.

axe-core (pinned in package.json, installed by `make install` through npm) is
read from node_modules and evaluated in each page, so the site's strict
Content-Security-Policy needs no exception. The counts by rule are printed,
so a failing run says what to fix first.
"""

from __future__ import annotations

import collections
import json
from datetime import timedelta
from pathlib import Path

import pytest

from django.utils import timezone

from art_tasks.services import claim_task
from community.services.challenges import close_challenge, open_challenge
from moderation.services import report_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.e2e.browser import login
from tests.gallery.factories import CollectionFactory, CollectionItemFactory
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (see `make install`)")
    return AXE.read_text()


def run_axe(page, source: str) -> list[dict]:
    """Return axe's violations for the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(source)
    result = page.evaluate(
        """async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({
            id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.html.slice(0, 160)),
        }));
    }"""
    )
    return result


@pytest.fixture
def site(db):
    staff = UserFactory(username="boss", is_staff=True, is_superuser=True)
    curators = [CuratorFactory(username=f"judge{i}") for i in range(1, 5)]
    artist = UserFactory(username="ada", display_name="Ada Lovelace")
    member = UserFactory(username="member")
    task = OpenTaskFactory(created_by=staff, title="Dunes", slots=20)
    other = OpenTaskFactory(created_by=staff, title="Tides", slots=20)
    accepted = decided_work(
        task=task,
        artist=artist,
        title="Dune one",
        curators=curators[:3],
        scores=(5, 4, 5),
        tags=("sand",),
    )
    submitted_work(task=other, artist=artist, title="Tide", image=png_bytes((80, 60)))
    claim_task(task=other, user=member)
    report_work(submission=accepted, reporter=member, reason="spam")
    collection = CollectionFactory(
        slug="picks", title="Picks", curated_by=staff, published=True, cover=accepted
    )
    CollectionItemFactory(collection=collection, submission=accepted, position=1)
    seed = task.seeds.first()
    now = timezone.now()
    past = open_challenge(
        by=staff,
        title="Dune week",
        theme="Sand in the wind.",
        tasks=[task],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(minutes=1),
    )
    close_challenge(challenge=past, now=past.closes_at + timedelta(minutes=1))
    current = open_challenge(
        by=staff,
        title="Tide week",
        theme="Water and light.",
        tasks=[task, other],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2),
    )
    return {
        "visitor": [
            "/",
            "/?order=discover",
            f"/art/{accepted.pk}/",
            f"/art/{accepted.pk}/provenance/",
            "/collections/",
            "/collections/picks/",
            "/tasks/",
            f"/tasks/{task.pk}/",
            f"/seeds/{seed.pk}/",
            "/artists/ada/",
            "/leaderboard/",
            "/challenges/",
            past.get_absolute_url(),
            current.get_absolute_url(),
            "/search/?q=dune",
            "/search/?q=the",
            "/tags/sand/",
            "/accounts/login/",
            "/accounts/signup/",
        ],
        "member": [
            "/studio/",
            f"/tasks/{other.pk}/",
            "/notifications/",
            "/settings/profile/",
            "/settings/tokens/",
            f"/art/{accepted.pk}/report/",
        ],
        "ada": ["/studio/", f"/art/{accepted.pk}/", "/artists/ada/"],
        "judge4": ["/curate/", "/moderation/", "/moderation/log/"],
        "boss": [
            "/staff/publish/",
            "/staff/status/",
            "/staff/generators/",
            "/staff/mail/",
            "/challenges/new/",
            "/moderation/",
            "/moderation/log/",
        ],
    }


def test_no_page_has_a_serious_or_critical_axe_violation(new_page, site):
    source = axe_source()
    by_rule: collections.Counter[str] = collections.Counter()
    found: list[str] = []
    for who, paths in site.items():
        page = new_page()
        if who != "visitor":
            login(page, who)
        for path in paths:
            response = page.goto(path)
            assert response is not None, (who, path)
            assert response.status == 200, (who, path)
            for violation in run_axe(page, source):
                if violation["impact"] not in BLOCKING:
                    continue
                by_rule[violation["id"]] += len(violation["nodes"])
                found += [
                    f"{who} {path} {violation['id']}: {node}"
                    for node in violation["nodes"]
                ]
    print("axe serious/critical nodes by rule:", json.dumps(dict(by_rule)))
    print("\n".join(found))
    assert sum(by_rule.values()) == 0, (dict(by_rule), found[:40])


def test_the_skip_link_comes_first_and_a_card_is_one_link_stop(new_page, site, shot):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.textContent.trim(),"
        " document.activeElement.getBoundingClientRect().top]"
    )
    assert focused[0] == "Skip to content"
    assert focused[1] >= 0  # moved into view when focused
    shot(page, "axe-skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # Within a card, the title is the one link in the tab order; the
    # picture and the artist's name lead nowhere else and are skipped.
    card = page.locator(".gallery-grid .card").first
    tabbable = card.evaluate(
        """c => [...c.querySelectorAll("a, button")]
            .filter(e => e.tabIndex >= 0).map(e => e.tagName + ":" + e.className)"""
    )
    assert tabbable == ["A:title", "A:like-btn"]
