"""The busiest pages cost at most three queries, with everything they show.

Each page is drawn with a cold cache over data that fills every part of
it: a work that won a challenge and sits in a public collection, an artist
with wins, kept lab seeds and collections, a signed-in contributor with a
live claim. A part that grew a query of its own would push a page over.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from django.utils import timezone

from art_tasks.errors import ClaimEndedDraftKept
from art_tasks.models import Claim, SubmissionDraft
from art_tasks.services import claim_task, submit_work_or_keep_draft
from community.services.challenges import close_challenge, open_challenge
from gallery.models import Collection
from generation.models import LabGrid, LabSeed
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.curation.factories import decided_work
from tests.gallery.factories import CollectionFactory, CollectionItemFactory
from tests.images import png_bytes

pytestmark = pytest.mark.django_db

CEILING = 3


@pytest.fixture
def winner(staff, curators, artist):
    """An accepted work by `artist` that won a closed challenge."""
    task = OpenTaskFactory(created_by=staff, title="Tides", slots=20)
    now = timezone.now()
    challenge = open_challenge(
        by=staff,
        title="Night Sea",
        theme="The sea at night.",
        tasks=[task],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        winner_count=1,
    )
    work = decided_work(
        task=task, artist=artist, title="Low tide", curators=curators, scores=(5, 5, 4)
    )
    close_challenge(challenge=challenge, now=challenge.closes_at + timedelta(minutes=1))
    return work


@pytest.fixture
def shown_everywhere(winner, artist):
    """`winner` in a public collection of `artist`'s, and their kept lab seeds."""
    collection = CollectionFactory(
        curated_by=artist, title="Waters", slug="waters", cover=winner
    )
    CollectionItemFactory(collection=collection, submission=winner)
    CollectionFactory(curated_by=artist, title="Drafts", slug="drafts", published=False)
    grid = LabGrid.objects.create(breeder=artist, total=2)
    LabSeed.objects.bulk_create(
        [
            LabSeed(
                breeder=artist,
                grid=grid,
                index=i,
                recipe={"style": "nebula"},
                image=f"lab/{i}.png",
                thumbnail=f"lab/thumbs/{i}.png",
                kept_at=timezone.now(),
            )
            for i in range(2)
        ]
    )
    return winner


def test_the_artwork_page_shows_wins_and_collections_in_three_queries(
    client, shown_everywhere, django_assert_max_num_queries
):
    work = shown_everywhere
    with django_assert_max_num_queries(CEILING):
        page = client.get(work.get_absolute_url()).content.decode()
    assert "Winner - Night Sea" in page
    assert 'href="/challenges/night-sea/"' in page
    assert '<a href="/collections/waters/">Waters</a>' in page
    assert "Drafts" not in page  # private: only its owner sees it


def test_the_artwork_page_costs_three_queries_signed_in_with_votes_and_picker(
    client, artist, curators, shown_everywhere, django_assert_max_num_queries
):
    work = shown_everywhere
    client.force_login(curators[0])
    with django_assert_max_num_queries(CEILING):
        page = client.get(work.get_absolute_url()).content.decode()
    assert page.count('class="vote-score"') == 3
    assert "Curator1 (you)" in page
    assert "Winner - Night Sea" in page
    client.force_login(artist)
    with django_assert_max_num_queries(CEILING):
        page = client.get(work.get_absolute_url()).content.decode()
    assert "Feedback from the curators" in page
    waters = Collection.objects.get(slug="waters")
    assert f'name="collection" value="{waters.pk}" checked' in page
    assert "Drafts <small" in page  # their private collection, in their picker


def test_the_artist_page_shows_wins_seeds_and_collections_in_three_queries(
    client, artist, shown_everywhere, django_assert_max_num_queries
):
    with django_assert_max_num_queries(CEILING):
        page = client.get(f"/artists/{artist.username}/").content.decode()
    assert page.count("Winner - Night Sea") == 2  # the head and the work's card
    assert page.count('alt="Lab seed ') == 2
    assert "<strong>Waters</strong>" in page
    assert "Drafts" not in page
    assert "Accepted</dt><dd>1" in page
    client.force_login(UserFactory(username="fan"))
    with django_assert_max_num_queries(CEILING):
        page = client.get(f"/artists/{artist.username}/").content.decode()
    assert "<strong>Waters</strong>" in page
    assert ">Follow</button>" in page


def test_the_task_page_costs_three_queries_for_a_visitor_and_a_claimant(
    client, staff, django_assert_max_num_queries
):
    task = OpenTaskFactory(created_by=staff, title="Harbour", slots=3)
    person = UserFactory(username="claimant")
    claim_task(task=task, user=person)
    with django_assert_max_num_queries(CEILING):
        page = client.get(task.get_absolute_url()).content.decode()
    assert "Harbour" in page
    client.force_login(person)
    with django_assert_max_num_queries(CEILING):
        page = client.get(task.get_absolute_url()).content.decode()
    assert "Submit your work" in page


def _kept_draft(*, task, user) -> SubmissionDraft:
    """Return the draft kept when `user`'s claim on `task` ran out before upload."""
    claim = claim_task(task=task, user=user)
    Claim.objects.filter(pk=claim.pk).update(
        claimed_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    claim.refresh_from_db()
    upload = io.BytesIO(png_bytes((48, 32)))
    upload.name = "late.png"
    with pytest.raises(ClaimEndedDraftKept) as kept:
        submit_work_or_keep_draft(
            claim=claim,
            user=user,
            seed=task.seeds.first(),
            image=upload,
            title="Dusk",
            statement="Made at dusk.",
            license=task.license,
        )
    return SubmissionDraft.objects.get(pk=kept.value.extra["draft"])


def test_the_studio_costs_three_queries(
    client, artist, winner, django_assert_max_num_queries
):
    claim_task(task=OpenTaskFactory(title="Estuary"), user=artist)
    draft = _kept_draft(task=OpenTaskFactory(title="Delta"), user=artist)
    steps = [{"op": "blur", "params": {}}, {"op": "grain", "params": {}}]
    SubmissionDraft.objects.filter(pk=draft.pk).update(studio_recipe={"steps": steps})
    client.force_login(artist)
    with django_assert_max_num_queries(CEILING):
        page = client.get("/studio/").content.decode()
    assert '">Estuary</a> — ends in' in page
    assert "Saved from the tools (2 steps)" in page
    assert '">Delta</a>' in page
    assert "Claim again and submit this draft" in page
    assert "seed 1 · 48×32" in page
    assert "Low tide" in page


def test_the_review_queue_costs_three_queries(
    client, curators, staff, django_assert_max_num_queries
):
    from tests.art_tasks.factories import submitted_work

    task = OpenTaskFactory(created_by=staff, slots=5)
    submitted_work(task=task, artist=UserFactory(), title="Fresh paint")
    client.force_login(curators[0])
    with django_assert_max_num_queries(CEILING):
        page = client.get("/curate/").content.decode()
    assert "Fresh paint" in page
