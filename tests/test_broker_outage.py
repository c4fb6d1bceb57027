"""Writes committed while the broker is down: answered 2xx, and done later.

The broker is taken away at Celery's publishing boundary (every publish
raises what kombu raises when Redis refuses the connection); the sweeper then
sends what the outbox kept, once it is back. The same story against a real
Redis and a real worker is in `test_broker_faults.py`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import OutboxMessage
from art_tasks.models import CreationTask, Submission
from art_tasks.services import claim_task
from community.models import Notification
from community.services import follow_artist, notify
from config.celery import app
from generation.services import sweep_stuck_work as sweep
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


class Broker:
    """Stands for Redis: down, or up with every task run in-process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from celery.app.task import Task

        self.up = True
        self.published: list[str] = []
        original = Task.apply_async
        broker = self

        def apply_async(task, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            if not broker.up:
                raise OperationalError("Error 111 connecting to redis. Refused.")
            broker.published.append(task.name)
            return original(task, *args, **kwargs)

        monkeypatch.setattr(Task, "apply_async", apply_async)


@pytest.fixture
def broker(monkeypatch):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield Broker(monkeypatch)
    app.conf.task_always_eager = previous


def sweep_after_grace(capture) -> dict[str, int]:
    """Run the sweeper as beat would, once the outbox rows are past grace."""
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    with capture(execute=True):
        return sweep()


def test_an_upload_while_the_broker_is_down_is_answered_and_processed_later(
    broker, open_task, artist, django_capture_on_commit_callbacks
):
    claim = claim_task(task=open_task, user=artist)
    client = APIClient()
    client.force_authenticate(artist)
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/claims/{claim.pk}/submission/",
            {
                "seed": open_task.seeds.first().pk,
                "title": "Saved in the outage",
                "license": "CC-BY-4.0",
                "image": SimpleUploadedFile("w.png", png_bytes((120, 80))),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    submission = Submission.objects.get(pk=response.json()["id"])
    assert submission.state == Submission.State.PROCESSING
    assert list(OutboxMessage.objects.values_list("task", "args")) == [
        ("art_tasks.tasks.process_submission_task", [submission.pk])
    ]

    assert sweep_after_grace(django_capture_on_commit_callbacks)["outbox"] == 0
    broker.up = True
    assert sweep_after_grace(django_capture_on_commit_callbacks)["outbox"] == 1
    submission.refresh_from_db()
    assert submission.state == Submission.State.IN_REVIEW
    assert OutboxMessage.objects.count() == 0
    assert broker.published == ["art_tasks.tasks.process_submission_task"]


def test_publishing_while_the_broker_is_down_paints_the_seeds_once_it_is_back(
    broker, staff, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(staff)
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/tasks/",
            {"title": "Outage", "brief": "b", "seed_count": 2, "image_size": 64},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "generating"

    broker.up = True
    sweep_after_grace(django_capture_on_commit_callbacks)
    task = CreationTask.objects.get(pk=response.json()["id"])
    assert task.state == CreationTask.State.OPEN
    assert task.seeds.count() == 2
    assert broker.published == ["generation.tasks.generate_seeds_task"]


def test_the_deciding_vote_in_an_outage_notifies_everyone_exactly_once(
    broker, open_task, artist, curators, django_capture_on_commit_callbacks
):
    fans = [UserFactory(username=f"fan{i}") for i in range(3)]
    for fan in fans:
        follow_artist(follower=fan, artist=artist)
    work = submitted_work(task=open_task, artist=artist, title="Voted in the dark")
    OutboxMessage.objects.all().delete()  # the processing message went out

    broker.up = False
    for curator in curators:
        client = APIClient()
        client.force_authenticate(curator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/submissions/{work.pk}/votes/", {"score": 5}
            )
        assert response.status_code == 201, response.content
    assert response.json()["submission_state"] == "accepted"
    assert mail.outbox == []

    broker.up = True
    for _ in range(3):  # the fan-out queues the fans' e-mails; then nothing
        sweep_after_grace(django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.count() == 0
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([artist.email] + [f.email for f in fans])
    for person in [artist, *fans]:
        assert person.notifications.count() == 1


def test_a_notification_written_in_an_outage_is_emailed_once(
    broker, artist, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(recipient=artist, kind=Notification.Kind.MODERATION, text="Hi")
    broker.up = True
    sweep_after_grace(django_capture_on_commit_callbacks)
    OutboxMessage.objects.create(
        task="community.tasks.send_notification_email_task", args=[note.pk]
    )  # a second copy of the message, as a crash after publishing leaves
    sweep_after_grace(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_the_sweeper_leaves_fresh_outbox_rows_to_their_own_publish(
    broker, artist, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=artist, kind=Notification.Kind.MODERATION, text="Hi")
    broker.up = True
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["outbox"] == 0
    assert mail.outbox == []
