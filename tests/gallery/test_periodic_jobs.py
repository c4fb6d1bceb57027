"""The beat jobs do work bounded by what changed, and page views fold exactly.

Trending decay, the ranking prior and the discover layout each run every
few minutes over the whole gallery's orders; a run with nothing changed
writes no submission row. Page views are counted in Redis and folded into
the table once, none lost to a fold running while people keep reading.
"""

import threading
from datetime import timedelta

import pytest

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from art_tasks.models import Submission
from curation.models import RankingPrior
from curation.ranking import TREND_MIN_STEP, wilson_lower_bound
from curation.services import refresh_ranking_prior
from gallery import services
from gallery.models import ViewFold
from gallery.services import (
    decay_trending,
    fold_views,
    layout_discover,
    like_work,
    record_view,
)
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.gallery.helpers import titles

pytestmark = pytest.mark.django_db


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
        and "art_tasks_submission" in q["sql"]
    ]


# Trending ---------------------------------------------------------------------


def test_a_second_decay_run_with_nothing_due_writes_no_row(accepted_work):
    works = [accepted_work(f"d{i}") for i in range(3)]
    now = timezone.now()
    assert decay_trending(now=now) == 3
    with CaptureQueriesContext(connection) as queries:
        assert decay_trending(now=now + timedelta(minutes=1)) == 0
    assert len(queries.captured_queries) <= 3
    assert [Submission.objects.get(pk=w.pk).trend_due_at > now for w in works] == [
        True
    ] * 3


def test_old_work_is_rewritten_less_often_than_fresh_work(accepted_work):
    fresh, old = accepted_work("fresh"), accepted_work("old")
    now = timezone.now()
    Submission.objects.filter(pk=old.pk).update(decided_at=now - timedelta(days=10))
    Submission.objects.filter(pk=fresh.pk).update(decided_at=now)
    decay_trending(now=now)
    fresh.refresh_from_db()
    old.refresh_from_db()
    assert fresh.trend_due_at - now == TREND_MIN_STEP
    # (10 days + 2 h) / 16: about 15 hours until the next rewrite.
    assert old.trend_due_at - now == (timedelta(days=10, hours=2)) / 16
    # Half an hour on, only the fresh work is due again.
    assert decay_trending(now=now + timedelta(minutes=30)) == 1


def test_trending_stays_within_its_bound_and_in_order_between_rewrites(
    accepted_work,
):
    """Hourly runs keep every score just above its exact value, never below."""
    older = accepted_work("older", [5, 5, 5])
    for i in range(4):
        like_work(submission=older, user=UserFactory(username=f"f{i}"))  # 7 points
    now = timezone.now()
    Submission.objects.filter(pk=older.pk).update(decided_at=now - timedelta(hours=1))
    decay_trending(now=now)
    newer = accepted_work("newer", [4, 4, 4])  # 2.4 points, accepted 6 h later
    Submission.objects.filter(pk=newer.pk).update(decided_at=now + timedelta(hours=6))
    decay_trending(now=now + timedelta(hours=6))
    assert titles("trending") == ["newer", "older"]  # 0.69 against 0.13
    bound = (1 + 1 / 16) ** 1.8
    for hours in range(7, 24 * 5):
        at = now + timedelta(hours=hours)
        decay_trending(now=at)
        older.refresh_from_db()
        newer.refresh_from_db()
        exact_older = 7 / (hours + 1 + 2) ** 1.8
        exact_newer = 2.4 / (hours - 6 + 2) ** 1.8
        assert exact_older <= older.trend_score * (1 + 1e-9) <= exact_older * bound
        assert exact_newer <= newer.trend_score * (1 + 1e-9) <= exact_newer * bound
    # More points win in the long run: the order follows the exact scores.
    assert titles("trending") == ["older", "newer"]


def test_work_leaves_the_decay_schedule_at_the_horizon(accepted_work, settings):
    settings.ATELIER_TRENDING_DAYS = 1
    work = accepted_work("brief")
    now = timezone.now()
    for hours in range(0, 30):
        decay_trending(now=now + timedelta(hours=hours))
    work.refresh_from_db()
    assert (work.trend_score, work.trend_due_at) == (0, None)
    assert decay_trending(now=now + timedelta(days=5)) == 0


# The ranking prior ------------------------------------------------------------


def test_the_prior_reads_only_rows_whose_votes_changed(scored_gallery):
    refresh_ranking_prior()
    stamps = dict(Submission.objects.values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        prior = refresh_ranking_prior()
    assert _writes(queries) == []
    assert dict(Submission.objects.values_list("pk", "updated_at")) == stamps
    assert (prior.vote_total, prior.score_total) == (9, 36)


def test_the_prior_totals_follow_new_work_and_work_leaving_the_gallery(
    scored_gallery, accepted_work
):
    refresh_ranking_prior()
    b = scored_gallery[1]
    accepted_work("D", [3, 3, 3])
    Submission.objects.filter(pk=b.pk).update(state=Submission.State.HIDDEN)
    prior = refresh_ranking_prior()
    # 9 votes summing 36, plus D's three 3s, minus B's three 4s.
    assert (prior.vote_total, prior.score_total) == (9, 33)
    assert prior.mean == pytest.approx(33 / 9)
    assert RankingPrior.objects.get().vote_total == 9


def test_a_re_rank_spreads_over_runs_in_keyset_batches(scored_gallery, monkeypatch):
    from curation import services as curation_services

    monkeypatch.setattr(curation_services, "PRIOR_RERANK_LIMIT", 2)
    prior = refresh_ranking_prior()  # m moves from 3.0 to 4.0
    assert prior.rerank_after is not None
    ids = sorted(w.pk for w in scored_gallery)
    assert prior.rerank_after == ids[1]
    prior = refresh_ranking_prior()  # the last one
    assert prior.rerank_after is None
    for work in Submission.objects.filter(pk__in=ids):
        expected = (3 * 4.0 + work.score_sum) / (3 + work.vote_count)
        assert work.rank_top == pytest.approx(expected)


@pytest.fixture
def scored_gallery(accepted_work):
    return [
        accepted_work("A", [5, 5, 5]),
        accepted_work("B", [4, 4, 4]),
        accepted_work("C", [3, 3, 3]),
    ]


# Discover ---------------------------------------------------------------------


def test_a_discover_run_with_nothing_changed_writes_no_row(accepted_work):
    for i, scores in enumerate([[5, 5, 5], [4, 4, 4], [3, 3, 3], [5, 4, 4]]):
        accepted_work(f"w{i}", scores)
    assert layout_discover() == 2
    with CaptureQueriesContext(connection) as queries:
        assert layout_discover() == 2
    assert _writes(queries) == []


def test_discover_lays_out_only_the_first_rounds_of_a_large_gallery(
    accepted_work, staff
):
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    for i in range(4):
        task = OpenTaskFactory(created_by=staff)
        accepted_work(f"ana{i}", [5, 5, 5 - i % 2], artist=ana, task=task)
        accepted_work(f"ben{i}", [5, 5, 5 - i % 2], artist=ben, task=task)
        accepted_work(f"low{i}", [3, 3, 3], task=task)
    assert layout_discover() == 8  # every work above the median
    # Six artists and a window of 4: each artist's best 2 (twice the
    # window), so the first two rounds; the other artists' work is below
    # the median.
    assert layout_discover(window=4) == 4
    shown = titles("discover")
    assert len(shown) == 4
    assert {t[:3] for t in shown[:2]} == {"ana", "ben"}
    assert {t[:3] for t in shown[2:]} == {"ana", "ben"}


# Page views -------------------------------------------------------------------


def test_views_are_folded_exactly_once(accepted_work):
    work = accepted_work("seen")
    for i in range(5):
        record_view(submission=work, viewer=AnonymousUser(), visitor=f"p{i}")
    assert fold_views() == 5
    assert fold_views() == 0
    work.refresh_from_db()
    assert work.view_count == 5
    assert work.rank_popular == pytest.approx(wilson_lower_bound(likes=0, views=5))


def test_a_batch_left_in_redis_after_its_commit_is_not_added_again(
    accepted_work, settings
):
    work = accepted_work("crash")
    record_view(submission=work, viewer=AnonymousUser(), visitor="one")
    counter = services._view_counter()
    key = f"{settings.ATELIER_VIEWS_KEY}:folding"
    counter.rename(f"{settings.ATELIER_VIEWS_KEY}:pending", key)
    counter.hset(key, "token", "feedc0de")
    counter.copy(key, f"{key}-copy")
    assert services._fold_batch(counter, key) == 1
    counter.rename(f"{key}-copy", key)  # as if the worker died before DEL
    record_view(submission=work, viewer=AnonymousUser(), visitor="two")
    assert fold_views() == 1  # only the new view
    work.refresh_from_db()
    assert work.view_count == 2
    assert ViewFold.objects.get(token="feedc0de").views == 1


def test_no_view_is_lost_when_the_fold_runs_while_people_read(accepted_work):
    works = [accepted_work(f"busy{i}") for i in range(3)]
    readers, per_reader = 8, 50
    stop = threading.Event()

    def read(n: int) -> None:
        for i in range(per_reader):
            work = works[i % len(works)]
            record_view(submission=work, viewer=AnonymousUser(), visitor=f"r{n}-{i}")
        stop.set()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    folded = 0
    while any(t.is_alive() for t in threads):
        folded += fold_views()
    for thread in threads:
        thread.join()
    folded += fold_views()
    assert folded == readers * per_reader
    total = sum(Submission.objects.get(pk=w.pk).view_count for w in works)
    assert total == readers * per_reader


def test_one_person_counts_once_a_day_however_often_the_fold_runs(accepted_work):
    work = accepted_work("daily")
    fan = UserFactory(username="fan")
    for _ in range(3):
        record_view(submission=work, viewer=fan)
        fold_views()
    work.refresh_from_db()
    assert work.view_count == 1


def test_a_fold_writes_only_the_works_that_got_views(accepted_work):
    seen, unseen = accepted_work("seen"), accepted_work("unseen")
    before = Submission.objects.get(pk=unseen.pk).updated_at
    record_view(submission=seen, viewer=AnonymousUser(), visitor="x")
    with CaptureQueriesContext(connection) as queries:
        fold_views()
    (update,) = _writes(queries)
    assert "unnest" in update
    assert Submission.objects.get(pk=unseen.pk).updated_at == before
    assert Submission.objects.get(pk=seen.pk).view_count == 1


def test_the_artwork_page_shows_views_not_yet_folded(accepted_work, client):
    work = accepted_work("shown")
    Submission.objects.filter(pk=work.pk).update(view_count=41)
    page = client.get(work.get_absolute_url())
    assert page.context["work"].view_count == 42
    assert Submission.objects.get(pk=work.pk).view_count == 41


def test_without_redis_a_view_is_written_at_once(accepted_work, settings):
    settings.REDIS_URL = ""
    work = accepted_work("embedded")
    assert record_view(submission=work, viewer=AnonymousUser(), visitor="a") is True
    assert record_view(submission=work, viewer=AnonymousUser(), visitor="a") is False
    assert fold_views() == 0
    work.refresh_from_db()
    assert work.view_count == 1
