"""A task past its deadline is closed at once, before the beat job runs."""

from datetime import timedelta

import pytest

from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from art_tasks.selectors import task_list
from art_tasks.services import close_finished_tasks
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(staff):
    """An open task whose deadline passed a minute ago, not yet tidied."""
    task = OpenTaskFactory(created_by=staff, title="Lapsed")
    CreationTask.objects.filter(pk=task.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    return task


@pytest.fixture
def running(staff):
    task = OpenTaskFactory(created_by=staff, title="Running")
    CreationTask.objects.filter(pk=task.pk).update(
        deadline=timezone.now() + timedelta(hours=1)
    )
    return task


def test_a_task_past_its_deadline_is_not_listed_as_open(client, lapsed, running):
    assert [t.title for t in task_list()] == ["Running"]
    listed = APIClient().get("/api/v1/tasks/").json()["results"]
    assert [t["title"] for t in listed] == ["Running"]
    page = client.get("/tasks/").content.decode()
    assert "Running" in page
    assert "Lapsed" not in page
    closed = task_list(states=[CreationTask.State.CLOSED])
    assert [t.title for t in closed] == ["Lapsed"]


def test_a_task_past_its_deadline_shows_closed_and_offers_no_claim(client, lapsed):
    detail = APIClient().get(f"/api/v1/tasks/{lapsed.pk}/").json()
    assert detail["state"] == "closed"
    client.force_login(UserFactory(username="late"))
    page = client.get(f"/tasks/{lapsed.pk}/").content.decode()
    assert "Claim this task" not in page
    assert "state-closed" in page


def test_a_task_past_its_deadline_cannot_be_claimed(lapsed):
    late = APIClient()
    late.force_authenticate(UserFactory(username="late"))
    response = late.post(f"/api/v1/tasks/{lapsed.pk}/claim/")
    assert response.status_code == 409
    assert "not open" in response.json()["detail"]


def test_the_beat_job_only_writes_down_what_is_already_shown(lapsed):
    assert close_finished_tasks() == 1
    lapsed.refresh_from_db()
    assert lapsed.state == CreationTask.State.CLOSED
    assert list(task_list()) == []
