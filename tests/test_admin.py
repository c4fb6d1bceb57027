"""The admin goes through the services: actions decide, hide and restore as the
pages do, and what only services may write stays read-only."""

from __future__ import annotations

import pytest

from django.test import Client

from art_tasks.models import Submission
from community.models import Notification
from curation.models import Vote
from curation.services import cast_vote
from moderation.models import ModerationAction
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/art_tasks/submission/"


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(boss) -> Client:
    client = Client()
    client.force_login(boss)
    return client


def _act(client: Client, action: str, *works: Submission):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [w.pk for w in works]},
        follow=True,
    )


def test_staff_accept_a_work_in_review_from_the_admin(admin_client, open_task, artist):
    work = submitted_work(task=open_task, artist=artist, title="Dune sea")
    page = _act(admin_client, "accept", work)
    work.refresh_from_db()
    assert work.state == Submission.State.ACCEPTED
    assert work.decision_reason == "Accepted by staff."
    assert work.decision_rule["trigger"] == "staff"
    assert b"1 accepted." in page.content
    # The decision has the effects of any other: the artist hears of it.
    assert Notification.objects.filter(
        recipient=artist, kind=Notification.Kind.ACCEPTED
    ).exists()


def test_staff_reject_from_the_admin_and_a_decided_work_is_refused(
    admin_client, open_task, artist
):
    work = submitted_work(task=open_task, artist=artist)
    _act(admin_client, "reject", work)
    work.refresh_from_db()
    assert work.state == Submission.State.REJECTED
    page = _act(admin_client, "accept", work)
    work.refresh_from_db()
    assert work.state == Submission.State.REJECTED
    assert "is rejected, not in review" in page.content.decode()


def test_hide_and_restore_from_the_admin_are_logged(
    admin_client, boss, open_task, artist
):
    work = submitted_work(task=open_task, artist=artist)
    _act(admin_client, "accept", work)
    _act(admin_client, "hide", work)
    work.refresh_from_db()
    assert work.state == Submission.State.HIDDEN
    _act(admin_client, "restore", work)
    work.refresh_from_db()
    assert work.state == Submission.State.ACCEPTED
    logged = list(
        ModerationAction.objects.filter(submission=work)
        .order_by("created_at", "id")
        .values_list("action", "actor")
    )
    assert logged == [("hide", boss.pk), ("restore", boss.pk)]


def test_the_admin_cannot_write_a_state_or_a_counter(admin_client, open_task, artist):
    work = submitted_work(task=open_task, artist=artist, title="Kept")
    url = f"{CHANGELIST}{work.pk}/change/"
    form = admin_client.get(url)
    assert form.status_code == 200
    admin_client.post(
        url,
        {
            "title": "Renamed",
            "statement": work.statement,
            "license": work.license,
            "state": "accepted",
            "vote_count": "9",
            "format": work.format,
            "width": work.width,
            "height": work.height,
            "file_size": work.file_size,
        },
    )
    work.refresh_from_db()
    assert work.title == "Renamed"
    assert (work.state, work.vote_count) == (Submission.State.IN_REVIEW, 0)


def test_votes_are_read_only_in_the_admin(admin_client, open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist)
    vote = cast_vote(submission=work, curator=curators[0], score=4)
    assert admin_client.get("/admin/curation/vote/add/").status_code == 403
    url = f"/admin/curation/vote/{vote.pk}/change/"
    assert admin_client.get(url).status_code == 200  # shown, not editable
    admin_client.post(url, {"score": "1", "submission": work.pk})
    assert Vote.objects.get(pk=vote.pk).score == 4
    deleted = admin_client.post(
        f"/admin/curation/vote/{vote.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert Vote.objects.filter(pk=vote.pk).exists()


@pytest.mark.parametrize(
    "model",
    [
        "art_tasks/creationtask",
        "art_tasks/claim",
        "art_tasks/submission",
        "art_tasks/seedimage",
        "generation/generationjob",
        "community/notification",
        "community/follow",
        "community/reputationevent",
        "moderation/report",
        "moderation/moderationaction",
    ],
)
def test_rows_only_services_make_cannot_be_added_in_the_admin(admin_client, model):
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403
