"""The whole path on real services: a Celery worker process on Redis paints
the seeds and processes the submission; three curators put it in the gallery.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from config.celery import app as celery_app
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.waiting import stop_worker, wait_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker(transactional_db, media_root, tmp_path):
    """Start `celery -A config.celery worker` on every queue against the test DB."""
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "set REDIS_URL"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    celery_app.control.purge()
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config.celery",
            "worker",
            "-Q",
            "generation,imaging,default",
            "--pool",
            "solo",
            "-l",
            "info",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    stop_worker(process, log)


@pytest.mark.worker
def test_publish_to_gallery_through_a_real_worker(worker, make_png):
    staff = UserFactory(username="boss", is_staff=True)
    artist = UserFactory(username="maker")
    curators = [CuratorFactory(username=f"judge{i}") for i in range(3)]
    api = APIClient()

    api.force_authenticate(staff)
    task = api.post(
        "/api/v1/tasks/",
        {
            "title": "Worker run",
            "brief": "Seeds from a real worker.",
            "tags": ["test"],
            "style": "neon",
            "seed_count": 3,
            "image_size": 64,
            "slots": 2,
        },
        format="json",
    ).json()
    assert task["state"] == "generating"

    def opened():
        body = api.get(f"/api/v1/tasks/{task['id']}/").json()
        return body if body["state"] == "open" else None

    task = wait_for(opened, timeout=180, what="the worker to paint the seeds")
    assert task["progress"] == {"done": 3, "total": 3}
    assert all(s["recipe"]["style"] == "neon" for s in task["seeds"])

    api.force_authenticate(artist)
    claim = api.post(f"/api/v1/tasks/{task['id']}/claim/").json()
    assert claim["seconds_left"] > 0
    submission = api.post(
        f"/api/v1/claims/{claim['id']}/submission/",
        {
            "seed": task["seeds"][1]["id"],
            "title": "From the worker",
            "license": "CC-BY-4.0",
            "image": SimpleUploadedFile("w.png", make_png((200, 150))),
        },
        format="multipart",
    ).json()
    assert submission["state"] == "processing"

    def reviewed():
        body = api.get(f"/api/v1/submissions/{submission['id']}/").json()
        return body if body["state"] == "in_review" else None

    reviewed_body = wait_for(reviewed, timeout=60, what="the imaging worker")
    assert reviewed_body["web"]
    assert reviewed_body["thumbnail"]

    for curator, score in zip(curators, [5, 4, 4], strict=True):
        api.force_authenticate(curator)
        nxt = api.get("/api/v1/review/next/").json()
        assert nxt["id"] == submission["id"]
        vote = api.post(f"/api/v1/submissions/{nxt['id']}/votes/", {"score": score})
        assert vote.status_code == 201
    assert vote.json()["submission_state"] == "accepted"

    api.force_authenticate(None)
    gallery = api.get("/api/v1/gallery/").json()
    assert [w["title"] for w in gallery["results"]] == ["From the worker"]
    assert gallery["results"][0]["score"] == pytest.approx(13 / 3)
