"""The review queue page: neediest first, keyboard-ready, skip and vote."""

import pytest

from django.utils import timezone

from art_tasks.models import Submission
from curation.selectors import review_queue
from curation.services import cast_vote
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(open_task, curators):
    works = [
        submitted_work(
            task=open_task, artist=UserFactory(username=f"q{i}"), title=f"q{i}"
        )
        for i in range(3)
    ]
    return works


def test_the_queue_serves_extended_then_fewest_votes_then_oldest(three, curators):
    first, second, third = three
    cast_vote(submission=first, curator=curators[1], score=3)
    cast_vote(submission=third, curator=curators[1], score=3)
    cast_vote(submission=third, curator=curators[2], score=3)
    assert list(review_queue(curator=curators[0])) == [second, first, third]
    Submission.objects.filter(pk=third.pk).update(review_extended_at=timezone.now())
    assert list(review_queue(curator=curators[0])) == [third, second, first]


def test_the_page_shows_the_work_beside_its_seed_with_the_keys(client, three, curators):
    client.force_login(curators[0])
    page = client.get("/curate/").content.decode()
    assert "data-keyboard-vote" in page
    assert 'class="seed"' in page
    assert "3 waiting for your vote" in page
    for key in ["1", "2", "3", "4", "5", "s"]:
        assert f'data-key="{key}"' in page
    assert "<kbd>c</kbd>" in page
    assert "Other curators' scores stay hidden until you vote" in page


def test_skip_moves_on_and_the_skipped_work_comes_back_on_request(
    client, three, curators
):
    client.force_login(curators[0])
    first = three[0]
    assert (
        f'<h1 id="review-title">{first.title}</h1>'
        in client.get("/curate/").content.decode()
    )
    client.post(f"/curate/{first.pk}/skip/")
    page = client.get("/curate/").content.decode()
    assert f">{three[1].title}</h1>" in page
    assert "1 skipped" in page
    for work in three[1:]:
        client.post(f"/curate/{work.pk}/vote/", {"score": "4", "comment": "Good."})
    page = client.get("/curate/").content.decode()
    assert "The queue is clear" in page
    assert "Show the 1 I skipped" in page
    client.post("/curate/skipped/reset/")
    assert f">{first.title}</h1>" in client.get("/curate/").content.decode()


def test_a_vote_from_the_page_records_score_and_comment(client, three, curators):
    client.force_login(curators[0])
    client.post(f"/curate/{three[0].pk}/vote/", {"score": "5", "comment": "Bold."})
    vote = three[0].votes.get()
    assert (vote.curator, vote.score, vote.comment) == (curators[0], 5, "Bold.")
    page = client.get("/curate/").content.decode()
    assert "Your votes awaiting a decision" in page
    bad = client.post(f"/curate/{three[1].pk}/vote/", {"score": "9"}, follow=True)
    assert "A score is a whole number from 1 to 5." in bad.content.decode()


def test_past_its_limit_the_queue_count_says_how_many_and_more(
    client, three, curators, monkeypatch
):
    """A long queue is counted only to a limit: the page says "2+", not 3."""
    from curation import selectors

    client.force_login(curators[0])
    assert "3 waiting for your vote" in client.get("/curate/").content.decode()
    monkeypatch.setattr(selectors, "QUEUE_COUNT_LIMIT", 2)
    page = client.get("/curate/").content.decode()
    assert "2+ waiting for your vote" in page
    assert "3 waiting" not in page
