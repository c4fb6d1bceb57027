"""Imaging survives a killed worker: files are rewritten, idle work resent."""

import hashlib
import threading
from datetime import timedelta

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks import services
from art_tasks.imaging import make_variants
from art_tasks.models import Submission
from art_tasks.services import (
    _idle_processing_submissions,
    claim_task,
    process_submission,
)
from tests.accounts.factories import UserFactory


def _post(client, claim, content: bytes):
    return client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": claim.task.seeds.first().pk,
            "title": "My work",
            "license": "CC-BY-4.0",
            "image": SimpleUploadedFile("w.png", content, content_type="image/png"),
        },
        format="multipart",
    )


@pytest.mark.django_db
def test_processing_replaces_a_variant_a_killed_worker_cut_short(
    claimed, make_png, settings
):
    client, claim = claimed
    response = _post(client, claim, make_png((120, 80)))
    submission = Submission.objects.get(pk=response.json()["id"])
    with submission.original.open("rb") as fh:
        digest = hashlib.sha256(make_variants(fh).web).hexdigest()
    web = settings.PRIVATE_MEDIA_ROOT / "web" / digest[:2] / f"{digest}.webp"
    web.parent.mkdir(parents=True)
    web.write_bytes(b"RIFF")  # the first bytes, then the worker was killed

    submission = process_submission(submission=submission)

    assert submission.web.name == f"web/{digest[:2]}/{digest}.webp"
    with Image.open(web) as image:
        assert image.format == "WEBP"
    assert [p.name for p in web.parent.iterdir()] == [web.name]


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_resends_idle_processing_but_not_work_a_worker_holds(
    open_task, artist, make_png, monkeypatch
):
    monkeypatch.setattr(services, "queue_depth", lambda task: 0)
    client = APIClient()
    client.force_authenticate(artist)
    ids = []
    for person in [artist, UserFactory(username="second")]:
        claim = claim_task(task=open_task, user=person)
        client.force_authenticate(person)
        ids.append(_post(client, claim, make_png((60, 40))).json()["id"])
    Submission.objects.update(updated_at=timezone.now() - timedelta(minutes=5))
    held, release = threading.Event(), threading.Event()

    def worker():
        with transaction.atomic():
            Submission.objects.select_for_update().get(pk=ids[0])
            held.set()
            release.wait(30)
        connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert held.wait(30)
        assert _idle_processing_submissions() == [ids[1]]
        assert _idle_processing_submissions() == []  # resent; not every sweep
    finally:
        release.set()
        thread.join()


@pytest.mark.django_db
def test_the_sweeper_waits_longer_while_the_imaging_queue_is_busy(
    claimed, make_png, monkeypatch
):
    client, claim = claimed
    pk = _post(client, claim, make_png((60, 40))).json()["id"]
    Submission.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    monkeypatch.setattr(services, "queue_depth", lambda task: 40)
    assert _idle_processing_submissions() == []  # it may be one of the 40
    Submission.objects.update(updated_at=timezone.now() - timedelta(minutes=11))
    assert _idle_processing_submissions() == [pk]
    monkeypatch.setattr(services, "queue_depth", lambda task: None)
    Submission.objects.update(updated_at=timezone.now() - timedelta(minutes=11))
    assert _idle_processing_submissions() == []  # broker down: try next sweep
