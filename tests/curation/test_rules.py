"""Voting rules: quorum, per-task rules, early close, review windows."""

from datetime import timedelta

import pytest

from django.utils import timezone

from art_tasks.models import Submission
from art_tasks.services import create_task
from art_tasks.voting import VotingRule
from curation.errors import NotInReview, VoteOnOwnTask
from curation.rules import decide_after_vote, decide_at_window_end
from curation.selectors import review_queue
from curation.services import cast_vote, close_due_reviews, close_review
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import cast_votes, decided_work

pytestmark = pytest.mark.django_db

QUORUM_3 = VotingRule(quorum=3, threshold=3.0, window=timedelta(hours=72))
QUORUM_5 = VotingRule(quorum=5, threshold=3.0, window=timedelta(hours=72))


# The rule on counters -----------------------------------------------------------


def test_at_quorum_the_mean_decides():
    accepted = decide_after_vote(rule=QUORUM_3, vote_count=3, score_sum=9)
    rejected = decide_after_vote(rule=QUORUM_3, vote_count=3, score_sum=8)
    assert (accepted.state, accepted.trigger) == ("accepted", "quorum")
    assert (rejected.state, rejected.trigger) == ("rejected", "quorum")
    assert "Mean score 2.67 from 3 curators" in rejected.reason


def test_with_the_default_quorum_two_votes_never_close_early():
    assert QUORUM_3.early_minimum == 3
    assert decide_after_vote(rule=QUORUM_3, vote_count=2, score_sum=10) is None
    assert decide_after_vote(rule=QUORUM_3, vote_count=2, score_sum=2) is None


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([5, 5, 5, 5], "accepted"),  # 20 + 1 = 21 >= 15: certain
        ([4, 4, 3, 3], "accepted"),  # 14 + 1 = 15 >= 15: certain
        ([1, 1, 1, 1], "rejected"),  # 4 + 5 = 9 < 15: certain
        ([2, 2, 2, 3], "rejected"),  # 9 + 5 = 14 < 15: certain
        ([4, 3, 3, 3], None),  # 13 + 1 = 14 < 15 <= 13 + 5: still open
    ],
)
def test_an_overwhelming_result_closes_early_once_a_majority_voted(scores, expected):
    outcome = decide_after_vote(rule=QUORUM_5, vote_count=4, score_sum=sum(scores))
    assert (outcome.state if outcome else None) == expected
    if outcome:
        assert outcome.trigger == "early"
        assert "no remaining vote could change the outcome" in outcome.reason


def test_three_of_five_votes_are_too_few_to_close_early_even_if_certain():
    assert QUORUM_5.early_minimum == 4
    assert decide_after_vote(rule=QUORUM_5, vote_count=3, score_sum=15) is None


def test_when_the_window_ends_enough_votes_decide_and_too_few_extend_once():
    rule = QUORUM_5  # late minimum: ceil(5 / 2) = 3
    decided = decide_at_window_end(rule=rule, vote_count=3, score_sum=8, extended=False)
    assert (decided.state, decided.trigger) == ("rejected", "window")
    assert (
        decide_at_window_end(rule=rule, vote_count=2, score_sum=10, extended=False)
        is None
    )
    late = decide_at_window_end(rule=rule, vote_count=1, score_sum=4, extended=True)
    assert (late.state, late.trigger) == ("accepted", "window")
    nobody = decide_at_window_end(rule=rule, vote_count=0, score_sum=0, extended=True)
    assert (nobody.state, nobody.trigger) == ("rejected", "unreviewed")
    assert "no curator voted" in nobody.reason


def test_a_task_overrides_the_site_default_only_where_it_sets_a_value(settings):
    settings.ATELIER_VOTE_QUORUM = 4
    settings.ATELIER_ACCEPT_THRESHOLD = 3.5
    settings.ATELIER_REVIEW_WINDOW_HOURS = 48
    task = OpenTaskFactory(vote_quorum=2, review_window=timedelta(hours=6))
    rule = VotingRule.for_task(task)
    assert (rule.quorum, rule.threshold, rule.window) == (2, 3.5, timedelta(hours=6))
    assert "Decided by 2 curator votes" in rule.describe()
    assert "6 hours" in rule.describe()


# Through the services -----------------------------------------------------------


def test_the_task_rule_decides_its_submissions(staff, artist, curators):
    task = OpenTaskFactory(created_by=staff, vote_quorum=2, accept_threshold=4.0)
    strict = submitted_work(task=task, artist=artist)
    work = cast_votes(strict, curators, [4, 3])
    assert work.state == Submission.State.REJECTED
    assert work.decision_rule["quorum"] == 2
    assert work.decision_rule["threshold"] == 4.0
    assert work.decision_rule["trigger"] == "quorum"


def test_staff_publish_a_task_with_its_own_voting_rule(staff):
    task = create_task(
        by=staff,
        title="Strict",
        brief="Only the best.",
        style="nebula",
        seed_count=1,
        image_size=64,
        vote_quorum=5,
        accept_threshold=4.5,
        review_window=timedelta(hours=24),
    )
    task.refresh_from_db()
    assert (task.vote_quorum, task.accept_threshold) == (5, 4.5)
    assert task.review_window == timedelta(hours=24)


def test_a_quorum_of_five_closes_early_after_four_certain_votes(
    staff, artist, many_curators
):
    task = OpenTaskFactory(created_by=staff, vote_quorum=5)
    work = submitted_work(task=task, artist=artist)
    work = cast_votes(work, many_curators[:3], [5, 5, 5])
    assert work.state == Submission.State.IN_REVIEW
    work = cast_votes(work, many_curators[3:4], [4])
    assert work.state == Submission.State.ACCEPTED
    assert work.decision_reason.startswith("Closed early: mean score 4.75 from 4 of 5")
    assert work.decision_rule["trigger"] == "early"
    with pytest.raises(NotInReview, match="accepted"):
        cast_vote(submission=work, curator=many_curators[4], score=1)


def test_a_changed_vote_keeps_the_counters_exact(open_task, artist, curators):
    work = submitted_work(task=open_task, artist=artist)
    cast_vote(submission=work, curator=curators[0], score=2, comment="Muddy.")
    cast_vote(submission=work, curator=curators[1], score=4)
    cast_vote(submission=work, curator=curators[0], score=5)  # comment kept
    work.refresh_from_db()
    assert (work.vote_count, work.score_sum, work.score) == (2, 9, 4.5)
    vote = work.votes.get(curator=curators[0])
    assert (vote.score, vote.comment) == (5, "Muddy.")
    cast_vote(submission=work, curator=curators[0], score=3, comment="")
    work.refresh_from_db()
    assert work.score_sum == 7
    assert work.votes.get(curator=curators[0]).comment == ""


def test_votes_cannot_change_after_the_decision(open_task, artist, curators):
    work = decided_work(
        task=open_task, artist=artist, curators=curators, scores=[4, 4, 4]
    )
    with pytest.raises(NotInReview, match="accepted, not in review"):
        cast_vote(submission=work, curator=curators[0], score=1)
    work.refresh_from_db()
    assert work.score_sum == 12


def test_a_curator_never_votes_on_a_task_they_published(artist):
    publisher = CuratorFactory(username="publisher", is_staff=True)
    task = OpenTaskFactory(created_by=publisher)
    work = submitted_work(task=task, artist=artist)
    with pytest.raises(VoteOnOwnTask, match="You published this task"):
        cast_vote(submission=work, curator=publisher, score=5)
    assert list(review_queue(curator=publisher)) == []


def test_entering_review_starts_the_task_window(staff, artist):
    task = OpenTaskFactory(created_by=staff, review_window=timedelta(hours=5))
    before = timezone.now()
    work = submitted_work(task=task, artist=artist)
    assert before + timedelta(hours=5) <= work.review_due_at
    assert work.review_due_at <= timezone.now() + timedelta(hours=5)


# Review windows -----------------------------------------------------------------


def _due(work: Submission, *, hours_ago: float = 1) -> None:
    Submission.objects.filter(pk=work.pk).update(
        review_due_at=timezone.now() - timedelta(hours=hours_ago)
    )


def test_when_the_window_ends_the_votes_in_hand_decide(open_task, artist, curators):
    work = decided_work(task=open_task, artist=artist, curators=curators, scores=[4, 5])
    _due(work)
    counts = close_due_reviews()
    work.refresh_from_db()
    assert counts == {"accepted": 1, "rejected": 0, "extended": 0}
    assert work.state == Submission.State.ACCEPTED
    assert work.decision_reason.startswith(
        "Review window ended: mean score 4.50 from 2"
    )
    assert work.decision_rule["trigger"] == "window"


def test_too_few_votes_send_the_work_back_to_the_top_of_the_queue_once(
    open_task, curators
):
    older = submitted_work(
        task=open_task, artist=UserFactory(username="old"), title="old"
    )
    lonely = submitted_work(
        task=open_task, artist=UserFactory(username="lone"), title="lone"
    )
    cast_vote(submission=lonely, curator=curators[0], score=2)
    _due(lonely)
    counts = close_due_reviews()
    lonely.refresh_from_db()
    assert counts["extended"] == 1
    assert lonely.state == Submission.State.IN_REVIEW
    assert lonely.review_extended_at is not None
    assert lonely.review_due_at > timezone.now() + timedelta(hours=71)
    # First for every curator who has not voted, ahead of older unvoted work.
    assert list(review_queue(curator=curators[1])) == [lonely, older]
    # When the extension ends, the one vote decides: nothing waits forever.
    _due(lonely)
    close_due_reviews()
    lonely.refresh_from_db()
    assert lonely.state == Submission.State.REJECTED
    assert lonely.decision_rule["extended"] is True


def test_work_nobody_voted_on_is_not_accepted_after_its_extension(open_task, artist):
    work = submitted_work(task=open_task, artist=artist)
    _due(work)
    close_due_reviews()
    _due(work)
    close_due_reviews()
    work.refresh_from_db()
    assert work.state == Submission.State.REJECTED
    assert work.decision_rule["trigger"] == "unreviewed"
    assert "no curator voted" in work.decision_reason


def test_closing_reviews_leaves_work_that_is_not_due_and_is_idempotent(
    open_task, artist, curators
):
    work = decided_work(task=open_task, artist=artist, curators=curators, scores=[4])
    assert close_review(submission=work).state == Submission.State.IN_REVIEW
    _due(work)
    close_due_reviews()
    work.refresh_from_db()
    due = work.review_due_at
    assert close_due_reviews() == {"accepted": 0, "rejected": 0, "extended": 0}
    work.refresh_from_db()
    assert work.review_due_at == due


def test_the_artist_sees_the_rule_and_the_reason(client, open_task, artist, curators):
    work = decided_work(
        task=open_task, artist=artist, curators=curators, scores=[2, 2, 3]
    )
    client.force_login(artist)
    studio = client.get("/studio/").content.decode()
    assert "Mean score 2.33 from 3 curators" in studio
    assert "Decided by 3 curator votes" in studio
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert "Mean score 2.33 from 3 curators" in page
    assert "decided at quorum" in page


def test_the_studio_states_the_voting_rule_once_not_on_every_row(
    client, roomy_task, artist, curators
):
    for title in ("one", "two"):
        task = OpenTaskFactory(created_by=roomy_task.created_by, title=title)
        submitted_work(task=task, artist=artist, title=title)
    decided_work(task=roomy_task, artist=artist, curators=curators, scores=[4, 4, 4])
    client.force_login(artist)
    studio = client.get("/studio/").content.decode()
    rule = VotingRule.for_task(roomy_task).describe()
    assert studio.count(rule) == 1
    assert "How works are decided" in studio
    assert "Decided at quorum." in studio  # the row says only how it ended


def test_the_artist_sees_when_review_is_due_and_that_it_was_extended(
    client, open_task, artist
):
    work = submitted_work(task=open_task, artist=artist)
    _due(work)
    close_due_reviews()
    client.force_login(artist)
    studio = client.get("/studio/").content.decode()
    assert "Decision due by" in studio
    assert "window extended once" in studio


def test_staff_set_the_voting_rule_through_the_api_and_see_it(staff):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff)
    response = client.post(
        "/api/v1/tasks/",
        {
            "title": "Strict dunes",
            "brief": "Sand.",
            "style": "nebula",
            "seed_count": 1,
            "image_size": 64,
            "vote_quorum": 5,
            "accept_threshold": 4.5,
            "review_window_hours": 24,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["voting_rule"] == {
        "quorum": 5,
        "threshold": 4.5,
        "window_hours": 24.0,
        "early_minimum": 4,
        "late_minimum": 3,
    }
    default = client.post(
        "/api/v1/tasks/",
        {"title": "Easy", "brief": "Sand.", "seed_count": 1, "image_size": 64},
        format="json",
    ).json()["voting_rule"]
    assert (default["quorum"], default["threshold"], default["window_hours"]) == (
        3,
        3.0,
        72.0,
    )
    bad = client.post(
        "/api/v1/tasks/",
        {"title": "Bad", "brief": "x", "accept_threshold": 7},
        format="json",
    )
    assert bad.status_code == 400
    assert "accept_threshold" in bad.json()["detail"]


def test_the_publish_form_offers_the_voting_rule(client, staff):
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    for label in ["Votes to decide (quorum)", "Mean score to accept", "Review window"]:
        assert label in page


def test_the_task_page_states_its_voting_rule(client, staff):
    task = OpenTaskFactory(created_by=staff, vote_quorum=4, accept_threshold=3.5)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "4 votes, accepted at mean ≥ 3.5, 72 h window" in page
