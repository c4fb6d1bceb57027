"""A draft's progress and the generator's errors are for staff only."""

import pytest

from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from art_tasks.selectors import can_see_task
from art_tasks.services import create_task
from generation.models import GenerationJob
from generation.services import publish_task
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ERROR = "CUDA out of memory at /srv/atelier/weights/v3.pt"


@pytest.fixture
def failed(staff):
    """A task whose generation failed: back to draft with the error."""
    task = create_task(by=staff, title="Broken", brief="b", seed_count=2)
    publish_task(task=task, by=staff)
    GenerationJob.objects.filter(task=task).update(state="failed", error=ERROR)
    CreationTask.objects.filter(pk=task.pk).update(
        state=CreationTask.State.DRAFT, error=ERROR
    )
    return task


def test_a_drafts_progress_fragment_is_a_404_for_everyone_but_staff(
    client, failed, staff
):
    url = f"/tasks/{failed.pk}/progress/"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="nosy"))
    response = client.get(url)
    assert response.status_code == 404
    assert ERROR not in response.content.decode()
    client.force_login(staff)
    assert ERROR in client.get(url).content.decode()


def test_a_drafts_generation_job_is_a_404_for_everyone_but_staff(failed, staff):
    job = GenerationJob.objects.get(task=failed)
    url = f"/api/v1/generation-jobs/{job.pk}/"
    assert APIClient().get(url).status_code == 404
    member = APIClient()
    member.force_authenticate(UserFactory(username="nosy"))
    assert member.get(url).status_code == 404
    boss = APIClient()
    boss.force_authenticate(staff)
    assert boss.get(url).json()["error"] == ERROR


def test_generation_errors_never_reach_the_public(client, failed):
    """Even while a task is visible (generating again), the error is staff's."""
    CreationTask.objects.filter(pk=failed.pk).update(
        state=CreationTask.State.GENERATING
    )
    job = GenerationJob.objects.get(task=failed)
    body = APIClient().get(f"/api/v1/generation-jobs/{job.pk}/").json()
    assert body["state"] == "failed"
    assert body["error"] == ""
    page = client.get(f"/tasks/{failed.pk}/progress/").content.decode()
    assert "Generation failed" in page
    assert ERROR not in page


def test_a_draft_is_staffs_alone_and_every_other_state_is_public(failed, staff):
    nosy = UserFactory(username="nosy")
    outsiders = [None, AnonymousUser(), nosy]

    assert [can_see_task(task=failed, viewer=v) for v in outsiders] == [False] * 3
    assert can_see_task(task=failed, viewer=staff) is True
    for state in CreationTask.State.values:
        if state != CreationTask.State.DRAFT:
            failed.state = state
            assert can_see_task(task=failed, viewer=None) is True, state
