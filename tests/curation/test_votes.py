"""Curator votes, quorum decisions, the review queue and gallery order."""

import pytest

from art_tasks.models import Submission
from curation.errors import NotACurator, NotInReview, VoteOnOwnWork
from curation.selectors import next_for_review, review_queue
from curation.services import cast_vote
from gallery.selectors import gallery_list
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import submitted_work

pytestmark = pytest.mark.django_db


def test_three_votes_with_a_high_mean_accept_the_work(open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist)
    for curator, score in zip(curators, [4, 3, 5], strict=True):
        cast_vote(submission=work, curator=curator, score=score)
    work.refresh_from_db()
    assert work.state == Submission.State.ACCEPTED
    assert work.score == pytest.approx(4.0)
    assert "Mean score 4.00 from 3 curators" in work.decision_reason


def test_a_low_mean_rejects_the_work_at_quorum(open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist)
    cast_vote(submission=work, curator=curators[0], score=2)
    cast_vote(submission=work, curator=curators[1], score=3)
    work.refresh_from_db()
    assert work.state == Submission.State.IN_REVIEW  # short of quorum
    cast_vote(submission=work, curator=curators[2], score=2)
    work.refresh_from_db()
    assert work.state == Submission.State.REJECTED


def test_a_curator_cannot_vote_on_their_own_work(open_task, curators):
    work = submitted_work(task=open_task, artist=curators[0])
    with pytest.raises(VoteOnOwnWork, match="your own work"):
        cast_vote(submission=work, curator=curators[0], score=5)


def test_a_curator_has_one_vote_and_a_second_cast_changes_it(
    open_task, artist, curators
):
    work = submitted_work(task=open_task, artist=artist)
    cast_vote(submission=work, curator=curators[0], score=4)
    vote = cast_vote(submission=work, curator=curators[0], score=1)
    work.refresh_from_db()
    assert work.vote_count == 1
    assert work.score_sum == 1
    assert vote.score == 1
    assert vote.revised_at is not None


def test_people_outside_the_curators_group_cannot_vote(open_task, artist):
    work = submitted_work(task=open_task, artist=artist)
    with pytest.raises(NotACurator):
        cast_vote(submission=work, curator=UserFactory(username="fan"), score=5)


def test_work_still_processing_cannot_be_voted_on(open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist, process=False)
    with pytest.raises(NotInReview, match="processing"):
        cast_vote(submission=work, curator=curators[0], score=5)


def test_the_queue_serves_the_least_voted_work_and_skips_own_and_voted(
    open_task, curators
):
    first = submitted_work(
        task=open_task, artist=UserFactory(username="a1"), title="first"
    )
    second = submitted_work(
        task=open_task, artist=UserFactory(username="a2"), title="second"
    )
    own = submitted_work(task=open_task, artist=curators[0], title="own")
    cast_vote(submission=first, curator=curators[1], score=4)
    assert next_for_review(curator=curators[0]) == second  # fewest votes first
    cast_vote(submission=second, curator=curators[0], score=4)
    assert list(review_queue(curator=curators[0])) == [first]
    assert own not in review_queue(curator=curators[0])


def test_the_gallery_ranks_accepted_work_by_score_or_newest(open_task, curators):
    works = {}
    for name, scores in [("good", [4, 4, 4]), ("best", [5, 5, 4]), ("weak", [1, 2, 1])]:
        work = submitted_work(
            task=open_task, artist=UserFactory(username=name), title=name
        )
        for curator, score in zip(curators, scores, strict=True):
            cast_vote(submission=work, curator=curator, score=score)
        works[name] = work
    assert [w.title for w in gallery_list(order="top")] == ["best", "good"]
    assert [w.title for w in gallery_list(order="new")] == ["best", "good"]
    assert [w.title for w in gallery_list(artist="good")] == ["good"]


def test_the_gallery_page_costs_one_query_however_many_works(
    open_task, curators, django_assert_num_queries
):
    for i in range(4):
        work = submitted_work(task=open_task, artist=UserFactory(username=f"p{i}"))
        for curator in curators:
            cast_vote(submission=work, curator=curator, score=4)
    with django_assert_num_queries(1):
        cards = [
            (w.title, w.artist.shown_name, w.task.title, w.seed.index)
            for w in gallery_list()
        ]
    assert len(cards) == 4


def test_a_new_curator_can_join_the_pool(open_task, artist):
    curator = CuratorFactory(username="fresh")
    work = submitted_work(task=open_task, artist=artist)
    assert cast_vote(submission=work, curator=curator, score=3).score == 3
