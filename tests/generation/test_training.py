"""Training the DCGAN on the gallery, registering it, and painting with it."""

import io
import json
from datetime import timedelta

import numpy as np
import pytest
import torch
from celery.exceptions import Retry
from PIL import Image

from django.core.management import CommandError, call_command
from django.utils import timezone

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from core.errors import NotAllowed
from curation.services import cast_vote
from generation import dcgan
from generation.errors import NotEnoughTrainingImages
from generation.models import GenerationJob, GeneratorModel, TrainingRun
from generation.services import (
    create_training_run,
    publish_task,
    review_generator,
    run_generation_job,
    start_training,
)
from generation.tasks import train_generator_task
from generation.training import train_generator
from tests.art_tasks.factories import OpenTaskFactory, submitted_work

pytestmark = pytest.mark.django_db

TINY = {"nz": 8, "ngf": 8, "ndf": 8, "seed": 4}


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    return settings.ATELIER_MODELS_DIR


@pytest.fixture
def gallery(staff):
    """Twelve CPPN seeds to learn from (64-px PNGs in media storage)."""
    return OpenTaskFactory(created_by=staff, seed_count=12)


def tiny_run(name: str = "gallery", epochs: int = 2) -> TrainingRun:
    return create_training_run(
        name=name, size=16, epochs=epochs, batch_size=4, params=TINY
    )


def trained(name: str = "gallery") -> GeneratorModel:
    return train_generator(run=tiny_run(name), device="cpu").result


def weights_of(model: GeneratorModel) -> dict:
    return dcgan.load_generator(dcgan.weights_path(model.weights)).state_dict()


def test_training_registers_a_version_with_its_training_record(
    gallery, artist, curators, models_dir
):
    work = submitted_work(task=gallery, artist=artist)
    for curator in curators:
        cast_vote(submission=work, curator=curator, score=5)

    run = train_generator(run=tiny_run(), device="cpu")

    model = run.result
    assert (run.state, run.epochs_done) == ("done", 2)
    assert str(model) == "gallery@1"
    assert model.kind == GeneratorModel.Kind.CHECKPOINT
    assert model.params["size"] == 16
    assert model.training["images"] == {
        "accepted": 1,
        "seeds": 12,
        "used": 13,
        "skipped": 0,
    }
    assert [loss["epoch"] for loss in model.training["losses"]] == [1, 2]
    assert model.training["device"] == "cpu"
    folder = models_dir / "gallery" / "1"
    assert (folder / "generator.pt").is_file()
    assert dcgan.load_checkpoint(folder / "checkpoint.pt")["epoch"] == 2
    assert str(trained()) == "gallery@2"


def test_an_interrupted_run_resumes_from_the_next_epoch_with_the_same_result(
    gallery,
):
    straight = trained("straight")
    run = tiny_run("interrupted")
    seen = []

    def crash_in_epoch_two(p):
        seen.append(p.epoch)
        if p.epoch == 2:
            raise KeyboardInterrupt("worker stopped")

    with pytest.raises(KeyboardInterrupt):
        train_generator(run=run, progress=crash_in_epoch_two, device="cpu")
    run.refresh_from_db()
    # The row stays as a killed worker leaves it, with one epoch checkpointed.
    assert (run.state, run.epochs_done) == ("running", 1)

    seen.clear()
    run = train_generator(run=run, progress=lambda p: seen.append(p.epoch))

    assert set(seen) == {2}
    assert run.state == "done"
    assert [loss["epoch"] for loss in run.result.training["losses"]] == [1, 2]
    resumed, reference = weights_of(run.result), weights_of(straight)
    assert all(torch.equal(resumed[k], reference[k]) for k in reference)


def test_training_is_refused_with_fewer_than_eight_images(staff):
    OpenTaskFactory(created_by=staff, seed_count=5)
    with pytest.raises(NotEnoughTrainingImages, match="at least 8 images"):
        tiny_run()
    assert not TrainingRun.objects.exists()


def test_a_run_whose_images_vanished_fails_with_the_reason(gallery):
    run = tiny_run()
    gallery.seeds.all().delete()
    with pytest.raises(NotEnoughTrainingImages):
        train_generator(run=run, device="cpu")
    run.refresh_from_db()
    assert run.state == "failed"
    assert "at least 8 readable images" in run.error


def test_the_celery_task_trains_once_and_a_redelivery_changes_nothing(gallery):
    run = tiny_run()
    train_generator_task(run.pk)
    train_generator_task(run.pk)
    run.refresh_from_db()
    assert run.state == "done"
    assert list(
        GeneratorModel.objects.filter(name="gallery").values_list("version", flat=True)
    ) == ["1"]


def test_a_redelivered_message_waits_while_another_worker_is_training(gallery):
    run = tiny_run()
    TrainingRun.objects.filter(pk=run.pk).update(state="running")
    with pytest.raises(Retry):
        train_generator_task(run.pk)
    assert not GeneratorModel.objects.filter(name="gallery").exists()

    quiet = timezone.now() - timedelta(minutes=10)
    TrainingRun.objects.filter(pk=run.pk).update(updated_at=quiet)
    train_generator_task(run.pk)
    run.refresh_from_db()
    assert (run.state, str(run.result)) == ("done", "gallery@1")


def test_a_task_published_with_a_trained_generator_paints_its_seeds(gallery, staff):
    model = review_generator(model=trained(), by=staff)
    task = create_task(
        by=staff,
        title="Learned",
        brief="b",
        generator=model.name,
        generator_version=model.version,
        seed_count=3,
        image_size=64,
    )
    publish_task(task=task, by=staff)

    run_generation_job(job=GenerationJob.objects.get(task=task), batch_size=2)

    task.refresh_from_db()
    assert task.state == CreationTask.State.OPEN
    seeds = list(task.seeds.order_by("index"))
    assert [s.recipe["generator"] for s in seeds] == ["gallery"] * 3
    assert len({s.sha256 for s in seeds}) == 3
    with seeds[0].image.open("rb") as fh:
        stored = Image.open(fh).convert("RGB")
        assert stored.size == (64, 64)
        again = dcgan.render([seeds[0].recipe], device="cpu")[0]
        assert np.array_equal(np.asarray(stored), np.asarray(again))


def test_staff_publish_with_a_trained_version_chosen_on_the_form(
    client, gallery, staff, django_capture_on_commit_callbacks
):
    review_generator(model=trained(), by=staff)
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    assert "CPPN painter" in page
    assert 'value="gallery@1"' in page
    form = {
        "title": "From the gallery",
        "brief": "Paint over a learned seed.",
        "license": "CC-BY-4.0",
        "slots": 3,
        "claim_ttl_minutes": 120,
        "generator": "gallery@1",
        "style": "nebula",
        "seed_count": 2,
        "image_size": 256,
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/staff/publish/", form)
    assert response.status_code == 302
    task = CreationTask.objects.get(title="From the gallery")
    assert (task.generator, task.generator_version) == ("gallery", "1")
    assert len(callbacks) == 1


def test_staff_start_a_training_run_from_the_generators_page(
    client, gallery, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    form = {"name": "gallery", "size": 64, "epochs": 3, "batch_size": 32}
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/staff/generators/", form)
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert (run.name, run.size, run.epochs, run.state) == ("gallery", 64, 3, "queued")
    assert run.requested_by == staff
    assert len(callbacks) == 1

    page = client.get("/staff/generators/").content.decode()
    assert "Queued" in page
    assert 'hx-trigger="every 2s"' in page  # the page polls while a run is live


def test_the_generators_page_explains_a_refused_run(client, staff):
    client.force_login(staff)
    form = {"name": "gallery", "size": 64, "epochs": 3, "batch_size": 32}
    page = client.post("/staff/generators/", form).content.decode()
    assert "Training needs at least 8 images" in page
    assert not TrainingRun.objects.exists()


def test_non_staff_cannot_open_the_page_or_start_training(client, gallery, artist):
    client.force_login(artist)
    assert client.get("/staff/generators/").status_code == 403
    form = {"name": "gallery", "size": 64, "epochs": 3, "batch_size": 32}
    assert client.post("/staff/generators/", form).status_code == 403
    with pytest.raises(NotAllowed, match="Only staff"):
        start_training(by=artist, name="gallery", size=64, epochs=3)
    assert not TrainingRun.objects.exists()


def command(name: str, words: str, *extra: str) -> str:
    """Run `manage.py name` with the words of `words`, then `extra` as given."""
    out = io.StringIO()
    call_command(name, *words.split(), *extra, stdout=out)
    return out.getvalue()


def test_the_command_trains_with_a_progress_bar_and_prints_the_version(gallery):
    text = command(
        "train_generator", "--name cli --size 16 --epochs 2 --batch-size 4 --device cpu"
    )
    assert "epoch 1/2 [############################] 3/3 batches" in text
    assert "Registered cli@1" in text
    run = TrainingRun.objects.get(name="cli")
    again = command("train_generator", f"--resume {run.pk}")
    assert "already done: cli@1" in again


def test_an_interrupted_command_marks_the_run_and_says_how_to_resume(
    gallery, monkeypatch
):
    from generation import training

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "train_generator", interrupted)
    with pytest.raises(CommandError, match="continue with --resume"):
        command("train_generator", "--name cli --size 16 --epochs 2")
    run = TrainingRun.objects.get(name="cli")
    assert run.state == "failed"
    assert "Interrupted" in run.error


def test_paint_writes_pngs_from_a_trained_version(gallery, tmp_path):
    trained()
    out = tmp_path / "painted"
    command("paint", "--generator gallery@1 --seeds 0-3 --size 64 --out", str(out))
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == [f"gallery-1-000{i}.png" for i in range(4)]
    recipe = json.loads((out / "gallery-1-0002.json").read_text())
    with Image.open(out / "gallery-1-0002.png") as image:
        assert image.size == (64, 64)
        again = dcgan.render([recipe], device="cpu")[0]
        assert np.array_equal(np.asarray(image), np.asarray(again))


def test_paint_names_a_missing_trained_version(tmp_path):
    with pytest.raises(CommandError, match="no trained generator gallery@9"):
        command("paint", "--generator gallery@9 --out", str(tmp_path))


def test_the_sweeper_sends_again_training_runs_left_behind(db, monkeypatch):
    """A lost message or a dead worker never leaves a training run stuck."""
    from datetime import timedelta

    from django.utils import timezone

    from generation import tasks
    from generation.models import TrainingRun
    from generation.services import resume_stuck_jobs

    sent = []
    monkeypatch.setattr(tasks.train_generator_task, "delay", sent.append)
    old = TrainingRun.objects.create(name="lost", epochs=2)
    fresh = TrainingRun.objects.create(name="fresh", epochs=2)
    done = TrainingRun.objects.create(name="done", epochs=2, state="done")
    cutoff = timezone.now()
    TrainingRun.objects.filter(pk__in=[old.pk, done.pk]).update(
        updated_at=cutoff - timedelta(minutes=30)
    )
    resume_stuck_jobs(older_than=cutoff - timedelta(minutes=10))
    assert sent == [old.pk]
    assert fresh.pk not in sent
