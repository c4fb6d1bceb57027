"""Notifications: decisions, claim warnings, the bell, the inbox, e-mail."""

from datetime import timedelta

import pytest

from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import set_email_notifications
from art_tasks.services import claim_task, release_claim
from community.context_processors import notifications as bell_context
from community.models import Notification
from community.services import email_notification, notify, warn_expiring_claims
from community.tasks import send_notification_email_task
from config.celery import app
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def test_an_accepted_work_tells_its_artist_with_the_curators_comments(artist, curators):
    work = decided_work(
        artist=artist,
        curators=curators,
        scores=(5, 4, 4),
        title="Harbour",
        comments=("Strong colour.", "", "Lovely edges."),
    )
    note = artist.notifications.get()
    assert note.kind == Kind.ACCEPTED
    assert note.url == f"/art/{work.pk}/"
    assert "“Harbour” was accepted into the gallery." in note.text
    assert "• Strong colour.\n• Lovely edges." in note.text
    for curator in curators:  # votes are blind
        assert curator.username not in note.text
        assert curator.shown_name not in note.text


def test_a_rejected_work_tells_its_artist_why(artist, curators):
    decided_work(
        artist=artist,
        curators=curators,
        scores=(2, 2, 1),
        title="Fog",
        comments=("The seed is lost under the filter.",),
    )
    note = artist.notifications.get()
    assert note.kind == Kind.REJECTED
    assert "“Fog” was not accepted." in note.text
    assert "Mean score 1.67" in note.text
    assert "The seed is lost under the filter." in note.text


def test_nobody_is_told_before_the_decision(artist, curators):
    decided_work(artist=artist, curators=curators[:2], scores=(5, 5))
    assert Notification.objects.count() == 0


def test_the_email_goes_out_after_commit_with_a_link(
    artist, curators, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        work = decided_work(
            artist=artist, curators=curators, comments=("Bold.",), title="Dune"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["artist@example.test"]
    assert message.subject == "[Atelier] Work accepted"
    assert "Bold." in message.body
    assert f"{settings.ATELIER_SITE_URL}/art/{work.pk}/" in message.body
    assert artist.notifications.get().emailed_at is not None


def test_the_email_waits_for_the_commit(
    artist, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=artist, kind=Kind.MODERATION, text="Hello.")
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_notification_emails_go_to_the_default_queue():
    app.loader.import_default_modules()
    route = app.amqp.router.route({}, "community.tasks.send_notification_email_task")
    assert route["queue"].name == "default"


def test_people_who_turned_emails_off_are_told_on_the_site_only(
    artist, curators, django_capture_on_commit_callbacks, eager_celery
):
    set_email_notifications(user=artist, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        decided_work(artist=artist, curators=curators)
    assert mail.outbox == []
    assert artist.notifications.count() == 1


def test_turning_emails_off_after_a_notification_stops_its_email(artist):
    note = notify(recipient=artist, kind=Kind.MODERATION, text="Hello.")
    set_email_notifications(user=artist, enabled=False)
    email_notification(notification=note)
    assert mail.outbox == []


def test_a_notification_is_emailed_once_however_often_the_task_runs(artist):
    note = notify(recipient=artist, kind=Kind.MODERATION, text="Hello.")
    send_notification_email_task(note.pk)
    send_notification_email_task(note.pk)
    assert len(mail.outbox) == 1


def test_people_without_an_address_get_no_email(django_capture_on_commit_callbacks):
    person = UserFactory(username="quiet", email="")
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=person, kind=Kind.MODERATION, text="Hello.")
    assert callbacks == []


def test_the_same_event_key_notifies_once(artist):
    first = notify(recipient=artist, kind=Kind.MODERATION, text="A", key="event:1")
    again = notify(recipient=artist, kind=Kind.MODERATION, text="A", key="event:1")
    assert first is not None
    assert again is None
    assert artist.notifications.count() == 1


# Claim warnings -------------------------------------------------------------------


def ends_in(claim, minutes: int):
    """Make `claim` a two-hour claim with `minutes` left."""
    claim.expires_at = timezone.now() + timedelta(minutes=minutes)
    claim.claimed_at = claim.expires_at - timedelta(hours=2)
    claim.save(update_fields=["expires_at", "claimed_at"])
    return claim


def test_a_claim_about_to_expire_is_warned_once(open_task, artist):
    claim = ends_in(claim_task(task=open_task, user=artist), 10)
    assert warn_expiring_claims() == 1
    assert warn_expiring_claims() == 0
    note = artist.notifications.get()
    assert note.kind == Kind.CLAIM_EXPIRING
    assert f"“{open_task.title}” ends in 10 minutes" in note.text
    assert note.url == f"/tasks/{open_task.pk}/"
    assert note.key == (
        f"claim-expiring:{claim.pk}:{int(claim.expires_at.timestamp())}"
    )


def test_claims_with_time_left_or_already_over_are_not_warned(open_task, artist):
    ends_in(claim_task(task=open_task, user=artist), 45)
    other = UserFactory(username="late")
    claim = claim_task(task=open_task, user=other)
    claim.claimed_at = timezone.now() - timedelta(hours=3)
    claim.expires_at = timezone.now() - timedelta(minutes=1)
    claim.save(update_fields=["claimed_at", "expires_at"])
    assert warn_expiring_claims() == 0


def test_a_released_claim_is_not_warned(open_task, artist):
    claim = ends_in(claim_task(task=open_task, user=artist), 5)
    release_claim(claim=claim, user=artist)
    assert warn_expiring_claims() == 0


def test_a_claim_whose_end_moved_later_is_warned_again_before_the_new_end(
    open_task, artist
):
    claim = ends_in(claim_task(task=open_task, user=artist), 10)
    assert warn_expiring_claims() == 1
    ends_in(claim, 9)  # the end moved; due again
    assert warn_expiring_claims() == 1
    assert artist.notifications.count() == 2


def test_the_beat_schedule_runs_the_warning_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["notify-expiring-claims"]
    assert entry["task"] == "community.tasks.notify_expiring_claims_task"
    assert entry["schedule"] == timedelta(minutes=1)


# The bell and the inbox -------------------------------------------------------------


def test_the_bell_count_costs_one_query(artist, django_assert_num_queries):
    for n in range(3):
        notify(recipient=artist, kind=Kind.MODERATION, text=f"Note {n}")
    request = RequestFactory().get("/")
    request.user = artist
    context = bell_context(request)
    with django_assert_num_queries(1):
        shown = f"{context['unread_notifications']}"
        also = bool(context["unread_notifications"])
    assert (shown, also) == ("3", True)


def test_opening_the_inbox_marks_nothing_read(client, artist):
    for n in range(2):
        notify(recipient=artist, kind=Kind.MODERATION, text=f"Note number {n}")
    client.force_login(artist)
    gallery = client.get("/").content.decode()
    assert 'aria-label="Notifications: 2 unread"' in gallery
    for _ in range(2):  # a link preview or prefetch opens it too
        inbox = client.get("/notifications/").content.decode()
        assert "Note number 0" in inbox
        assert inbox.count("note kind-moderation unread") == 2
    assert artist.notifications.filter(read_at__isnull=True).count() == 2
    assert 'aria-label="Notifications: 2 unread"' in client.get("/").content.decode()
    assert client.post("/notifications/").status_code == 405


def test_mark_all_read_is_a_post_and_the_bell_follows(client, artist):
    for n in range(2):
        notify(recipient=artist, kind=Kind.MODERATION, text=f"Note number {n}")
    client.force_login(artist)
    assert "Mark all read" in client.get("/notifications/").content.decode()
    assert client.get("/notifications/read/").status_code == 405
    response = client.post("/notifications/read/")
    assert response.status_code == 302
    assert artist.notifications.filter(read_at__isnull=True).count() == 0
    inbox = client.get("/notifications/").content.decode()
    assert "note kind-moderation unread" not in inbox
    assert "Mark all read" not in inbox
    assert 'aria-label="Notifications: 0 unread"' in inbox


def test_one_notification_is_marked_read_in_place_with_htmx(client, artist):
    first = notify(recipient=artist, kind=Kind.MODERATION, text="First")
    notify(recipient=artist, kind=Kind.MODERATION, text="Second")
    other = notify(
        recipient=UserFactory(username="other"), kind=Kind.MODERATION, text="x"
    )
    client.force_login(artist)
    fragment = client.post(
        "/notifications/read/", {"id": first.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert fragment.count("note kind-moderation unread") == 1
    assert 'hx-swap-oob="true"' in fragment
    assert 'aria-label="Notifications: 1 unread"' in fragment
    client.post("/notifications/read/", {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None  # never someone else's


def test_visitors_have_no_bell_and_no_inbox(client):
    assert "Notifications" not in client.get("/").content.decode()
    assert client.get("/notifications/").status_code == 302


def test_the_page_turns_emails_off_and_on(client, artist):
    client.force_login(artist)
    client.post("/notifications/settings/", {})
    artist.refresh_from_db()
    assert artist.email_notifications is False
    client.post("/notifications/settings/", {"email_notifications": "on"})
    artist.refresh_from_db()
    assert artist.email_notifications is True


# API ------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_counts_and_marks_notifications_read(artist):
    other = UserFactory(username="other")
    mine = [
        notify(recipient=artist, kind=Kind.MODERATION, text=f"Mine {n}")
        for n in range(3)
    ]
    theirs = notify(recipient=other, kind=Kind.MODERATION, text="Theirs")
    client = api_for(artist)

    listed = client.get("/api/v1/notifications/?page_size=2").json()
    assert [n["text"] for n in listed["results"]] == ["Mine 2", "Mine 1"]
    assert listed["next"]
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}

    marked = client.post(
        "/api/v1/notifications/read/",
        {"ids": [mine[0].pk, theirs.pk]},
        format="json",
    ).json()
    assert marked == {"marked": 1, "unread": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None  # never someone else's
    unread = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [n["text"] for n in unread] == ["Mine 2", "Mine 1"]
    assert client.post("/api/v1/notifications/read/", {}, format="json").json() == {
        "marked": 2,
        "unread": 0,
    }


def test_the_api_changes_the_email_preference(artist):
    client = api_for(artist)
    response = client.patch(
        "/api/v1/me/preferences/", {"email_notifications": False}, format="json"
    )
    assert response.json() == {"email_notifications": False}
    assert client.get("/api/v1/me/").json()["email_notifications"] is False


def test_the_notification_api_needs_a_signed_in_person():
    anon = APIClient()
    assert anon.get("/api/v1/notifications/").status_code in (401, 403)
    assert anon.post("/api/v1/notifications/read/").status_code in (401, 403)


def test_the_email_has_a_plain_and_an_html_part(
    artist, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=artist, kind=Kind.MODERATION, text="Seen <b>it</b>.", url="/x/"
        )
    message = mail.outbox[0]
    assert "Seen <b>it</b>." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Seen &lt;b&gt;it&lt;/b&gt;." in html
    assert f'href="{settings.ATELIER_SITE_URL}/x/"' in html


# The claim clock's timing --------------------------------------------------------


def _claim_lasting(task, user, *, minutes: float, left: float):
    """A live claim of `minutes` in all, with `left` minutes to go."""
    claim = claim_task(task=task, user=user)
    claim.expires_at = timezone.now() + timedelta(minutes=left)
    claim.claimed_at = claim.expires_at - timedelta(minutes=minutes)
    claim.save(update_fields=["expires_at", "claimed_at"])
    return claim


def _later(claim, minutes: float):
    """Let `minutes` pass for `claim`: every one of its moments moves back."""
    claim.refresh_from_db()
    shift = timedelta(minutes=minutes)
    claim.claimed_at -= shift
    claim.expires_at -= shift
    if claim.extended_at:
        claim.extended_at -= shift
    claim.save(update_fields=["claimed_at", "expires_at", "extended_at"])
    return claim


def test_a_new_claim_is_never_warned_at_once(open_task, artist):
    # The shortest claim (5 minutes, shorter than the 10-minute lead) just
    # taken: warned halfway, not now. (The old rule warned it at once.)
    short = OpenTaskFactory(claim_ttl=timedelta(minutes=5))
    claim_task(task=short, user=artist)
    claim_task(task=open_task, user=artist)
    assert warn_expiring_claims() == 0


def test_a_short_claim_is_warned_at_half_time(open_task, artist):
    claim = _claim_lasting(open_task, artist, minutes=16, left=8.5)
    assert warn_expiring_claims() == 0
    _later(claim, 0.6)  # 8.1 of 16 minutes gone
    assert warn_expiring_claims() == 1
    assert "ends in 8 minutes" in artist.notifications.get().text


def test_a_long_claim_is_warned_ten_minutes_before_its_end(open_task, artist):
    claim = _claim_lasting(open_task, artist, minutes=120, left=10.5)
    assert warn_expiring_claims() == 0
    claim = _later(claim, 0.6)
    assert warn_expiring_claims() == 1
    note = artist.notifications.get()
    assert "extend the claim from the task page" in note.text
    assert f"at {claim.expires_at:%d %b %Y, %H:%M} UTC" in note.text


def test_an_extension_moves_the_warning_to_the_new_end(open_task, artist):
    from art_tasks.services import extend_claim

    claim = _claim_lasting(open_task, artist, minutes=120, left=9)
    assert warn_expiring_claims() == 1
    extend_claim(claim=claim, user=artist)  # two more hours
    assert warn_expiring_claims() == 0
    _later(claim, 120.5)  # 8.5 minutes left of the new end
    assert warn_expiring_claims() == 1
    assert artist.notifications.filter(kind=Kind.CLAIM_EXPIRING).count() == 2
    assert "extend the claim" not in artist.notifications.first().text


def test_an_expired_claim_says_it_ended_with_a_link_to_claim_again(open_task, artist):
    from art_tasks.services import expire_claims

    claim = _claim_lasting(open_task, artist, minutes=120, left=-1)
    assert expire_claims() == 1
    assert expire_claims() == 0
    note = artist.notifications.get()
    assert note.kind == Kind.CLAIM_ENDED
    assert f"Your claim on “{open_task.title}” ended at" in note.text
    assert "Claim the task again while a slot is free." in note.text
    assert note.url == open_task.get_absolute_url()
    claim.refresh_from_db()
    assert claim.state == "expired"


def test_the_ended_notice_names_a_kept_draft(open_task, artist):
    import io

    from art_tasks.errors import ClaimEndedDraftKept
    from art_tasks.services import expire_claims, submit_work_or_keep_draft
    from tests.images import png_bytes

    claim = _claim_lasting(open_task, artist, minutes=120, left=-1)
    upload = io.BytesIO(png_bytes((30, 30)))
    with pytest.raises(ClaimEndedDraftKept):
        submit_work_or_keep_draft(
            claim=claim,
            user=artist,
            seed=open_task.seeds.first(),
            image=upload,
            title="Late one",
            license=open_task.license,
        )
    expire_claims()
    text = artist.notifications.get(kind=Kind.CLAIM_ENDED).text
    assert "Your upload “Late one” is kept as a draft until" in text
    assert "submit the draft in one step" in text
