"""Reputation: the ledger, the lineage share, the leaderboard and standings."""

from datetime import UTC, datetime, timedelta

import pytest

from django.db.models import Sum
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from art_tasks.models import Submission
from community.models import ReputationEvent
from community.selectors import artist_standing, leaderboard, period_start
from community.services import award_decision, record_decision_outcome
from curation.models import Vote
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, bred_seed
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db

Reason = ReputationEvent.Reason


def points(user, *reasons) -> int:
    events = ReputationEvent.objects.filter(user=user)
    if reasons:
        events = events.filter(reason__in=reasons)
    return events.aggregate(total=Sum("points"))["total"] or 0


def assert_totals_match_the_ledger():
    for user in User.objects.all():
        assert user.reputation == points(user), user.username


def test_accepted_work_earns_its_artist_ten_points_per_star(artist, curators):
    work = decided_work(artist=artist, curators=curators, scores=(5, 4, 4))
    assert work.state == Submission.State.ACCEPTED
    artist.refresh_from_db()
    assert artist.reputation == 43  # mean 4.33
    event = ReputationEvent.objects.get(user=artist)
    assert (event.reason, event.points, event.submission) == (
        Reason.ACCEPTED_WORK,
        43,
        work,
    )
    assert_totals_match_the_ledger()


def test_rejected_work_earns_its_artist_nothing(artist, curators):
    work = decided_work(artist=artist, curators=curators, scores=(2, 3, 2))
    assert work.state == Submission.State.REJECTED
    artist.refresh_from_db()
    assert artist.reputation == 0


def test_curators_earn_review_credit_and_more_when_they_agreed(artist, curators):
    decided_work(artist=artist, curators=curators, scores=(2, 3, 2))  # rejected
    low, high, low_again = (User.objects.get(pk=c.pk) for c in curators)
    assert low.reputation == 5  # 2 for the review + 3: a low score on rejected work
    assert high.reputation == 2  # scored 3 (would accept); the work was rejected
    assert low_again.reputation == 5
    vote_refs = set(
        ReputationEvent.objects.filter(reason=Reason.REVIEW).values_list(
            "vote__curator__username", flat=True
        )
    )
    assert vote_refs == {c.username for c in curators}


def test_agreement_on_accepted_work_means_scoring_at_least_the_threshold(
    artist, curators
):
    decided_work(artist=artist, curators=curators, scores=(5, 2, 3))  # mean 3.33
    assert [User.objects.get(pk=c.pk).reputation for c in curators] == [5, 2, 5]


def test_nothing_is_awarded_before_the_decision(artist, curators):
    decided_work(artist=artist, curators=curators[:2], scores=(5, 5))
    assert ReputationEvent.objects.count() == 0


def test_the_contributors_of_parent_seeds_share_a_quarter_of_the_points(curators):
    ada, bo, cy, dee = (UserFactory(username=n) for n in ("ada", "bo", "cy", "dee"))
    first = OpenTaskFactory(seed_count=3)
    s0, s1, s2 = first.seeds.all()
    decided_work(artist=ada, curators=curators, seed=s0, scores=(4, 4, 4))
    decided_work(artist=bo, curators=curators, seed=s1, scores=(4, 4, 4))
    decided_work(artist=dee, curators=curators, seed=s2, scores=(1, 1, 1))  # rejected
    child = bred_seed(s0, s1, s2)

    decided_work(artist=cy, curators=curators, seed=child, scores=(4, 4, 4))

    # 40 points for cy; 25% = 10, split between ada and bo; dee's work on a
    # parent seed was rejected, so dee has no share.
    assert points(cy) == 40
    assert points(ada, Reason.LINEAGE_PARENT) == 5
    assert points(bo, Reason.LINEAGE_PARENT) == 5
    assert points(dee) == 0
    assert_totals_match_the_ledger()


def test_two_generations_up_share_a_tenth(curators):
    ada, cy, eve = (UserFactory(username=n) for n in ("ada", "cy", "eve"))
    root = OpenTaskFactory(seed_count=1).seeds.get()
    decided_work(artist=ada, curators=curators, seed=root, scores=(4, 4, 4))
    child = bred_seed(root)
    decided_work(artist=cy, curators=curators, seed=child, scores=(4, 4, 4))
    grandchild = bred_seed(child)

    decided_work(artist=eve, curators=curators, seed=grandchild, scores=(5, 5, 5))

    assert points(eve) == 50
    assert points(cy, Reason.LINEAGE_PARENT) == 12  # 25% of 50, rounded down
    assert points(ada, Reason.LINEAGE_GRANDPARENT) == 5  # 10% of 50
    assert points(ada, Reason.LINEAGE_PARENT) == 10  # from cy's work, earlier
    assert_totals_match_the_ledger()


def test_an_artist_earns_no_lineage_share_from_their_own_descendant(curators):
    ada = UserFactory(username="ada")
    root = OpenTaskFactory(seed_count=1).seeds.get()
    decided_work(artist=ada, curators=curators, seed=root, scores=(4, 4, 4))
    decided_work(artist=ada, curators=curators, seed=bred_seed(root), scores=(4, 4, 4))
    assert points(ada) == 80
    assert points(ada, Reason.LINEAGE_PARENT) == 0


def test_recording_the_same_decision_again_changes_nothing(artist, curators):
    work = decided_work(artist=artist, curators=curators, scores=(4, 4, 4))
    before = ReputationEvent.objects.count()
    notes = artist.notifications.count()

    assert award_decision(submission=work) == []
    record_decision_outcome(submission=work)

    assert ReputationEvent.objects.count() == before
    assert artist.notifications.count() == notes
    artist.refresh_from_db()
    assert artist.reputation == 40


def test_a_changed_decision_appends_corrections_and_never_rewrites(artist, curators):
    work = decided_work(artist=artist, curators=curators, scores=(4, 2, 4))
    first_ids = set(ReputationEvent.objects.values_list("pk", flat=True))
    first_rows = list(ReputationEvent.objects.values_list("pk", "points"))

    # Another rule re-decides the work as rejected.
    Submission.objects.filter(pk=work.pk).update(state=Submission.State.REJECTED)
    work.refresh_from_db()
    corrections = award_decision(submission=work)

    assert (
        list(
            ReputationEvent.objects.filter(pk__in=first_ids).values_list("pk", "points")
        )
        == first_rows
    )  # the old entries are untouched
    assert {(e.user.username, e.reason, e.points) for e in corrections} == {
        ("artist", Reason.ACCEPTED_WORK, -33),
        ("curator1", Reason.AGREEMENT, -3),
        ("curator2", Reason.AGREEMENT, +3),  # scored 2: now agrees with the decision
        ("curator3", Reason.AGREEMENT, -3),
    }
    artist.refresh_from_db()
    assert artist.reputation == 0
    assert_totals_match_the_ledger()


@pytest.mark.parametrize(
    "states",
    [
        ["accepted", "rejected", "accepted"],
        ["accepted", "hidden", "accepted", "hidden"],
        ["rejected", "in_review", "accepted", "accepted"],
        ["accepted", "withdrawn", "rejected", "hidden", "rejected"],
    ],
)
def test_any_sequence_of_decisions_leaves_the_ledger_worth_the_last_one(
    artist, curators, states
):
    work = decided_work(artist=artist, curators=curators, scores=(5, 4, 2))
    for state in states:
        Submission.objects.filter(pk=work.pk).update(state=state)
        work.refresh_from_db()
        award_decision(submission=work)
        assert_totals_match_the_ledger()
    artist.refresh_from_db()
    expected = {"accepted": 37, "hidden": 0, "rejected": 0}[states[-1]]
    assert artist.reputation == expected


# Leaderboard and standing -------------------------------------------------------


@pytest.fixture
def community(curators):
    """Three artists with accepted work this week; one work from last year."""
    people = {n: UserFactory(username=n) for n in ("ada", "bo", "cy")}
    decided_work(artist=people["ada"], curators=curators, scores=(5, 5, 5))
    decided_work(artist=people["bo"], curators=curators, scores=(4, 4, 4))
    decided_work(artist=people["cy"], curators=curators, scores=(4, 4, 4))
    old = decided_work(
        artist=UserFactory(username="old"), curators=curators, scores=(5, 5, 5)
    )
    a_year_ago = timezone.now() - timedelta(days=365)
    ReputationEvent.objects.filter(submission=old).update(created_at=a_year_ago)
    Submission.objects.filter(pk=old.pk).update(decided_at=a_year_ago)
    Vote.objects.filter(submission=old).update(created_at=a_year_ago)
    return people


def test_the_weekly_board_ranks_this_weeks_contributors_with_shared_ranks(
    community,
):
    rows = leaderboard(board="contributors", period="week")
    assert [(r.rank, r.user.username, r.points, r.count) for r in rows] == [
        (1, "ada", 50, 1),
        (2, "bo", 40, 1),
        (2, "cy", 40, 1),
    ]


def test_the_all_time_board_includes_older_work(community):
    rows = leaderboard(board="contributors", period="all")
    assert [(r.user.username, r.points) for r in rows] == [
        ("ada", 50),
        ("old", 50),
        ("bo", 40),
        ("cy", 40),
    ]
    assert [r.rank for r in rows] == [1, 1, 3, 3]


def test_the_curators_board_counts_reviews(community, curators):
    rows = leaderboard(board="curators", period="week")
    # Three works this week, each scored at or above 3 and accepted: 5 each.
    assert [(r.user.username, r.points, r.count) for r in rows] == [
        ("curator1", 15, 3),
        ("curator2", 15, 3),
        ("curator3", 15, 3),
    ]
    all_time = leaderboard(board="curators", period="all")
    assert [r.count for r in all_time] == [4, 4, 4]


def test_weeks_start_on_monday_and_months_on_the_first():
    wednesday = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert period_start("week", now=wednesday).isoformat() == (
        "2026-11-23T00:00:00+00:00"
    )
    assert period_start("month", now=wednesday).isoformat() == (
        "2026-11-01T00:00:00+00:00"
    )
    assert period_start("all", now=wednesday) is None


def test_the_leaderboard_costs_one_query(community, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = leaderboard(board="contributors", period="month")
        names = [r.user.shown_name for r in rows]
    assert names == ["Ada", "Bo", "Cy"]


def test_an_artists_standing_has_rank_points_accepted_work_and_reviews(
    community, curators, django_assert_num_queries
):
    fan = UserFactory(username="fan")
    with django_assert_num_queries(1):
        standing = artist_standing(artist=community["bo"], viewer=fan)
    assert (standing.rank, standing.points, standing.accepted) == (3, 40, 1)
    assert standing.following is False
    curator = artist_standing(artist=curators[0])
    assert (curator.points, curator.reviews, curator.accepted) == (20, 4, 0)
    newcomer = artist_standing(artist=fan)
    assert newcomer.rank is None


def test_the_leaderboard_api_serves_each_board_and_period(community):
    client = APIClient()
    body = client.get("/api/v1/leaderboard/?board=contributors&period=all").json()
    assert [(r["rank"], r["username"], r["points"]) for r in body][:2] == [
        (1, "ada", 50),
        (1, "old", 50),
    ]
    curators = client.get("/api/v1/leaderboard/?board=curators").json()
    assert curators[0]["count"] == 3
    bad = client.get("/api/v1/leaderboard/?period=decade")
    assert bad.status_code == 400
    assert "period" in bad.json()["detail"]


def test_the_artist_api_shows_the_standing(community):
    body = APIClient().get("/api/v1/artists/ada/").json()
    assert body["reputation"] == 50
    assert body["rank"] == 1
    assert body["accepted_works"] == 1
    assert body["following"] is False


def test_the_leaderboard_page_shows_both_boards(client, community):
    page = client.get("/leaderboard/?period=all").content.decode()
    assert "Contributors" in page
    assert "Curators" in page
    boards = page[page.index("<main") :]  # the header may name anyone
    assert boards.index("Ada") < boards.index("Bo")
    assert "Old" in page
    assert "Old" not in client.get("/leaderboard/").content.decode()


def test_the_artist_page_shows_rank_points_and_works(client, community):
    page = client.get("/artists/ada/").content.decode()
    assert "#1" in page
    assert ">50<" in page
    assert "A work" in page


def test_a_new_curator_starts_with_no_points():
    assert CuratorFactory(username="new").reputation == 0
