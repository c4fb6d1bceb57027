"""Tags on works and the gallery's search: what a visitor can find, and how."""

from __future__ import annotations

import pytest

from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.services.profiles import update_profile
from art_tasks.models import Submission, Tag
from art_tasks.services import clean_work_tags
from gallery.search import fallback_search, search_page
from gallery.selectors import GalleryQuery, gallery_page
from moderation.services import hide_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(roomy_task, curators):
    """Build an accepted (or, with fewer votes, in-review) work."""

    def build(title: str, *, statement: str = "", tags=(), artist=None, **kw):
        artist = artist or UserFactory(username=f"by-{title}".lower()[:30])
        return decided_work(
            task=kw.pop("task", roomy_task),
            artist=artist,
            title=title,
            statement=statement,
            tags=tags,
            curators=kw.pop("curators", curators),
            scores=kw.pop("scores", (4, 4, 4)),
        )

    return build


def found(text: str) -> list[str]:
    return [w.title for w in search_page(text=text).items]


def api_found(text: str, **params) -> dict:
    return APIClient().get("/api/v1/search/", {"q": text, **params}).json()


# Tags -------------------------------------------------------------------------


def test_a_work_keeps_the_tags_its_artist_gave_it(work):
    piece = work("Tidepool", tags=("Sea", "rock-pool, low_tide"))
    assert sorted(piece.tags.values_list("name", flat=True)) == [
        "low_tide",
        "rock-pool",
        "sea",
    ]


def test_a_work_refuses_a_tag_that_is_not_a_slug_and_too_many_tags():
    with pytest.raises(ValidationError, match="is not a tag"):
        clean_work_tags(["sea shore!"])
    with pytest.raises(ValidationError, match="at most 10 tags"):
        clean_work_tags([",".join(f"t{i}" for i in range(11))])


def test_a_refused_tag_leaves_nothing_submitted(roomy_task, artist):
    with pytest.raises(ValidationError, match="is not a tag"):
        submitted_work(task=roomy_task, artist=artist, tags=("no spaces",))
    assert not Submission.objects.filter(artist=artist).exists()
    assert roomy_task.claims.get(contributor=artist).state == "active"


def test_the_gallery_tag_filter_finds_works_tagged_by_artist_or_task(
    work, staff, curators
):
    tagged_task = OpenTaskFactory(created_by=staff, title="Coasts", slots=20)
    tagged_task.tags.add(Tag.objects.create(name="coast"))
    work("By the task", task=tagged_task)
    work("By the artist", tags=("coast",))
    work("Untagged")
    page = gallery_page(
        query=GalleryQuery.from_params({"order": "new", "tag": "coast"})
    )
    assert sorted(w.title for w in page.items) == ["By the artist", "By the task"]


def test_the_tag_page_lists_accepted_work_with_the_tag_and_chips_link_there(
    client, work, roomy_task, artist
):
    accepted = work("Shore light", tags=("dusk",))
    submitted_work(task=roomy_task, artist=artist, title="Unseen", tags=("dusk",))
    page = client.get("/tags/dusk/").content.decode()
    assert "Shore light" in page
    assert "Unseen" not in page
    assert 'href="/tags/dusk/"' in page  # the card's chip
    artwork = client.get(accepted.get_absolute_url()).content.decode()
    assert 'href="/tags/dusk/">#dusk</a>' in artwork
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_the_api_shows_a_works_tags(work):
    work("Harbour mist", tags=("fog", "harbour"))
    card = APIClient().get("/api/v1/gallery/?order=new").json()["results"][0]
    assert card["tags"] == ["fog", "harbour"]
    assert api_found("mist")["results"][0]["tags"] == ["fog", "harbour"]


def test_the_submit_api_takes_tags(roomy_task, artist, make_png):
    import io

    from art_tasks.services import claim_task

    claim = claim_task(task=roomy_task, user=artist)
    upload = io.BytesIO(make_png((40, 30)))
    upload.name = "work.png"
    client = APIClient()
    client.force_authenticate(artist)
    answer = client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": roomy_task.seeds.first().pk,
            "image": upload,
            "title": "Gulls",
            "license": roomy_task.license,
            "tags": ["birds", "sea, wind"],
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["tags"] == ["birds", "sea", "wind"]


# Search -------------------------------------------------------------------------


def test_search_finds_a_work_by_a_word_of_its_statement_and_its_stem(work):
    work("Untitled", statement="Boats asleep in the harbour at night.")
    assert found("harbour") == ["Untitled"]
    assert found("harbours") == ["Untitled"]  # English stemming
    assert found("boat") == ["Untitled"]


def test_search_finds_by_title_artist_name_and_tag(work):
    ada = UserFactory(username="ada", display_name="Ada Lovelace")
    work("Engine of colour", artist=ada)
    work("Meadow", tags=("wildflowers",))
    assert found("engine") == ["Engine of colour"]
    assert found("lovelace") == ["Engine of colour"]
    assert found("ada") == ["Engine of colour"]
    assert found("wildflowers") == ["Meadow"]


def test_search_never_finds_work_outside_the_gallery(
    work, roomy_task, curators, artist, staff
):
    hidden = work("Lantern hidden")
    hide_work(submission=hidden, actor=staff, reason="a test")
    work("Lantern rejected", scores=(1, 1, 1))
    submitted_work(task=roomy_task, artist=artist, title="Lantern in review")
    work("Lantern shown")
    assert found("lantern") == ["Lantern shown"]
    assert [r["title"] for r in api_found("lantern")["results"]] == ["Lantern shown"]


def test_a_title_match_ranks_above_a_statement_match(work):
    work("Quiet field", statement="A lighthouse far away.")
    work("Lighthouse")
    assert found("lighthouse") == ["Lighthouse", "Quiet field"]


def test_the_search_follows_an_artists_new_display_name(work):
    ada = UserFactory(username="ada1", display_name="Ada")
    work("Engine", artist=ada)
    assert found("byron") == []
    update_profile(user=ada, display_name="Ada Byron")
    assert found("byron") == ["Engine"]


def test_empty_too_long_and_common_word_searches_say_what_to_do(client, work):
    work("Anything")
    page = client.get("/search/?q=")
    assert page.status_code == 200
    assert "Type a word or two" in page.content.decode()
    page = client.get("/search/", {"q": "x" * 201})
    assert page.status_code == 200
    assert "keep it under 200" in page.content.decode()
    page = client.get("/search/", {"q": "the of and"})
    assert page.status_code == 200
    assert "too common to search for" in page.content.decode()
    answer = APIClient().get("/api/v1/search/?q=")
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_search"


def test_the_search_page_shows_results_and_pages_with_a_cursor(client, work):
    for i in range(3):
        work(f"Comet {i}")
    page = search_page(text="comet", size=2)
    assert len(page.items) == 2
    assert page.next_cursor
    rest = search_page(text="comet", size=2, cursor=page.next_cursor)
    shown = [w.title for w in page.items + rest.items]
    assert sorted(shown) == ["Comet 0", "Comet 1", "Comet 2"]
    assert rest.next_cursor is None
    html = client.get("/search/?q=comet").content.decode()
    assert html.count('class="card"') == 3


def test_the_search_api_pages_with_cursors(work):
    for i in range(3):
        work(f"Nebula {i}")
    first = api_found("nebula", page_size=2)
    assert len(first["results"]) == 2
    second = APIClient().get(first["next"]).json()
    titles = [r["title"] for r in first["results"] + second["results"]]
    assert sorted(titles) == ["Nebula 0", "Nebula 1", "Nebula 2"]
    assert second["next"] is None
    damaged = APIClient().get("/api/v1/search/?q=nebula&cursor=xyz")
    assert damaged.status_code == 400


def test_the_plain_fallback_matches_words_as_text_newest_first(work):
    """The fallback of databases without full-text search (SQLite)."""
    work("Harbour lights", statement="Boats.")
    work("Second", tags=("harbour-view",))
    work("Third", statement="Nothing here.")
    titles = [w.title for w in fallback_search("HARBOUR")]
    assert titles == ["Second", "Harbour lights"]
    assert [w.title for w in fallback_search("harbour boats")] == ["Harbour lights"]
