"""A job whose worker died is taken over and finished once; a live one is not.

The sweeper tells the two apart by the job's heartbeat; a rerun skips the
seeds already painted and overwrites files a killed run left behind, so no
seed and no file exists twice.
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest

from django.utils import timezone

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from generation.models import GenerationJob
from generation.services import jobs as services
from generation.services import publish_task, run_generation_job, stuck_jobs


def _published(staff, seed_count=3):
    task = create_task(
        by=staff, title="Tiny", brief="b", seed_count=seed_count, image_size=64
    )
    publish_task(task=task, by=staff)
    return task, GenerationJob.objects.get(task=task)


def _set(job, **values):
    GenerationJob.objects.filter(pk=job.pk).update(**values)


def _seed_files(media_root, task) -> list[str]:
    folder = Path(media_root) / "seeds" / str(task.pk)
    return sorted(p.name for p in folder.iterdir() if p.is_file())


@pytest.mark.django_db
def test_a_job_a_live_worker_is_painting_is_left_alone(staff):
    task, job = _published(staff)
    _set(job, state=GenerationJob.State.RUNNING, heartbeat_at=timezone.now())
    run_generation_job(job=job)
    job.refresh_from_db()
    assert (job.state, job.attempts, task.seeds.count()) == ("running", 0, 0)


@pytest.mark.django_db
def test_a_job_whose_worker_went_silent_is_finished_by_the_next_delivery(
    staff, media_root
):
    task, job = _published(staff, seed_count=3)
    run_generation_job(job=job, batch_size=1)
    kept = task.seeds.get(index=0)
    # The worker died after painting seed 0, and after writing the files of
    # seed 1 but before committing it.
    never = task.seeds.get(index=2)
    never.image.delete(save=False)
    never.thumbnail.delete(save=False)
    task.seeds.filter(index__in=[1, 2]).delete()
    CreationTask.objects.filter(pk=task.pk).update(state=CreationTask.State.GENERATING)
    silent = timezone.now() - timedelta(minutes=2)
    _set(job, state=GenerationJob.State.RUNNING, heartbeat_at=silent, done=1)

    run_generation_job(job=job, batch_size=1)

    job.refresh_from_db()
    task.refresh_from_db()
    assert (job.state, job.done, job.attempts) == ("done", 3, 2)
    assert task.state == CreationTask.State.OPEN
    assert sorted(task.seeds.values_list("index", flat=True)) == [0, 1, 2]
    assert task.seeds.get(index=0).pk == kept.pk
    files = _seed_files(media_root, task)
    assert len(files) == 3  # one PNG per seed, no suffixed copies
    stored = {Path(s.image.name).name for s in task.seeds.all()}
    assert set(files) == stored


@pytest.mark.django_db
def test_the_sweeper_resends_silent_and_lost_jobs_but_not_live_or_waiting_ones(
    staff,
):
    now = timezone.now()
    long_ago = now - timedelta(minutes=11)
    dead = _published(staff)[1]
    _set(
        dead,
        state="running",
        heartbeat_at=now - timedelta(minutes=1),
        updated_at=long_ago,
    )
    live = _published(staff)[1]
    _set(live, state="running", heartbeat_at=now, updated_at=long_ago)
    waiting = _published(staff)[1]
    _set(waiting, updated_at=now - timedelta(minutes=2))
    lost = _published(staff)[1]
    _set(lost, updated_at=long_ago)

    assert sorted(stuck_jobs()) == sorted([dead.pk, lost.pk])
    assert stuck_jobs() == []  # sent; not again before it had a chance


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_its_worker_lives(staff, monkeypatch):
    monkeypatch.setattr(services, "JOB_HEARTBEAT_EVERY", timedelta(seconds=0.05))
    task, job = _published(staff)
    old = timezone.now() - timedelta(minutes=5)
    _set(job, state="running", heartbeat_at=old)
    beat = None
    with services._heartbeat(job):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            beat = GenerationJob.objects.get(pk=job.pk).heartbeat_at
            if beat > old:
                break
            time.sleep(0.05)
    assert beat > old
