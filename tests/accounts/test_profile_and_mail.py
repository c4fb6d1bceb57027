"""The profile page (name, bio, avatar) and the sent-mail page for staff."""

from __future__ import annotations

import pytest
from PIL import Image

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives, send_mail

from accounts.models import SentMail
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


def test_a_person_edits_name_bio_and_avatar(client, artist):
    client.force_login(artist)
    upload = SimpleUploadedFile("me.png", png_bytes((300, 200)), "image/png")
    response = client.post(
        "/settings/profile/",
        {"display_name": "  Ada L. ", "bio": "I paint fog.", "avatar": upload},
    )
    assert response["Location"] == "/settings/profile/"
    artist.refresh_from_db()
    assert (artist.display_name, artist.bio) == ("Ada L.", "I paint fog.")
    name = artist.avatar.name
    assert name.startswith("avatars/")
    assert name.endswith(".webp")
    with default_storage.open(name) as stored:
        image = Image.open(stored)
        assert (image.format, image.size) == ("WEBP", (256, 256))
    page = client.get(f"/artists/{artist.username}/")
    assert artist.avatar.url.encode() in page.content
    assert b"Ada L." in page.content
    api = client.get(f"/api/v1/artists/{artist.username}/").json()
    assert api["avatar"].endswith(".webp")


def test_the_same_picture_is_stored_once_under_its_hash(client, artist, curators):
    for person in (artist, curators[0]):
        client.force_login(person)
        upload = SimpleUploadedFile("me.png", png_bytes((80, 80)), "image/png")
        client.post("/settings/profile/", {"avatar": upload})
        person.refresh_from_db()
    assert artist.avatar.name == curators[0].avatar.name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", b"not an image Atelier can read"),
        (b"", b"The submitted file is empty"),
    ],
)
def test_a_bad_avatar_is_refused_and_nothing_changes(client, artist, content, message):
    client.force_login(artist)
    upload = SimpleUploadedFile("me.png", content, "image/png")
    response = client.post(
        "/settings/profile/", {"display_name": "Changed", "avatar": upload}
    )
    assert response.status_code == 200
    assert message in response.content
    artist.refresh_from_db()
    assert artist.display_name == "Artist"
    assert not artist.avatar


def test_an_oversized_avatar_gets_the_upload_limit_message(client, artist, settings):
    settings.ATELIER_MAX_UPLOAD_BYTES = 100
    client.force_login(artist)
    upload = SimpleUploadedFile("me.png", png_bytes((200, 200)), "image/png")
    response = client.post("/settings/profile/", {"avatar": upload})
    assert b"the limit is" in response.content
    artist.refresh_from_db()
    assert not artist.avatar


def test_the_avatar_can_be_removed(client, artist):
    client.force_login(artist)
    upload = SimpleUploadedFile("me.png", png_bytes(), "image/png")
    client.post("/settings/profile/", {"avatar": upload})
    client.post("/settings/profile/", {"remove_avatar": "on"})
    artist.refresh_from_db()
    assert not artist.avatar


def test_the_profile_page_needs_a_sign_in(client):
    response = client.get("/settings/profile/")
    assert response["Location"] == "/accounts/login/?next=/settings/profile/"


@pytest.fixture
def mail_store(settings):
    settings.EMAIL_BACKEND = "accounts.mail.StoringEmailBackend"
    settings.ATELIER_MAIL_STORE_TRANSPORT = (
        "django.core.mail.backends.locmem.EmailBackend"
    )


def test_sent_mail_is_kept_and_still_delivered(mail_store):
    from django.core import mail

    message = EmailMultiAlternatives("Hi", "plain body", None, ["a@example.test"])
    message.attach_alternative("<p>html body</p>", "text/html")
    message.send()
    send_mail("Second", "just text", None, ["b@example.test"])
    assert len(mail.outbox) == 2
    kept = SentMail.objects.order_by("id")
    assert [(m.subject, m.to, m.text, m.html) for m in kept] == [
        ("Hi", "a@example.test", "plain body", "<p>html body</p>"),
        ("Second", "b@example.test", "just text", ""),
    ]


def test_staff_read_sent_mail_and_others_cannot(client, mail_store, staff, artist):
    send_mail("Welcome", "Open http://x.test/a/", None, ["a@example.test"])
    mail_id = SentMail.objects.get().pk
    client.force_login(artist)
    assert client.get("/staff/mail/").status_code == 403
    assert client.get(f"/staff/mail/{mail_id}/").status_code == 403
    client.force_login(staff)
    listing = client.get("/staff/mail/")
    assert b"Welcome" in listing.content
    detail = client.get(f"/staff/mail/{mail_id}/")
    assert b'href="http://x.test/a/"' in detail.content


def test_the_sign_up_mail_lands_on_the_staff_page(client, mail_store, staff):
    client.post(
        "/accounts/signup/",
        {
            "username": "nadia",
            "email": "nadia@example.test",
            "password1": "a-long-test-password",
            "password2": "a-long-test-password",
        },
    )
    client.force_login(staff)
    mail = SentMail.objects.get()
    assert "Confirm my address" in mail.html
    assert b"Confirm your e-mail address" in client.get("/staff/mail/").content
