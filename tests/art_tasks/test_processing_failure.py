"""A failure in the imaging worker gives the claim back and breaks no page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.models import Claim, Submission
from art_tasks.tasks import process_submission_task
from community.models import Notification
from tests.art_tasks.factories import submitted_work
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_worker(monkeypatch):
    def fail(fileobj):  # noqa: ANN001, ANN202
        raise OSError("cannot identify image file")

    monkeypatch.setattr("art_tasks.imaging.make_variants", fail)


def test_a_worker_failure_returns_the_claim_with_its_time_and_tells_the_artist(
    open_task, artist, broken_worker
):
    work = submitted_work(task=open_task, artist=artist, process=False)
    old_claim = Claim.objects.get(pk=work.claim_id)
    left = old_claim.expires_at - work.created_at
    process_submission_task.run(work.pk)
    work.refresh_from_db()
    assert work.state == Submission.State.FAILED
    assert "cannot identify image file" in work.error
    old_claim.refresh_from_db()
    assert old_claim.state == Claim.State.RELEASED
    fresh = Claim.objects.get(task=open_task, contributor=artist, state="active")
    remaining = fresh.expires_at - timezone.now()
    assert left - timedelta(minutes=1) < remaining <= left
    note = Notification.objects.get(recipient=artist, kind="upload_failed")
    assert "could not be processed" in note.text
    assert "cannot identify image file" in note.text
    assert note.url == open_task.get_absolute_url()
    process_submission_task.run(work.pk)  # a redelivery changes nothing
    assert Claim.objects.filter(contributor=artist, state="active").count() == 1
    assert Notification.objects.filter(recipient=artist).count() == 1


def test_after_a_failure_the_artist_can_submit_again(open_task, artist, broken_worker):
    work = submitted_work(task=open_task, artist=artist, process=False)
    process_submission_task.run(work.pk)
    client = APIClient()
    client.force_authenticate(artist)
    listed = client.get("/api/v1/claims/").json()["results"]
    assert [c["state"] for c in listed if c["seconds_left"] > 0] == ["active"]
    claim = Claim.objects.get(contributor=artist, state="active")
    upload = io.BytesIO(png_bytes((90, 70)))
    upload.name = "again.png"
    response = client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": open_task.seeds.first().pk,
            "title": "Second try",
            "license": "CC-BY-4.0",
            "image": upload,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_a_failed_work_near_the_deadline_gets_no_claim_past_it(
    open_task, artist, broken_worker
):
    work = submitted_work(task=open_task, artist=artist, process=False)
    open_task.deadline = timezone.now() + timedelta(minutes=3)
    open_task.save(update_fields=["deadline"])
    process_submission_task.run(work.pk)
    fresh = Claim.objects.get(contributor=artist, state="active")
    assert fresh.expires_at <= open_task.deadline


def test_artwork_and_studio_pages_show_processing_and_failed_work(
    client, open_task, artist, staff, broken_worker
):
    work = submitted_work(task=open_task, artist=artist, process=False)
    client.force_login(artist)
    page = client.get(f"/art/{work.pk}/")
    assert page.status_code == 200
    assert "being processed" in page.content.decode()
    assert client.get("/studio/").status_code == 200
    process_submission_task.run(work.pk)
    page = client.get(f"/art/{work.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "could not be processed" in text
    assert "cannot identify image file" in text
    studio = client.get("/studio/").content.decode()
    assert "cannot identify image file" in studio
    client.force_login(staff)
    assert client.get(f"/art/{work.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/art/{work.pk}/").status_code == 404
