"""Comments on an accepted work, in Chromium: comment, reply, the artist hears."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.services import post_comment, report_comment
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.curation.factories import decided_work
from tests.e2e.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lantern(eager_celery):
    """Ada's accepted work, and two people who look at it."""
    curators = [CuratorFactory(username=f"curator{i}") for i in range(1, 4)]
    UserFactory(username="bo", display_name="Bo Painter")
    UserFactory(username="rex", display_name="Rex Reader")
    return decided_work(
        artist=UserFactory(username="ada", display_name="Ada Lovelace"),
        curators=curators,
        scores=(5, 4, 5),
        title="Lantern weather",
    )


def test_a_comment_and_a_reply_reach_the_artist(new_page, shot, lantern):
    # Bo comments from the work's page; the thread loads and updates in place.
    bo = new_page()
    login(bo, "bo")
    bo.goto(f"/art/{lantern.pk}/")
    expect(bo.locator("#comments .no-comments")).to_have_text("No comments yet.")
    bo.fill("#comment-body", "The glow on the water is lovely.")
    bo.click("button:has-text('Post comment')")
    thread = bo.locator("#comments .thread")
    expect(thread).to_have_count(1)
    expect(thread.first).to_contain_text("The glow on the water is lovely.")
    expect(bo.locator("#comments .comment-count")).to_have_text("(1)")

    # Rex replies to Bo's comment.
    rex = new_page()
    login(rex, "rex")
    rex.goto(f"/art/{lantern.pk}/")
    first = rex.locator("#comments .thread").first
    first.locator("summary:has-text('Reply')").click()
    first.locator("textarea[name=body]").fill("Agreed, the lanterns sing.")
    first.locator("button:has-text('Post reply')").click()
    expect(rex.locator("#comments .replies .comment")).to_contain_text(
        "Agreed, the lanterns sing."
    )
    expect(rex.locator("#comments .comment-count")).to_have_text("(2)")

    # Ada, the artist, sees both in her notifications and the thread.
    ada = new_page()
    login(ada, "ada")
    ada.goto("/notifications/")
    inbox = ada.locator("main")
    expect(inbox).to_contain_text(
        "Bo Painter commented on your work “Lantern weather”."
    )
    expect(inbox).to_contain_text(
        "Rex Reader replied in a thread on your work “Lantern weather”."
    )
    ada.goto(f"/art/{lantern.pk}/")
    expect(ada.locator("#comments .replies .comment")).to_contain_text(
        "Agreed, the lanterns sing."
    )
    expect(ada.locator("#comments .comment-author").first).to_have_text("Bo Painter")
    shot(ada, "comments-01-artwork-1280")
    ada.set_viewport_size({"width": 390, "height": 844})
    ada.goto(f"/art/{lantern.pk}/")
    expect(ada.locator("#comments .replies .comment")).to_be_visible()
    shot(ada, "comments-02-artwork-390")

    # Bo heard of the reply to his comment.
    bo.goto("/notifications/")
    expect(bo.locator("main")).to_contain_text(
        "Rex Reader replied to your comment on “Lantern weather”."
    )


def test_a_reported_comment_is_hidden_from_the_queue(new_page, shot, lantern):
    rude = post_comment(
        submission=lantern,
        author=UserFactory(username="troll", display_name="Troll"),
        body="Copied, obviously.",
    )
    report_comment(comment=rude, reporter=lantern.artist, reason="offensive")
    curator = new_page()
    login(curator, "curator1")
    curator.goto("/moderation/")
    curator.click("text=their own queue")
    item = curator.locator(".mod-comment", has_text="Copied, obviously.")
    expect(item).to_contain_text("1 open report")
    shot(curator, "comments-03-queue-1280")
    curator.set_viewport_size({"width": 390, "height": 844})
    shot(curator, "comments-04-queue-390")
    item.locator("input[name=reason]").fill("A personal attack.")
    item.locator("button:has-text('Hide')").click()
    expect(curator.locator(".messages")).to_contain_text("The comment is hidden.")

    visitor = new_page()
    visitor.goto(f"/art/{lantern.pk}/")
    expect(visitor.locator("#comments .no-comments")).to_be_visible()
    expect(visitor.locator("#comments")).not_to_contain_text("Copied, obviously.")
