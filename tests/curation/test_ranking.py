"""Ranking formulas on hand-computed examples, and the top order they feed."""

from datetime import timedelta

import pytest

from django.utils import timezone

from art_tasks.models import Submission
from curation.models import RankingPrior
from curation.ranking import (
    Candidate,
    bayesian_average,
    discover_order,
    trend_score,
    wilson_lower_bound,
)
from curation.services import close_due_reviews, refresh_ranking_prior
from tests.accounts.factories import UserFactory
from tests.curation.factories import decided_work
from tests.gallery.helpers import api_titles, titles

pytestmark = pytest.mark.django_db


# Formulas -----------------------------------------------------------------------


def test_bayesian_average_pulls_few_votes_towards_the_site_mean():
    # (C·m + Σ) / (C + n) with C = 3, m = 3.0
    assert bayesian_average(score_sum=5, vote_count=1, mean=3.0, weight=3) == 3.5
    assert bayesian_average(score_sum=13, vote_count=3, mean=3.0, weight=3) == (
        pytest.approx(22 / 6)
    )
    assert bayesian_average(score_sum=0, vote_count=0, mean=3.0, weight=3) == 3.0


def test_wilson_lower_bound_ranks_400_of_500_above_2_of_2():
    assert wilson_lower_bound(likes=2, views=2) == pytest.approx(0.3424, abs=1e-4)
    assert wilson_lower_bound(likes=400, views=500) == pytest.approx(0.7627, abs=1e-4)
    assert wilson_lower_bound(likes=0, views=0) == 0.0
    # More likes than views (liked from a card) counts the likes as trials.
    assert wilson_lower_bound(likes=3, views=1) == wilson_lower_bound(likes=3, views=3)


def test_trend_score_is_points_over_age_plus_two_to_the_gravity():
    assert trend_score(points=8, age_hours=30, gravity=1.8, horizon_hours=720) == (
        pytest.approx(8 / 512)
    )
    assert trend_score(points=8, age_hours=721, gravity=1.8, horizon_hours=720) == 0


def test_discover_goes_round_robin_over_artists_and_keeps_neighbours_varied():
    c = Candidate
    works = [
        c(1, artist=1, task=1, style="s1", rank=4.9),
        c(2, artist=1, task=1, style="s1", rank=4.8),
        c(3, artist=1, task=2, style="s2", rank=4.7),
        c(4, artist=2, task=1, style="s1", rank=4.6),
        c(5, artist=3, task=2, style="s2", rank=4.5),
        c(6, artist=2, task=3, style="s3", rank=4.4),
    ] + [
        c(7 + i, artist=4 + i, task=1, style="s1", rank=3.0 - i / 10) for i in range(5)
    ]
    # Median of 11 ranks is 4.4: works 7-11 stay out. Round 1 holds each
    # artist's best (1, 4, 5) with 5 moved before 4 so task 1 does not
    # follow task 1; round 2 (2, 6) starts with 6 for the same reason.
    assert [w.pk for w in discover_order(works)] == [1, 5, 4, 6, 2, 3]


# Orders through the services ----------------------------------------------------


@pytest.fixture
def scored(roomy_task, curators, accepted_work):
    """A [5] decided on one vote after its extension, B [5,4,4], C [3,3,4]."""
    a = decided_work(
        task=roomy_task,
        artist=UserFactory(username="ann"),
        title="A",
        curators=curators,
        scores=[5],
    )
    for _ in range(2):  # window ends, extended once, then decided on one vote
        Submission.objects.filter(pk=a.pk).update(
            review_due_at=timezone.now() - timedelta(minutes=1)
        )
        close_due_reviews()
    b = accepted_work("B", [5, 4, 4])
    c = accepted_work("C", [3, 3, 4])
    a.refresh_from_db()
    return a, b, c


def test_top_is_the_bayesian_average_not_the_raw_mean(scored):
    a, b, c = scored
    assert a.state == b.state == c.state == Submission.State.ACCEPTED
    assert (a.score, b.score, c.score) == pytest.approx((5.0, 13 / 3, 10 / 3))
    assert (a.rank_top, b.rank_top, c.rank_top) == pytest.approx((3.5, 22 / 6, 19 / 6))
    assert titles("top") == api_titles("top") == ["B", "A", "C"]
    assert titles("new") == api_titles("new") == ["C", "B", "A"]


def test_measuring_the_site_mean_re_ranks_top_in_one_pass(scored):
    prior = refresh_ranking_prior()
    assert prior.mean == pytest.approx(28 / 7)  # 4.0 over the 7 accepted votes
    a, b, c = (Submission.objects.get(pk=w.pk) for w in scored)
    assert (a.rank_top, b.rank_top, c.rank_top) == pytest.approx(
        (17 / 4, 25 / 6, 22 / 6)
    )
    assert titles("top") == ["A", "B", "C"]
    # Later votes rank against the stored prior, still in O(1).
    assert RankingPrior.objects.get().mean == pytest.approx(4.0)


def test_the_prior_rewrites_ranks_only_when_the_site_mean_moved(scored, accepted_work):
    refresh_ranking_prior()
    a = scored[0]
    Submission.objects.filter(pk=a.pk).update(rank_top=0)  # a stale row
    refresh_ranking_prior()  # mean still 4.0: nothing rewritten
    assert Submission.objects.get(pk=a.pk).rank_top == 0
    accepted_work("D", [3, 3, 3])  # the site mean drops to 37 / 10
    assert refresh_ranking_prior().mean == pytest.approx(3.7)
    assert Submission.objects.get(pk=a.pk).rank_top == pytest.approx((3 * 3.7 + 5) / 4)
