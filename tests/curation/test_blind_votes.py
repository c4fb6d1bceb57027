"""Blind votes: scores stay hidden until a curator has voted; feedback after."""

import pytest

from rest_framework.test import APIClient

from curation.services import cast_vote
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work
from tests.curation.factories import cast_votes

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def work(open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist, title="Blind")
    cast_vote(submission=work, curator=curators[0], score=2, comment="Too dark.")
    return work


def test_a_curator_sees_no_other_scores_before_voting(work, curators):
    url = f"/api/v1/submissions/{work.pk}/votes/"
    before = api(curators[1]).get(url).json()
    assert before["visible"] is False
    assert before["votes"] == []
    assert "Vote first" in before["message"]
    detail = api(curators[1]).get(f"/api/v1/submissions/{work.pk}/").json()
    assert detail["score"] is None
    queued = api(curators[1]).get("/api/v1/review/next/").json()
    assert queued["id"] == work.pk
    assert queued["score"] is None


def test_after_voting_a_curator_sees_every_score_and_comment(work, curators):
    cast_vote(submission=work, curator=curators[1], score=4)
    seen = api(curators[1]).get(f"/api/v1/submissions/{work.pk}/votes/").json()
    assert seen["visible"] is True
    assert [(v["curator"], v["score"]) for v in seen["votes"]] == [
        ("curator1", 2),
        ("curator2", 4),
    ]
    assert seen["mine"]["score"] == 4
    assert seen["votes"][0]["comment"] == "Too dark."


def test_the_pages_keep_scores_hidden_until_the_curator_votes(client, work, curators):
    client.force_login(curators[1])
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert "Too dark." not in page
    assert "Vote first" in page
    assert "hidden until the decision" in page
    client.post(f"/curate/{work.pk}/vote/", {"score": "4", "next": f"/art/{work.pk}/"})
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert "Too dark." in page
    assert "Curators' votes" in page
    assert "Change your vote" in page


def test_the_artist_gets_the_comments_unsigned_once_decided(work, artist, curators):
    url = f"/api/v1/submissions/{work.pk}/votes/"
    waiting = api(artist).get(url).json()
    assert waiting["visible"] is False
    assert "with the decision" in waiting["message"]
    cast_votes(work, curators[1:], [4, 4])
    feedback = api(artist).get(url).json()
    assert feedback["visible"] is True
    assert [v["comment"] for v in feedback["votes"]] == ["Too dark.", "", ""]
    assert {v["curator"] for v in feedback["votes"]} == {None}


def test_the_artist_reads_the_feedback_on_the_artwork_page(
    client, work, artist, curators
):
    cast_votes(work, curators[1:], [4, 4])
    client.force_login(artist)
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert "Feedback from the curators" in page
    assert "Too dark." in page
    assert "Curator 1" in page
    assert "curator1" not in page.lower().replace("curator 1", "")


def test_visitors_never_see_individual_votes(work, curators):
    url = f"/api/v1/submissions/{work.pk}/votes/"
    assert api().get(url).status_code in (401, 403)
    assert api(UserFactory(username="stranger")).get(url).status_code == 404
    cast_votes(work, curators[1:], [5, 5])  # accepted: public from now on
    public = api(UserFactory(username="fan")).get(url).json()
    assert public["visible"] is False
    assert public["votes"] == []
