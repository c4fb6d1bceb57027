"""A retried publish (lost response, double click) never makes a second task."""

import pytest

from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from generation.models import GenerationJob
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = {"title": "Once", "brief": "b", "seed_count": 2, "image_size": 64}


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_retry_with_the_same_idempotency_key_returns_the_first_task(staff):
    client = _api(staff)
    first = client.post(
        "/api/v1/tasks/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/tasks/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert CreationTask.objects.count() == 1
    assert GenerationJob.objects.count() == 1


def test_a_new_key_or_another_publisher_makes_a_new_task(staff):
    other = UserFactory(username="boss2", is_staff=True)
    one = _api(staff).post("/api/v1/tasks/", BODY, HTTP_IDEMPOTENCY_KEY="k1")
    two = _api(staff).post("/api/v1/tasks/", BODY, HTTP_IDEMPOTENCY_KEY="k2")
    three = _api(other).post("/api/v1/tasks/", BODY, HTTP_IDEMPOTENCY_KEY="k1")
    none = _api(staff).post("/api/v1/tasks/", BODY)
    assert [r.status_code for r in (one, two, three, none)] == [201] * 4
    assert CreationTask.objects.count() == 4


def test_an_overlong_idempotency_key_is_refused_with_a_message(staff):
    response = _api(staff).post("/api/v1/tasks/", BODY, HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    assert CreationTask.objects.count() == 0


def test_sending_the_publish_form_twice_publishes_once(client, staff):
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    token = page.split('name="publish_key" value="')[1].split('"')[0]
    assert len(token) == 32
    form = {
        "title": "Double click",
        "brief": "Sent twice.",
        "license": "CC-BY-4.0",
        "slots": 3,
        "claim_ttl_minutes": 120,
        "generator": "cppn@1",
        "style": "nebula",
        "seed_count": 2,
        "image_size": 256,
        "publish_key": token,
    }
    first = client.post("/staff/publish/", form)
    second = client.post("/staff/publish/", form, follow=True)
    task = CreationTask.objects.get()
    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == task.get_absolute_url()
    assert "already published" in second.content.decode()
    assert GenerationJob.objects.filter(task=task).count() == 1
    assert (
        'name="publish_key" value="' + token
        not in client.get("/staff/publish/").content.decode()
    )
