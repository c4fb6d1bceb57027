"""Faults on real services: a Redis outage, and workers killed mid-job.

Each test starts its own `redis-server` on a free port, real Celery workers
and beat on it, against the test database. The outage test stops Redis,
uploads, publishes and casts the deciding vote, then starts Redis again:
every write is answered 2xx, everything is processed, every notification
is sent once. The kill test SIGKILLs the generation and imaging workers
mid-job, restarts them, and checks each job finishes exactly once, with no
duplicate seeds or files. Both print the times they measure.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import OutboxMessage
from art_tasks.models import CreationTask, Submission
from art_tasks.services import claim_task
from community.models import Notification
from community.services import follow_artist
from config.celery import app as celery_app
from generation.models import GenerationJob
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.images import png_bytes
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).parent / "celery")
OUTAGE_SECONDS = float(os.environ.get("ATELIER_FAULT_OUTAGE_SECONDS", "60"))
# The recovery target is 2 minutes; the bound leaves room for a slow machine.
RECOVERY_BOUND = 240

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs redis-server"
    ),
]


class PrivateRedis:
    """A throwaway `redis-server` without persistence, stopped and started at will."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=20, what="redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class Services:
    """Workers and beat on the private Redis, each in its own process group."""

    def __init__(self, redis: PrivateRedis, folder: Path, media_root: Path) -> None:
        db = settings.DATABASES["default"]
        self.folder = folder
        self.mail_log = folder / "mail.jsonl"
        self.mail_log.touch()
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": redis.url,
            "DJANGO_MEDIA_ROOT": str(media_root),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "DJANGO_EMAIL_BACKEND": "tests.mail_log.EmailBackend",
            "ATELIER_TEST_MAIL_LOG": str(self.mail_log),
            "ATELIER_GENERATION_BATCH": "1",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, *args: str) -> None:
        log = self.folder / f"{name}.log"
        with open(log, "a") as out:
            self.processes[name] = subprocess.Popen(
                [CELERY, "-A", "config.celery", *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to kill whole
            )
        self.logs[name] = log

    def worker(self, name: str, queues: str) -> None:
        offset = len(self.log(name)) if name in self.logs else 0
        self.start(
            name,
            *["worker", "-Q", queues, "--pool", "solo", "-l", "info"],
            *["-n", f"{name}-{os.getpid()}@%h", "--without-mingle"],
            "--without-gossip",
        )
        wait_for(
            lambda: " ready." in self.log(name)[offset:],
            timeout=90,
            what=f"the {name} worker to start",
        )

    def beat(self) -> None:
        schedule = self.folder / "celerybeat-schedule"
        self.start("beat", "beat", "-l", "info", "--schedule", str(schedule))

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group, as an OOM killer or a lost host would."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)

    def mails(self) -> list[dict]:
        lines = self.mail_log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    conf = celery_app.conf
    previous = conf.broker_url
    _point_celery_at(redis_url=server.url)
    yield server
    server.stop()
    _point_celery_at(redis_url=previous)


def _point_celery_at(*, redis_url: str) -> None:
    """Make this process publish to `redis_url` from now on.

    Only the app's references are dropped: kombu keeps one pool per URL
    process-wide, and the next connection picks the pool of the new URL.
    """
    celery_app.conf.broker_url = redis_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def services(transactional_db, redis, tmp_path, media_root):
    running = Services(redis, tmp_path, media_root)
    yield running
    running.stop_all()
    for name in running.logs:
        output = running.log(name)
        # A SIGKILLed worker's restart may log the lost connection; nothing
        # may fail in the Celery tasks themselves.
        assert "raised unexpected" not in output, output[-4000:]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _timed(call):
    began = time.monotonic()
    response = call()
    return response, time.monotonic() - began


def _upload(client, claim, content: bytes, title: str):
    return client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": claim.task.seeds.first().pk,
            "title": title,
            "license": "CC-BY-4.0",
            "image": SimpleUploadedFile("work.png", content),
        },
        format="multipart",
    )


def test_a_redis_outage_loses_no_write_and_no_notification(services, redis):
    services.worker("worker", "generation,imaging,default")
    services.beat()
    staff = UserFactory(username="boss", is_staff=True)
    artist = UserFactory(username="painter")
    maker = UserFactory(username="maker")
    fans = [UserFactory(username=f"fan{i}") for i in range(3)]
    for fan in fans:
        follow_artist(follower=fan, artist=artist)
    curators = [CuratorFactory(username=f"judge{i}") for i in range(3)]
    task = OpenTaskFactory(created_by=staff, slots=5, seed_count=2)

    # Before the outage: the artist's work reaches review through the worker.
    claim = claim_task(task=task, user=artist)
    work = _upload(_api(artist), claim, png_bytes((120, 90)), "Before").json()
    wait_for(
        lambda: Submission.objects.get(pk=work["id"]).state == "in_review",
        timeout=60,
        what="the artist's work to reach review",
    )
    maker_claim = claim_task(task=task, user=maker)

    redis.stop()
    outage_began = time.monotonic()
    timings = []
    upload, took = _timed(
        lambda: _upload(_api(maker), maker_claim, png_bytes((150, 100)), "During")
    )
    timings.append(took)
    assert upload.status_code == 201, upload.content
    body = {"title": "Outage", "brief": "b", "seed_count": 2, "image_size": 64}
    publish, took = _timed(
        lambda: _api(staff).post(
            "/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="outage-1"
        )
    )
    timings.append(took)
    assert publish.status_code == 201, publish.content
    retry = _api(staff).post(
        "/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="outage-1"
    )
    assert retry.status_code == 200
    assert retry.json()["id"] == publish.json()["id"]
    for curator in curators:
        vote, took = _timed(
            lambda c=curator: _api(c).post(
                f"/api/v1/submissions/{work['id']}/votes/", {"score": 5}
            )
        )
        timings.append(took)
        assert vote.status_code == 201, vote.content
    assert vote.json()["submission_state"] == "accepted"
    assert OutboxMessage.objects.exists()
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_began)))
    redis.start()
    back = time.monotonic()

    def everything_done() -> bool:
        published = CreationTask.objects.get(pk=publish.json()["id"])
        during = Submission.objects.get(pk=upload.json()["id"])
        emailed = Notification.objects.filter(emailed_at__isnull=False).count()
        return (
            published.state == CreationTask.State.OPEN
            and during.state == Submission.State.IN_REVIEW
            and emailed == 4
            and not OutboxMessage.objects.exists()
        )

    wait_for(everything_done, timeout=RECOVERY_BOUND, what="the backlog to clear")
    recovered = time.monotonic() - back
    print(
        f"\nbroker outage of {back - outage_began:.0f} s: requests answered in "
        f"at most {max(timings):.2f} s while it was down; backlog cleared "
        f"{recovered:.0f} s after it came back"
    )
    assert CreationTask.objects.filter(title="Outage").count() == 1
    assert GenerationJob.objects.filter(task_id=publish.json()["id"]).count() == 1
    recipients = sorted(mail["to"][0] for mail in services.mails())
    assert recipients == sorted([artist.email] + [fan.email for fan in fans])
    for person in [artist, *fans]:
        assert person.notifications.count() == 1


def _big_png() -> bytes:
    """A 30-megapixel PNG (small on disk): seconds of imaging work."""
    image = Image.linear_gradient("L").resize((6000, 5000)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_killed_workers_finish_their_jobs_once_after_a_restart(
    services, settings, media_root
):
    settings.ATELIER_MAX_UPLOAD_PIXELS = 40_000_000
    settings.ATELIER_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    services.worker("generation", "generation")
    services.worker("imaging", "imaging,default")
    services.beat()
    staff = UserFactory(username="boss", is_staff=True)
    maker = UserFactory(username="maker")
    seed_count = 8
    published = _api(staff).post(
        "/api/v1/tasks/",
        {"title": "Killed", "brief": "b", "seed_count": seed_count, "image_size": 512},
        format="json",
    )
    assert published.status_code == 201
    job = GenerationJob.objects.get(task_id=published.json()["id"])
    open_task = OpenTaskFactory(created_by=staff, slots=5, seed_count=1)
    claim = claim_task(task=open_task, user=maker)
    big = _big_png()

    wait_for(
        lambda: GenerationJob.objects.get(pk=job.pk).done >= 1,
        timeout=120,
        what="the first seed",
    )
    upload = _upload(_api(maker), claim, big, "Big")
    assert upload.status_code == 201, upload.content
    submission = Submission.objects.get(pk=upload.json()["id"])
    wait_for(
        lambda: "process_submission_task" in services.log("imaging"),
        timeout=60,
        what="the imaging worker to take the upload",
    )
    services.kill("generation")
    services.kill("imaging")
    job.refresh_from_db()
    submission.refresh_from_db()
    assert job.state == "running", "killed too late"
    assert job.done < seed_count, "killed too late"
    assert submission.state == "processing", "killed too late"

    services.worker("generation", "generation")
    services.worker("imaging", "imaging,default")
    restarted = time.monotonic()
    finished: dict[str, float] = {}

    def both_finished() -> bool:
        if Submission.objects.get(pk=submission.pk).state == "in_review":
            finished.setdefault("imaging", time.monotonic() - restarted)
        if GenerationJob.objects.get(pk=job.pk).state == "done":
            finished.setdefault("generation", time.monotonic() - restarted)
        return len(finished) == 2

    wait_for(both_finished, timeout=RECOVERY_BOUND, what="the killed jobs")
    imaging_took, generation_took = finished["imaging"], finished["generation"]
    print(
        f"\nafter kill -9 and restart: imaging job done in {imaging_took:.0f} s, "
        f"generation job done in {generation_took:.0f} s"
    )

    job.refresh_from_db()
    task = job.task
    task.refresh_from_db()
    assert task.state == CreationTask.State.OPEN
    assert job.attempts == 2  # the killed run and the one that finished
    indexes = sorted(task.seeds.values_list("index", flat=True))
    assert indexes == list(range(seed_count))
    media = Path(media_root)
    assert len(_files(media / "seeds" / str(task.pk))) == seed_count
    assert len(_files(media / "seeds" / "thumbs" / str(task.pk))) == seed_count
    submission.refresh_from_db()
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    assert _files(private / "web") == [Path(submission.web.name).name]
    assert _files(private / "thumbs") == [Path(submission.thumbnail.name).name]
