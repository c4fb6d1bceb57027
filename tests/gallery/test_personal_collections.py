"""Personal collections: anyone keeps them, public or private, within limits."""

import pytest

from rest_framework.test import APIClient

from art_tasks.models import Submission
from gallery import models as gallery_models
from gallery.errors import CollectionLimitReached, CollectionNotFound
from gallery.models import Collection, CollectionItem
from gallery.services import (
    add_to_collection,
    create_collection,
    file_work,
    update_collection,
)
from moderation.services import hide_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.curation.factories import accepted_work_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(db):
    return UserFactory(username="keeper", display_name="Kim Keeper")


@pytest.fixture
def work(db):
    return accepted_work_by(title="Lantern weather")


@pytest.fixture
def private(keeper, work):
    kept = create_collection(by=keeper, title="Secret garden", statement="Mine.")
    add_to_collection(collection=kept, by=keeper, submission=work)
    return kept


def _api(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.mark.parametrize("who", ["anon", "member", "staff", "curator"])
def test_a_private_collection_does_not_exist_for_anyone_but_its_owner(
    client, private, work, who
):
    """Pages, the API, the artwork page's list and the cover: all 404 or absent."""
    people = {
        "anon": None,
        "member": UserFactory(),
        "staff": UserFactory(is_staff=True),
        "curator": CuratorFactory(),
    }
    person = people[who]
    if person is not None:
        client.force_login(person)
    slug = private.slug
    signed_out = 302 if person is None else 404  # to sign in, first
    assert client.get(f"/collections/{slug}/").status_code == 404
    assert client.get(f"/collections/{slug}/edit/").status_code == signed_out
    assert client.post(f"/collections/{slug}/delete/").status_code == signed_out
    picker = client.get(f"/art/{work.pk}/collections/").content.decode()
    assert "Secret garden" not in picker
    for listing in ("/collections/", "/collections/?owner=keeper", "/artists/keeper/"):
        assert "Secret garden" not in client.get(listing).content.decode()
    artwork = client.get(work.get_absolute_url()).content.decode()
    assert "Secret garden" not in artwork
    api = _api(person)
    for path in (
        f"/api/v1/collections/{slug}/",
        f"/api/v1/collections/{slug}/works/",
    ):
        got = api.get(path)
        assert got.status_code == 404
        assert "Secret" not in got.content.decode()
    listed = api.get("/api/v1/collections/").json()["results"]
    assert slug not in [c["slug"] for c in listed]
    if person is not None:
        assert (
            api.patch(f"/api/v1/collections/{slug}/", {"public": True}).status_code
            == 404
        )
        assert api.delete(f"/api/v1/collections/{slug}/").status_code == 404
        mine = api.get("/api/v1/collections/mine/").json()["results"]
        assert mine == []
    assert Collection.objects.get(pk=private.pk).published is False


def test_the_owner_sees_their_private_collection_everywhere_it_belongs(
    client, keeper, private, work
):
    client.force_login(keeper)
    page = client.get(f"/collections/{private.slug}/").content.decode()
    assert "private — only you see this" in page
    assert "Lantern weather" in page
    assert "Secret garden" in client.get("/collections/mine/").content.decode()
    artwork = client.get(work.get_absolute_url()).content.decode()
    assert "In collections" in artwork
    assert "Secret garden" in artwork
    mine = _api(keeper).get("/api/v1/collections/mine/").json()["results"]
    assert [(c["title"], c["public"], c["work_count"]) for c in mine] == [
        ("Secret garden", False, 1)
    ]


def test_a_public_collection_shows_on_the_artist_page_and_the_collections_page(
    client, keeper, private, work
):
    update_collection(
        collection=private, by=keeper, title="Open garden", statement="", published=True
    )
    assert "Open garden" in client.get("/artists/keeper/").content.decode()
    listing = client.get("/collections/").content.decode()
    assert "From the community" in listing
    assert "Open garden" in listing
    artwork = client.get(work.get_absolute_url()).content.decode()
    assert "Open garden" in artwork
    api = _api().get("/api/v1/collections/?owner=keeper").json()["results"]
    assert [c["title"] for c in api] == ["Open garden"]


def test_a_hidden_work_leaves_every_collection_view_but_stays_in_the_table(
    client, keeper, private, work
):
    update_collection(
        collection=private, by=keeper, title="Garden", statement="", published=True
    )
    hide_work(submission=work, actor=CuratorFactory(), reason="Copied.")
    for person in (None, keeper, UserFactory(is_staff=True)):
        if person is not None:
            client.force_login(person)
        page = client.get(f"/collections/{private.slug}/").content.decode()
        assert "Lantern weather" not in page
        assert work.thumbnail.url not in page
        body = _api(person).get(f"/api/v1/collections/{private.slug}/").json()
        assert body["works"] == []
        assert body["cover"] is None
        works = _api(person).get(f"/api/v1/collections/{private.slug}/works/")
        assert works.json()["results"] == []
    client.force_login(keeper)
    edit = client.get(f"/collections/{private.slug}/edit/").content.decode()
    assert "Lantern weather" not in edit
    assert CollectionItem.objects.filter(collection=private, submission=work).exists()


def _picker(client, work, **data):
    return client.post(
        f"/art/{work.pk}/collections/", data, headers={"HX-Request": "true"}
    )


def test_the_picker_adds_to_checked_collections_and_a_new_one_and_removes_unchecked(
    client, keeper, work
):
    a = create_collection(by=keeper, title="Alpha")
    b = create_collection(by=keeper, title="Beta")
    client.force_login(keeper)
    shown = client.get(work.get_absolute_url()).content.decode()
    assert "Add to collection" in shown
    assert f'value="{a.pk}"' in shown
    answer = _picker(client, work, collection=[a.pk], new_title="Gamma")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "In “Alpha”, “Gamma”." in text
    gamma = Collection.objects.get(curated_by=keeper, title="Gamma")
    assert gamma.published is False  # new ones are private unless asked
    held = set(work.collection_items.values_list("collection_id", flat=True))
    assert held == {a.pk, gamma.pk}
    assert f'value="{a.pk}" checked' in text
    assert f'value="{b.pk}" checked' not in text
    # Unchecking takes the work out; checking Beta puts it in.
    text = _picker(client, work, collection=[b.pk]).content.decode()
    held = set(work.collection_items.values_list("collection_id", flat=True))
    assert held == {b.pk}
    assert "In “Beta”." in text
    assert _picker(client, work).content.decode().count(" checked") == 0
    assert not work.collection_items.exists()


def test_the_picker_ignores_other_peoples_collections_and_refuses_unaccepted_work(
    client, keeper, private, work
):
    from tests.art_tasks.factories import OpenTaskFactory, submitted_work

    other = UserFactory(username="other")
    client.force_login(other)
    _picker(client, work, collection=[private.pk])
    assert list(private.items.values_list("submission_id", flat=True)) == [work.pk]
    assert not Collection.objects.filter(curated_by=other).exists()
    pending = submitted_work(task=OpenTaskFactory(), artist=other)
    assert client.get(f"/art/{pending.pk}/collections/").status_code == 404
    assert _picker(client, pending, new_title="X").status_code == 404
    assert not Collection.objects.filter(curated_by=other).exists()


def test_the_picker_works_without_javascript_too(client, keeper, work):
    client.force_login(keeper)
    page = client.get(f"/art/{work.pk}/collections/")
    assert page.status_code == 200
    assert "New collection" in page.content.decode()
    sent = client.post(f"/art/{work.pk}/collections/", {"new_title": "Plain"})
    assert sent.status_code == 302
    assert sent.url == work.get_absolute_url()
    assert Collection.objects.get(title="Plain").items.count() == 1


def test_a_person_keeps_at_most_the_limit_of_collections(
    client, keeper, work, monkeypatch
):
    from gallery import services

    monkeypatch.setattr(services, "MAX_COLLECTIONS_PER_PERSON", 2)
    create_collection(by=keeper, title="One")
    create_collection(by=keeper, title="Two")
    with pytest.raises(CollectionLimitReached, match="delete one"):
        create_collection(by=keeper, title="Three")
    client.force_login(keeper)
    refused = _picker(client, work, new_title="Three")
    assert refused.status_code == 409
    assert "2 collections, the most" in refused.content.decode()
    assert not work.collection_items.exists()  # nothing half-written
    api = _api(keeper).post("/api/v1/collections/", {"title": "Three"})
    assert api.status_code == 409
    assert api.json()["code"] == "collection_limit"
    assert Collection.objects.filter(curated_by=keeper).count() == 2


def test_a_collection_holds_at_most_the_limit_of_works(keeper, monkeypatch):
    from gallery import services

    monkeypatch.setattr(services, "MAX_WORKS_PER_COLLECTION", 2)
    kept = create_collection(by=keeper, title="Small")
    first, second, third = (accepted_work_by(title=f"W{i}") for i in range(3))
    add_to_collection(collection=kept, by=keeper, submission=first)
    add_to_collection(collection=kept, by=keeper, submission=second)
    with pytest.raises(CollectionLimitReached, match="holds 2 works"):
        add_to_collection(collection=kept, by=keeper, submission=third)
    api = _api(keeper).post(
        f"/api/v1/collections/{kept.slug}/works/", {"work": third.pk}
    )
    assert api.status_code == 409
    assert "remove one" in api.json()["detail"]
    assert kept.items.count() == 2
    # The picker's all-or-nothing: a full collection refuses, nothing changes.
    other = create_collection(by=keeper, title="Other")
    with pytest.raises(CollectionLimitReached):
        file_work(submission=third, by=keeper, keep={kept.pk, other.pk})
    assert not other.items.exists()


def test_the_limits_are_a_hundred_collections_and_a_thousand_works():
    assert gallery_models.MAX_COLLECTIONS_PER_PERSON == 100
    assert gallery_models.MAX_WORKS_PER_COLLECTION == 1000


def test_the_api_creates_edits_fills_empties_and_deletes_a_collection(keeper, work):
    api = _api(keeper)
    made = api.post(
        "/api/v1/collections/", {"title": "Blue hours", "statement": "Dusk."}
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["public"], body["featured"], body["owner"]) == (False, False, "keeper")
    slug = body["slug"]
    added = api.post(f"/api/v1/collections/{slug}/works/", {"work": work.pk})
    assert added.status_code == 201
    assert added.json()["work"]["id"] == work.pk
    again = api.post(f"/api/v1/collections/{slug}/works/", {"work": work.pk})
    assert again.status_code == 409
    edited = api.patch(
        f"/api/v1/collections/{slug}/", {"public": True, "title": "Blue hour"}
    )
    assert edited.status_code == 200
    assert (edited.json()["public"], edited.json()["work_count"]) == (True, 1)
    assert _api().get(f"/api/v1/collections/{slug}/").status_code == 200
    featured = api.patch(f"/api/v1/collections/{slug}/", {"featured": True})
    assert featured.status_code == 403  # only staff make exhibitions
    removed = api.delete(f"/api/v1/collections/{slug}/works/{work.pk}/")
    assert removed.status_code == 204
    assert api.get(f"/api/v1/collections/{slug}/works/").json()["results"] == []
    assert api.delete(f"/api/v1/collections/{slug}/").status_code == 204
    assert not Collection.objects.filter(slug=slug).exists()
    assert Submission.objects.filter(pk=work.pk).exists()


def test_similar_titles_get_their_own_addresses_and_pages_keep_theirs(keeper):
    first = create_collection(by=keeper, title="Favourites")
    second = create_collection(by=UserFactory(), title="Favourites")
    mine = create_collection(by=keeper, title="Mine")
    assert first.slug == "favourites"
    assert second.slug.startswith("favourites-")
    assert second.slug != first.slug
    assert mine.slug != "mine"  # /collections/mine/ is the owner's list


def test_people_edit_only_their_own_and_staff_only_exhibitions(
    client, keeper, private, staff
):
    client.force_login(keeper)
    saved = client.post(
        f"/collections/{private.slug}/edit/",
        {"action": "save", "title": "Renamed", "statement": "", "published": "on"},
    )
    assert saved.status_code == 302
    private.refresh_from_db()
    assert (private.title, private.published) == ("Renamed", True)
    client.force_login(staff)
    assert client.get(f"/collections/{private.slug}/edit/").status_code == 403
    secret = create_collection(by=keeper, title="Hidden box")
    with pytest.raises(CollectionNotFound):
        update_collection(
            collection=secret, by=staff, title="x", statement="", published=True
        )
    client.force_login(keeper)
    gone = client.post(f"/collections/{private.slug}/delete/")
    assert gone.status_code == 302
    assert gone.url == "/collections/mine/"
    assert not Collection.objects.filter(pk=private.pk).exists()
