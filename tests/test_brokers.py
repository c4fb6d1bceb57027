"""Celery as configured: time limits per task, the queues, and a real worker
on each broker Atelier supports (Redis and RabbitMQ).

The worker tests start `celery -A config.celery worker` as a separate process
(what another host runs) with CELERY_BROKER_URL naming the broker, publish
through that broker from here, and watch the database.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from django.conf import settings
from django.utils import timezone

from art_tasks.models import Claim
from art_tasks.services import claim_task
from config.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.waiting import stop_worker, wait_for

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).parent / "celery")
RABBITMQ_URL = os.environ.get(
    "TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"
)
BROKERS = {"redis": settings.CELERY_BROKER_URL, "rabbitmq": RABBITMQ_URL}


def test_every_task_has_a_soft_limit_under_its_hard_limit():
    celery_app.loader.import_default_modules()  # what a worker imports
    names = {name for name in celery_app.tasks if not name.startswith("celery.")}
    assert names == set(settings.ATELIER_TASK_KINDS)
    for name in names:
        task = celery_app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit, name
    train = celery_app.tasks["generation.tasks.train_generator_task"]
    seeds = celery_app.tasks["generation.tasks.generate_seeds_task"]
    sweep = celery_app.tasks["generation.tasks.sweep_stuck_work_task"]
    assert train.time_limit > seeds.time_limit > sweep.time_limit


def test_the_visibility_timeout_outlasts_the_longest_hard_limit():
    celery_app.loader.import_default_modules()
    longest = max(task.time_limit or 0 for task in celery_app.tasks.values())
    assert longest < settings.CELERY_VISIBILITY_TIMEOUT
    options = celery_app.conf.broker_transport_options
    assert options["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT


def test_training_has_its_own_queue():
    def queue(name: str) -> str:
        return celery_app.amqp.router.route({}, name)["queue"].name

    assert queue("generation.tasks.train_generator_task") == "training"
    assert queue("generation.tasks.paint_generator_samples_task") == "training"
    assert queue("generation.tasks.generate_seeds_task") == "generation"
    assert queue("art_tasks.tasks.process_submission_task") == "imaging"
    assert queue("generation.tasks.sweep_stuck_work_task") == "default"


def settings_in_a_process(**env: str) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CELERY_VISIBILITY_TIMEOUT, "
        "s.CELERY_TASK_ANNOTATIONS['generation.tasks.train_generator_task'])"
    )
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("CELERY_")},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.split(" ", 2)


def test_celery_broker_url_names_the_broker_and_redis_url_stays_the_default():
    broker, _, _ = settings_in_a_process(REDIS_URL="redis://cache:6379/0")
    assert broker == "redis://cache:6379/0"
    broker, _, _ = settings_in_a_process(
        REDIS_URL="redis://cache:6379/0", CELERY_BROKER_URL=RABBITMQ_URL
    )
    assert broker == RABBITMQ_URL


def test_a_longer_training_limit_raises_the_visibility_timeout():
    _, timeout, limits = settings_in_a_process(
        ATELIER_TIME_LIMIT_TRAINING="86000,86400"
    )
    assert int(timeout) > 86400
    assert "'soft_time_limit': 86000" in limits
    assert "'time_limit': 86400" in limits


@pytest.fixture(params=sorted(BROKERS))
def broker_worker(request, transactional_db, tmp_path):
    """A worker on the `default` and `training` queues of one broker."""
    url = BROKERS[request.param]
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": url,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "EMAIL_URL": "dummymail://",
    }
    with celery_app.connection_for_write(url) as connection:
        connection.ensure_connection(max_retries=3)
        for queue in ("default", "training"):
            # A queue not declared yet (RabbitMQ) has nothing to purge.
            with connection.channel() as channel, contextlib.suppress(Exception):
                channel.queue_purge(queue)
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603
        [
            CELERY,
            "-A",
            "config.celery",
            "worker",
            "-Q",
            "default,training",
            "--pool",
            "solo",
            "-l",
            "info",
            "-n",
            f"broker-test-{request.param}-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield url, log
    stop_worker(process, log)


@pytest.mark.worker
def test_a_worker_runs_work_end_to_end_through_the_broker(broker_worker):
    url, log = broker_worker
    task = OpenTaskFactory(created_by=UserFactory(username="boss", is_staff=True))
    claim = claim_task(task=task, user=UserFactory(username="late"))
    now = timezone.now()
    Claim.objects.filter(pk=claim.pk).update(
        claimed_at=now - timedelta(minutes=2), expires_at=now - timedelta(minutes=1)
    )

    with celery_app.connection_for_write(url) as connection:
        celery_app.send_task(
            "art_tasks.tasks.expire_claims_task", connection=connection
        )
        # A training-queue message for a version that does not exist: the
        # worker takes it from `training` and leaves it at that.
        celery_app.send_task(
            "generation.tasks.paint_generator_samples_task",
            args=[0],
            connection=connection,
        )

    def expired():
        claim.refresh_from_db()
        return claim.state == Claim.State.EXPIRED

    wait_for(expired, timeout=90, what="the worker to expire the claim")

    def trained():
        log.seek(0)
        return re.search(r"paint_generator_samples_task\[[^]]+\] succeeded", log.read())

    wait_for(
        trained, timeout=60, what="the worker to take the training queue's message"
    )
