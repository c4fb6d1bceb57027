"""Collections as staff exhibitions: ordered works, a cover, drafts."""

import pytest

from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from art_tasks.models import Submission
from gallery.errors import CollectionConflict, NotInGallery, NotYourCollection
from gallery.services import (
    add_to_collection,
    create_collection,
    move_in_collection,
    remove_from_collection,
    reorder_collection,
    update_collection,
)
from tests.art_tasks.factories import submitted_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def works(accepted_work):
    return [accepted_work(f"Piece {i}") for i in range(1, 5)]


@pytest.fixture
def show(staff, works):
    collection = create_collection(
        by=staff,
        title="Sea and Sky",
        statement="Blue studies.",
        published=True,
        featured=True,
    )
    for work in works[:3]:
        add_to_collection(collection=collection, by=staff, submission=work)
    return collection


def order_of(collection) -> list[str]:
    return [i.submission.title for i in collection.items.order_by("position")]


def test_staff_build_a_collection_in_order_and_the_first_work_is_the_cover(show, works):
    assert show.slug == "sea-and-sky"
    assert order_of(show) == ["Piece 1", "Piece 2", "Piece 3"]
    show.refresh_from_db()
    assert show.cover == works[0]


def test_staff_reorder_and_remove_works(show, staff, works):
    move_in_collection(collection=show, by=staff, submission=works[2], offset=-2)
    assert order_of(show) == ["Piece 3", "Piece 1", "Piece 2"]
    move_in_collection(collection=show, by=staff, submission=works[2], offset=-1)
    assert order_of(show) == ["Piece 3", "Piece 1", "Piece 2"]  # already first
    reorder_collection(
        collection=show,
        by=staff,
        submission_ids=[works[1].pk, works[0].pk, works[2].pk],
    )
    assert order_of(show) == ["Piece 2", "Piece 1", "Piece 3"]
    remove_from_collection(collection=show, by=staff, submission=works[0])
    assert order_of(show) == ["Piece 2", "Piece 3"]
    assert list(show.items.values_list("position", flat=True)) == [1, 2]
    show.refresh_from_db()
    assert show.cover == works[1]  # the removed cover gives way to the first


def test_collections_refuse_duplicates_unaccepted_work_and_non_staff(
    show, staff, works, artist, open_task
):
    with pytest.raises(CollectionConflict, match="already in the collection"):
        add_to_collection(collection=show, by=staff, submission=works[0])
    pending = submitted_work(task=open_task, artist=artist)
    with pytest.raises(NotInGallery, match="Only accepted work"):
        add_to_collection(collection=show, by=staff, submission=pending)
    with pytest.raises(NotYourCollection):
        add_to_collection(collection=show, by=artist, submission=works[3])
    with pytest.raises(CollectionConflict, match="cover must be one"):
        update_collection(
            collection=show,
            by=staff,
            title="Sea and Sky",
            statement="",
            published=True,
            cover=works[3],
        )
    with pytest.raises(CollectionConflict, match="exists"):
        create_collection(by=staff, title="Sea and sky!", featured=True)
    with pytest.raises(ValidationError):
        create_collection(by=staff, title="   ")


def test_the_public_page_shows_published_work_in_order(client, show, works, staff):
    Submission.objects.filter(pk=works[1].pk).update(state=Submission.State.HIDDEN)
    page = client.get("/collections/sea-and-sky/").content.decode()
    assert "Blue studies." in page
    assert page.index("Piece 1") < page.index("Piece 3")
    assert "Piece 2" not in page  # hidden after it was added
    listing = client.get("/collections/").content.decode()
    assert "Sea and Sky" in listing
    assert "2 works" in listing


def test_drafts_are_for_staff_only(client, staff):
    create_collection(by=staff, title="Work in progress", featured=True)
    assert client.get("/collections/work-in-progress/").status_code == 404
    assert "Work in progress" not in client.get("/collections/").content.decode()
    client.force_login(staff)
    assert client.get("/collections/work-in-progress/").status_code == 200


def test_the_api_lists_collections_and_their_works(show, works):
    client = APIClient()
    listed = client.get("/api/v1/collections/").json()["results"]
    assert [(c["slug"], c["work_count"]) for c in listed] == [("sea-and-sky", 3)]
    assert listed[0]["cover"].startswith("http://testserver/files/thumbs/")
    detail = client.get("/api/v1/collections/sea-and-sky/").json()
    assert [w["title"] for w in detail["works"]] == ["Piece 1", "Piece 2", "Piece 3"]
    assert detail["cover"] == works[0].pk
    missing = client.get("/api/v1/collections/nope/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "collection_not_found"


def test_staff_edit_a_collection_from_its_page(client, staff, works):
    client.force_login(staff)
    created = client.post("/collections/new/", {"title": "Night pieces"})
    assert created.url == "/collections/night-pieces/edit/"
    edit = "/collections/night-pieces/edit/"
    client.post(edit, {"action": "add", "work": f"/art/{works[0].pk}/"})
    client.post(edit, {"action": "add", "work": str(works[1].pk)})
    client.post(edit, {"action": "down", "work": works[0].pk})
    client.post(
        edit,
        {
            "action": "save",
            "title": "Night pieces",
            "statement": "After dark.",
            "published": "on",
            "cover": works[0].pk,
        },
    )
    page = client.get(edit).content.decode()
    listed = page[page.index('class="edit-items"') :]
    assert listed.index("Piece 2") < listed.index("Piece 1")
    shown = client.get("/collections/night-pieces/").content.decode()
    assert "After dark." in shown
    refused = client.post(edit, {"action": "add", "work": "/art/999999/"})
    assert "No artwork with that number" in refused.content.decode()
    junk = client.post(edit, {"action": "remove", "work": "not-a-number"})
    assert junk.status_code == 404


def test_people_who_are_not_staff_cannot_open_an_exhibitions_editor(
    client, artist, show
):
    client.force_login(artist)
    assert client.get("/collections/sea-and-sky/edit/").status_code == 403
    # Their own collections they may start, though.
    assert client.get("/collections/new/").status_code == 200


def test_a_hidden_cover_no_longer_shows_on_collection_pages_or_the_api(
    client, show, works
):
    from moderation.services import hide_work
    from tests.accounts.factories import CuratorFactory

    hide_work(
        submission=works[0], actor=CuratorFactory(username="mod"), reason="Copied."
    )
    cover_url = works[0].thumbnail.url
    assert cover_url not in client.get("/collections/").content.decode()
    api = APIClient()
    assert api.get("/api/v1/collections/").json()["results"][0]["cover"] is None
    assert api.get("/api/v1/collections/sea-and-sky/").json()["cover"] is None
