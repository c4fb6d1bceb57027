"""The webhook pages and API: who may do what, and what each shows."""

from __future__ import annotations

import pytest

from django.utils import timezone
from rest_framework.test import APIClient

from integrations.models import Attempt, Delivery, Endpoint, Event
from integrations.services import create_endpoint
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def delivery_of(endpoint: Endpoint, type: str = "submission.decided", **fields):  # noqa: A002
    event = Event.objects.create(type=type, data={"n": 1}, artist=endpoint.owner)
    return Delivery.objects.create(event=event, endpoint=endpoint, **fields)


def test_an_artist_registers_a_webhook_and_sees_its_secret_only_then(artist):
    made = api(artist).post(
        "/api/v1/webhooks/endpoints/",
        {"url": URL, "events": ["submission.decided"], "description": "my bot"},
        format="json",
    )
    assert made.status_code == 201
    assert made.data["secret"].startswith("whsec_")
    assert made.data["scope"] == "own_works"
    shown = api(artist).get(f"/api/v1/webhooks/endpoints/{made.data['id']}/")
    assert "secret" not in shown.data
    assert made.data["secret"].startswith(shown.data["secret_hint"].rstrip("…"))


def test_an_artist_may_not_subscribe_to_site_events(artist):
    response = api(artist).post(
        "/api/v1/webhooks/endpoints/",
        {"url": URL, "events": ["claim.made"]},
        format="json",
    )
    assert response.status_code == 403
    assert "your own works only" in str(response.data)
    assert Endpoint.objects.count() == 0


def test_a_private_address_is_refused_with_a_reason(artist, settings):
    settings.ATELIER_WEBHOOKS_ALLOW_PRIVATE = False
    response = api(artist).post(
        "/api/v1/webhooks/endpoints/",
        {"url": "http://10.0.0.7/hook", "events": ["work.hidden"]},
        format="json",
    )
    assert response.status_code == 400
    assert "private or reserved" in str(response.data)


def test_people_list_only_their_own_webhooks_and_staff_all(artist, staff):
    mine = create_endpoint(owner=artist, url=URL, events=["work.hidden"])
    other = create_endpoint(owner=UserFactory(), url=URL, events=["work.hidden"])
    listed = api(artist).get("/api/v1/webhooks/endpoints/").data
    assert [e["id"] for e in listed] == [mine.pk]
    assert api(artist).get(f"/api/v1/webhooks/endpoints/{other.pk}/").status_code == 404
    everyone = api(staff).get("/api/v1/webhooks/endpoints/").data
    assert {e["id"] for e in everyone} == {mine.pk, other.pk}


def test_deliveries_are_listed_by_page_and_filtered(artist):
    hook = create_endpoint(
        owner=artist, url=URL, events=["work.hidden", "submission.decided"]
    )
    for _ in range(3):
        delivery_of(hook, state=Delivery.State.FAILED)
    delivery_of(hook, "work.hidden")
    delivery_of(create_endpoint(owner=UserFactory(), url=URL, events=["work.hidden"]))

    page = api(artist).get("/api/v1/webhooks/deliveries/?page_size=2").data
    assert len(page["results"]) == 2
    assert page["next"]
    rest = api(artist).get(page["next"]).data
    assert len(page["results"]) + len(rest["results"]) == 4
    failed = api(artist).get("/api/v1/webhooks/deliveries/?state=failed").data
    assert [d["state"] for d in failed["results"]] == ["failed"] * 3
    hidden = api(artist).get("/api/v1/webhooks/deliveries/?event_type=work.hidden")
    assert [d["event_type"] for d in hidden.data["results"]] == ["work.hidden"]


def test_a_delivery_shows_its_payload_and_attempts(artist):
    hook = create_endpoint(owner=artist, url=URL, events=["submission.decided"])
    delivery = delivery_of(hook, attempt_count=1, state=Delivery.State.PENDING)
    Attempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=timezone.now(),
        duration_ms=12,
        status_code=500,
        response_excerpt="boom",
    )
    data = api(artist).get(f"/api/v1/webhooks/deliveries/{delivery.pk}/").data
    assert data["payload"]["id"] == str(delivery.event.uid)
    assert data["payload"]["version"] == 1
    assert data["payload"]["data"] == {"n": 1}
    assert data["attempts"][0]["status_code"] == 500
    assert data["attempts"][0]["response_excerpt"] == "boom"


def test_redelivering_through_the_api_makes_a_new_pending_delivery(artist):
    hook = create_endpoint(owner=artist, url=URL, events=["submission.decided"])
    first = delivery_of(hook, state=Delivery.State.FAILED)
    response = api(artist).post(f"/api/v1/webhooks/deliveries/{first.pk}/redeliver/")
    assert response.status_code == 202
    assert response.data["redelivery_of"] == first.pk
    assert response.data["state"] == "pending"
    assert response.data["event_id"] == str(first.event.uid)


def test_resuming_through_the_api_unpauses(artist):
    hook = create_endpoint(owner=artist, url=URL, events=["submission.decided"])
    Endpoint.objects.filter(pk=hook.pk).update(
        paused_at=timezone.now(), paused_reason="50 attempts in a row failed"
    )
    response = api(artist).post(f"/api/v1/webhooks/endpoints/{hook.pk}/resume/")
    assert response.status_code == 200
    assert response.data["paused_at"] is None


def test_my_webhooks_offers_an_artist_only_events_about_their_works(client, artist):
    client.force_login(artist)
    page = client.get("/settings/webhooks/").content.decode()
    assert 'value="submission.decided"' in page
    assert 'value="work.hidden"' in page
    assert 'value="claim.made"' not in page
    assert "No webhooks yet." in page


def test_adding_a_webhook_on_the_page_shows_its_secret_once(client, artist):
    client.force_login(artist)
    response = client.post(
        "/settings/webhooks/", {"url": URL, "events": ["work.hidden"]}
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.owner == artist
    assert endpoint.secret in response.content.decode()
    again = client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in again
    assert endpoint.secret_hint in again


def test_staff_can_reveal_a_secret_on_the_webhook_page(client, staff, artist):
    hook = create_endpoint(owner=artist, url=URL, events=["work.hidden"])
    client.force_login(staff)
    assert hook.secret in client.get(f"/webhooks/{hook.pk}/").content.decode()


def test_the_webhook_page_lists_deliveries_with_their_attempts_and_resend(
    client, artist
):
    hook = create_endpoint(owner=artist, url=URL, events=["submission.decided"])
    delivery = delivery_of(hook, attempt_count=1)
    Attempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=timezone.now(),
        duration_ms=5000,
        error="No answer within 10 s.",
    )
    Endpoint.objects.filter(pk=hook.pk).update(
        paused_at=timezone.now(), paused_reason="50 attempts in a row failed"
    )
    client.force_login(artist)
    page = client.get(f"/webhooks/{hook.pk}/").content.decode()
    assert "No answer within 10 s." in page
    assert "5000 ms" in page
    assert "50 attempts in a row failed" in page
    assert "Resume deliveries" in page
    assert f"/webhooks/deliveries/{delivery.pk}/redeliver/" in page

    resumed = client.post(f"/webhooks/{hook.pk}/resume/", follow=True)
    assert "Webhook resumed" in resumed.content.decode()
    resent = client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/", follow=True)
    assert "Sent again" in resent.content.decode()
    assert Delivery.objects.filter(redelivery_of=delivery).count() == 1


def test_editing_a_webhook_on_its_page(client, artist):
    hook = create_endpoint(owner=artist, url=URL, events=["work.hidden"])
    client.force_login(artist)
    client.post(
        f"/webhooks/{hook.pk}/",
        {"url": URL + "/v2", "events": ["work.restored"], "description": "moved"},
    )
    hook.refresh_from_db()
    assert hook.url == URL + "/v2"
    assert hook.events == ["work.restored"]
    assert hook.is_active is False  # the box was left unticked


def test_someone_elses_webhook_page_is_not_found(client, artist):
    hook = create_endpoint(owner=UserFactory(), url=URL, events=["work.hidden"])
    client.force_login(artist)
    assert client.get(f"/webhooks/{hook.pk}/").status_code == 404
    assert client.post(f"/webhooks/{hook.pk}/delete/").status_code == 404
    assert Endpoint.objects.filter(pk=hook.pk).exists() is True


def test_the_schema_documents_every_payload(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    mapping = components["WebhookPayload"]["discriminator"]["mapping"]
    assert set(mapping) == {
        "task.opened",
        "task.closed",
        "claim.made",
        "claim.released",
        "claim.expired",
        "submission.received",
        "submission.decided",
        "work.hidden",
        "work.restored",
        "seed.bred",
        "model.trained",
    }
    decided = components["SubmissionDecidedPayload"]["properties"]
    assert set(decided) == {"id", "type", "version", "created", "data"}
