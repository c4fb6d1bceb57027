"""Gallery orders kept up by likes, views and the periodic jobs: popular,
trending and discover, on hand-computed examples.
"""

from datetime import timedelta
from unittest import mock

import pytest

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from curation.ranking import wilson_lower_bound
from gallery.errors import LikeOwnWork
from gallery.selectors import ORDERS
from gallery.services import (
    decay_trending,
    fold_views,
    layout_discover,
    like_work,
    record_view,
    unlike_work,
)
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.gallery.helpers import api_titles, titles

pytestmark = pytest.mark.django_db


def test_popular_is_the_wilson_bound_of_likes_over_views(accepted_work):
    a = accepted_work("two-of-two")
    b = accepted_work("six-of-eight")
    c = accepted_work("three-of-four")
    fans = [UserFactory(username=f"fan{i}") for i in range(6)]
    for work, likes, views in [(a, 2, 2), (b, 6, 8), (c, 3, 4)]:
        for fan in fans[:likes]:
            like_work(submission=work, user=fan)
        for visitor in range(views):
            record_view(submission=work, viewer=AnonymousUser(), visitor=f"v{visitor}")
    fold_views()
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


def test_a_view_writes_nothing_until_the_fold_updates_count_and_rank(
    accepted_work, django_assert_num_queries
):
    work = accepted_work("viewed")
    like_work(submission=work, user=UserFactory(username="liker"))
    visitor = UserFactory(username="visitor")
    with django_assert_num_queries(0):
        assert record_view(submission=work, viewer=visitor) is True
    record_view(submission=work, viewer=UserFactory(username="second"))
    record_view(submission=work, viewer=work.artist)  # the artist's own: not counted
    work.refresh_from_db()
    assert work.view_count == 0
    assert fold_views() == 2
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
    # Each filter in each order: the filter's column, then the order's.
    filters = {"task": "task_id", "artist": "artist_id", "license": "license"}
    filters["colour"] = "colour_family"
    for name, column in filters.items():
        for order in ORDERS:
            columns = [f.lstrip("-") for f in ORDERS[order]]
            assert indexes[f"gallery_{name}_{order}"] == [
                column,
                *(Submission._meta.get_field(c).column for c in columns),
            ], (name, order)


def test_the_set_based_and_batched_trend_decay_agree(accepted_work):
    from gallery.services import _decay_trending_in_batches, _decay_trending_in_sql

    works = [accepted_work(f"w{i}", [5, 4, 3 + i % 3]) for i in range(3)]
    now = timezone.now()
    for hours, work in zip([1, 7, 50], works, strict=True):
        Submission.objects.filter(pk=work.pk).update(
            decided_at=now - timedelta(hours=hours)
        )
    horizon = now - timedelta(days=30)
    _decay_trending_in_batches(now=now, horizon=horizon, batch=10)
    batched = list(
        Submission.objects.filter(pk__in=[w.pk for w in works])
        .order_by("pk")
        .values_list("trend_score", "trend_due_at")
    )
    Submission.objects.update(trend_score=0, trend_due_at=now)
    _decay_trending_in_sql(now=now, horizon=horizon, batch=10)
    in_sql = list(
        Submission.objects.filter(pk__in=[w.pk for w in works])
        .order_by("pk")
        .values_list("trend_score", "trend_due_at")
    )
    assert [s for s, _ in in_sql] == pytest.approx([s for s, _ in batched], rel=1e-9)
    assert [d for _, d in in_sql] == [d for _, d in batched]
    batched = [s for s, _ in batched]
    assert batched[0] > batched[1] > batched[2] > 0


def test_reloading_a_work_counts_one_view_a_day_and_two_people_count_two(
    accepted_work, client, django_assert_num_queries
):
    work = accepted_work("reloaded")
    for _ in range(25):
        assert client.get(work.get_absolute_url()).status_code == 200
    fold_views()
    work.refresh_from_db()
    assert work.view_count == 1
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    for person in (ana, ben, ana, ben):
        record_view(submission=work, viewer=person)
    with django_assert_num_queries(0):
        assert record_view(submission=work, viewer=ana) is False
    fold_views()
    work.refresh_from_db()
    assert work.view_count == 3
    assert work.rank_popular == pytest.approx(wilson_lower_bound(likes=0, views=3))


def test_the_next_day_the_same_person_counts_again(accepted_work):
    work = accepted_work("daily")
    fan = UserFactory(username="daily-fan")
    record_view(submission=work, viewer=fan)
    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("gallery.services.timezone.now", return_value=tomorrow):
        assert record_view(submission=work, viewer=fan) is True
    fold_views()
    work.refresh_from_db()
    assert work.view_count == 2
