"""Nothing computed from undecided votes reaches anyone the blind rule excludes."""

import pytest

from rest_framework.test import APIClient

from curation.services import cast_vote
from tests.accounts.factories import CuratorFactory, UserFactory
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
    """A work in review with one 5 from the first curator."""
    work = submitted_work(task=open_task, artist=artist, title="Blind")
    cast_vote(submission=work, curator=curators[0], score=5)
    return work


def seed_fitness_json(seed, user=None) -> dict:
    return api(user).get(f"/api/v1/seeds/{seed.pk}/").json()["fitness"]


def test_seed_fitness_leaves_out_the_votes_on_work_in_review(work, curators):
    seed = work.seed
    before = seed_fitness_json(seed)
    assert before["votes"] == 0
    assert before["score_total"] == 0
    assert before["works"] == 0
    cast_vote(submission=work, curator=curators[1], score=1)
    after = seed_fitness_json(seed, UserFactory(username="watcher"))
    assert after == before  # a new vote is not visible from outside


def test_seed_fitness_counts_the_votes_once_the_work_is_decided(work, curators):
    cast_votes(work, curators[1:], [4, 4])
    fitness = seed_fitness_json(work.seed)
    assert fitness["votes"] == 3
    assert fitness["score_total"] == 13
    assert fitness["works"] == 1
    assert fitness["site_mean"] == pytest.approx(13 / 3)


def test_the_seed_page_shows_no_votes_of_work_in_review(client, work, curators):
    cast_vote(submission=work, curator=curators[1], score=4)
    page = client.get(f"/seeds/{work.seed.pk}/").content.decode()
    assert "no votes yet" in page
    assert "curator vote" not in page


def provenance_means(work, user) -> tuple:
    api_mean = api(user).get(f"/api/v1/submissions/{work.pk}/provenance/").json()
    client = APIClient()
    client.force_login(user)
    file_mean = client.get(f"/art/{work.pk}/provenance.json").json()
    return api_mean["decision"]["mean_score"], file_mean["decision"]["mean_score"]


def test_provenance_hides_the_mean_from_the_artist_during_review(work, artist):
    assert provenance_means(work, artist) == (None, None)


def test_provenance_hides_the_mean_from_curators_who_have_not_voted(work, curators):
    assert provenance_means(work, curators[1]) == (None, None)
    assert provenance_means(work, CuratorFactory(username="late")) == (None, None)


def test_provenance_shows_the_mean_to_voters_and_staff_during_review(
    work, curators, staff
):
    assert provenance_means(work, curators[0]) == (5.0, 5.0)
    assert provenance_means(work, staff) == (5.0, 5.0)


def test_provenance_shows_the_mean_to_everyone_once_decided(work, artist, curators):
    cast_votes(work, curators[1:], [4, 3])
    assert provenance_means(work, artist) == (4.0, 4.0)
    public = api().get(f"/api/v1/submissions/{work.pk}/provenance/").json()
    assert public["decision"]["mean_score"] == 4.0
