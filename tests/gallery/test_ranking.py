"""Gallery orders on hand-computed examples: top, popular, trending, new, discover."""

from datetime import timedelta

import pytest

from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.errors import NoSuchGalleryWork
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
from gallery.errors import LikeOwnWork
from gallery.selectors import ORDERS, gallery_list
from gallery.services import (
    decay_trending,
    layout_discover,
    like_work,
    record_view,
    unlike_work,
)
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


def titles(order: str) -> list[str]:
    return [w.title for w in gallery_list(order=order)]


def api_titles(order: str) -> list[str]:
    page = APIClient().get(f"/api/v1/gallery/?order={order}").json()
    return [w["title"] for w in page["results"]]


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


def test_popular_is_the_wilson_bound_of_likes_over_views(accepted_work):
    a = accepted_work("two-of-two")
    b = accepted_work("six-of-eight")
    c = accepted_work("three-of-four")
    fans = [UserFactory(username=f"fan{i}") for i in range(6)]
    for work, likes, views in [(a, 2, 2), (b, 6, 8), (c, 3, 4)]:
        for fan in fans[:likes]:
            like_work(submission=work, user=fan)
        for _ in range(views):
            record_view(submission=work, viewer=fans[0])
    ranks = [Submission.objects.get(pk=w.pk).rank_popular for w in (a, b, c)]
    assert ranks == pytest.approx([0.3424, 0.4093, 0.3006], abs=1e-4)
    assert (
        titles("popular")
        == api_titles("popular")
        == [
            "six-of-eight",
            "two-of-two",
            "three-of-four",
        ]
    )


def test_a_view_updates_the_count_and_the_popular_rank_in_one_statement(
    accepted_work, django_assert_num_queries
):
    work = accepted_work("viewed")
    like_work(submission=work, user=UserFactory(username="liker"))
    visitor = UserFactory(username="visitor")
    with django_assert_num_queries(1):
        assert record_view(submission=work, viewer=visitor) is True
    record_view(submission=work, viewer=visitor)
    record_view(submission=work, viewer=work.artist)  # the artist's own: not counted
    work.refresh_from_db()
    assert work.view_count == 2
    assert work.rank_popular == pytest.approx(wilson_lower_bound(likes=1, views=2))


def test_unliking_takes_the_like_back_out_of_the_ranks(accepted_work):
    work = accepted_work("fickle")
    fan = UserFactory(username="fickle-fan")
    like_work(submission=work, user=fan)
    like_work(submission=work, user=fan)  # twice changes nothing
    work.refresh_from_db()
    assert work.like_count == 1
    assert work.rank_popular == pytest.approx(wilson_lower_bound(likes=1, views=0))
    unlike_work(submission=work, user=fan)
    work.refresh_from_db()
    assert (work.like_count, work.rank_popular) == (0, 0.0)


def test_likes_are_for_gallery_work_by_someone_else(open_task, artist, accepted_work):
    in_review = submitted_work(task=open_task, artist=artist)
    with pytest.raises(NoSuchGalleryWork, match="No such artwork"):
        like_work(submission=in_review, user=UserFactory(username="eager"))
    mine = accepted_work("mine", artist=UserFactory(username="self-liker"))
    with pytest.raises(LikeOwnWork, match="your own work"):
        like_work(submission=mine, user=mine.artist)


def test_trending_decays_with_age_so_fresh_work_overtakes(accepted_work):
    old = accepted_work("old", [5, 5, 5])  # 3 points from the votes
    new = accepted_work("new", [3, 3, 3])  # 1.8 points
    assert old.trend_score == pytest.approx(3.0 / 2**1.8, rel=1e-3)
    fans = [UserFactory(username=f"t{i}") for i in range(5)]
    for fan in fans:
        like_work(submission=old, user=fan)  # 8 points now
    old.refresh_from_db()
    assert old.trend_score == pytest.approx(8.0 / 2**1.8, rel=1e-3)
    assert titles("trending") == ["old", "new"]
    now = timezone.now()
    Submission.objects.filter(pk=old.pk).update(decided_at=now - timedelta(hours=30))
    Submission.objects.filter(pk=new.pk).update(decided_at=now)
    assert decay_trending(now=now) == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.trend_score == pytest.approx(8 / 512)  # 8 / (30 + 2) ** 1.8
    assert new.trend_score == pytest.approx(1.8 / 2**1.8)
    assert titles("trending") == api_titles("trending") == ["new", "old"]


def test_work_past_the_trending_horizon_stops_trending(accepted_work, settings):
    settings.ATELIER_TRENDING_DAYS = 2
    work = accepted_work("ancient")
    Submission.objects.filter(pk=work.pk).update(
        decided_at=timezone.now() - timedelta(days=3)
    )
    decay_trending()
    work.refresh_from_db()
    assert work.trend_score == 0


def test_discover_interleaves_artists_among_work_above_the_median(accepted_work, staff):
    x = UserFactory(username="xavier")
    y = UserFactory(username="yara")
    z = UserFactory(username="zed")
    t1, t2, t3 = (OpenTaskFactory(created_by=staff) for _ in range(3))
    accepted_work("X1", [5, 5, 5], artist=x, task=t1)  # rank 4.0
    accepted_work("X2", [5, 5, 4], artist=x, task=t2)  # 3.83
    accepted_work("Y1", [5, 4, 4], artist=y, task=t1)  # 3.67
    accepted_work("X3", [4, 4, 4], artist=x, task=t3)  # 3.5
    accepted_work("Z1", [3, 3, 3], artist=z, task=t2)  # 3.0
    accepted_work("Z2", [3, 3, 4], artist=z, task=t3)  # 3.17
    assert titles("discover") == []  # laid out by the periodic job
    assert layout_discover() == 3  # median 3.58: X1, X2, Y1
    assert titles("top")[:3] == ["X1", "X2", "Y1"]
    assert titles("discover") == api_titles("discover") == ["X1", "Y1", "X2"]


def test_every_order_is_backed_by_a_partial_index_matching_it():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, Submission._meta.db_table
        )
    indexes = {name: c["columns"] for name, c in constraints.items() if c["index"]}
    expected = {
        "top": "gallery_top",
        "popular": "gallery_popular",
        "trending": "gallery_trending",
        "new": "gallery_new",
        "discover": "gallery_discover",
    }
    for order, index in expected.items():
        columns = [f.lstrip("-") for f in ORDERS[order]]
        assert indexes[index] == [
            Submission._meta.get_field(c).column for c in columns
        ], order
    assert indexes["gallery_colour"] == ["colour_family"]


def test_the_set_based_and_batched_trend_decay_agree(accepted_work):
    from gallery.services import _decay_trending_in_batches, _decay_trending_in_sql

    works = [accepted_work(f"w{i}", [5, 4, 3 + i % 3]) for i in range(3)]
    now = timezone.now()
    for hours, work in zip([1, 7, 50], works, strict=True):
        Submission.objects.filter(pk=work.pk).update(
            decided_at=now - timedelta(hours=hours)
        )
    horizon = now - timedelta(days=30)
    _decay_trending_in_batches(now=now, horizon=horizon)
    batched = [Submission.objects.get(pk=w.pk).trend_score for w in works]
    Submission.objects.update(trend_score=0)
    _decay_trending_in_sql(now=now, horizon=horizon)
    in_sql = [Submission.objects.get(pk=w.pk).trend_score for w in works]
    assert in_sql == pytest.approx(batched, rel=1e-9)
    assert batched[0] > batched[1] > batched[2] > 0
