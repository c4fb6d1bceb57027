"""Following artists and hearing about their new accepted work."""

import pytest

from django.core import mail
from rest_framework.test import APIClient

from accounts.services import set_email_notifications
from community.errors import CannotFollowSelf
from community.models import Follow, Notification
from community.selectors import artist_standing
from community.services import follow_artist, notify_followers, unfollow_artist
from core.errors import NotAllowed
from tests.accounts.factories import UserFactory
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def fans(artist):
    people = [UserFactory(username=f"fan{i}") for i in range(3)]
    for fan in people:
        follow_artist(follower=fan, artist=artist)
    return people


def followed_news(user):
    return user.notifications.filter(kind=Notification.Kind.FOLLOWED_WORK)


def test_following_twice_keeps_one_follow(artist):
    fan = UserFactory(username="fan")
    follow_artist(follower=fan, artist=artist)
    follow_artist(follower=fan, artist=artist)
    assert Follow.objects.filter(follower=fan, artist=artist).count() == 1
    assert artist_standing(artist=artist, viewer=fan).following is True


def test_nobody_follows_themselves(artist):
    with pytest.raises(CannotFollowSelf, match="cannot follow yourself"):
        follow_artist(follower=artist, artist=artist)


def test_unfollowing_stops_the_news(artist):
    fan = UserFactory(username="fan")
    follow_artist(follower=fan, artist=artist)
    unfollow_artist(follower=fan, artist=artist)
    assert artist_standing(artist=artist, viewer=fan).following is False
    assert artist_standing(artist=artist).followers == 0


def test_followers_hear_about_new_accepted_work_after_commit(
    artist, curators, fans, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        work = decided_work(artist=artist, curators=curators, title="Tide")
    for fan in fans:
        note = followed_news(fan).get()
        assert note.text == "Artist has new work in the gallery: “Tide”."
        assert note.url == work.get_absolute_url()
    # One e-mail to the artist (the decision) and one to each follower.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "artist@example.test",
        "fan0@example.test",
        "fan1@example.test",
        "fan2@example.test",
    ]


def test_followers_hear_nothing_about_rejected_work(
    artist, curators, fans, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        decided_work(artist=artist, curators=curators, scores=(1, 2, 1))
    assert all(not followed_news(fan).exists() for fan in fans)


def test_the_fan_out_tells_each_follower_once(artist, curators, fans):
    work = decided_work(artist=artist, curators=curators)
    assert len(notify_followers(submission=work)) == 3
    assert notify_followers(submission=work) == []
    late = UserFactory(username="late")
    follow_artist(follower=late, artist=artist)
    assert [n.recipient for n in notify_followers(submission=work)] == [late]


def test_the_fan_out_respects_the_email_opt_out(
    artist, curators, fans, django_capture_on_commit_callbacks, eager_celery
):
    set_email_notifications(user=fans[0], enabled=False)
    work = decided_work(artist=artist, curators=curators)
    with django_capture_on_commit_callbacks(execute=True):
        notify_followers(submission=work)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "fan1@example.test",
        "fan2@example.test",
    ]
    assert followed_news(fans[0]).count() == 1


def test_the_artist_page_has_follow_and_unfollow_buttons(client, artist):
    fan = UserFactory(username="fan")
    client.force_login(fan)
    page = client.get("/artists/artist/").content.decode()
    assert ">Follow</button>" in page
    assert "0 followers" in page
    response = client.post("/artists/artist/follow/")
    assert response.status_code == 302
    page = client.get("/artists/artist/").content.decode()
    assert "Following · Unfollow" in page
    assert "1 follower<" in page
    client.post("/artists/artist/unfollow/")
    assert not Follow.objects.exists()


def test_the_artist_page_offers_no_button_on_your_own_page(client, artist):
    client.force_login(artist)
    page = client.get("/artists/artist/").content.decode()
    assert ">Follow</button>" not in page


def test_following_needs_a_signed_in_person(client, artist):
    response = client.post("/artists/artist/follow/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    with pytest.raises(NotAllowed):
        follow_artist(follower=client.get("/").wsgi_request.user, artist=artist)


def test_the_api_follows_and_unfollows(artist):
    fan = UserFactory(username="fan")
    client = APIClient()
    client.force_authenticate(fan)
    response = client.post("/api/v1/artists/artist/follow/")
    assert response.status_code == 201
    assert response.json() == {"artist": "artist", "following": True}
    assert client.get("/api/v1/artists/artist/").json()["followers"] == 1
    assert client.get("/api/v1/artists/artist/").json()["following"] is True
    assert client.delete("/api/v1/artists/artist/follow/").status_code == 204
    assert client.get("/api/v1/artists/artist/").json()["followers"] == 0
    own = APIClient()
    own.force_authenticate(artist)
    refused = own.post("/api/v1/artists/artist/follow/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "follow_self"
    assert APIClient().post("/api/v1/artists/artist/follow/").status_code in (
        401,
        403,
    )
