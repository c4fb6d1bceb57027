"""Training the data-efficient GAN on the gallery, registering and painting with it."""

import numpy as np
import pytest
import torch
from PIL import Image

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from curation.services import cast_vote
from generation import fastgan, learned
from generation.errors import ReviewRefused
from generation.models import GenerationJob, TrainingRun
from generation.services import (
    create_training_run,
    publish_task,
    review_generator,
    run_generation_job,
)
from generation.training import _bundle, _prepare, train_generator
from tests.art_tasks.factories import OpenTaskFactory, submitted_work

pytestmark = pytest.mark.django_db

FEW = {"corpus_per_style": 2, "seed": 3}


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    return settings.ATELIER_MODELS_DIR


@pytest.fixture
def gallery(staff):
    """Twelve CPPN seeds to learn from (64-px PNGs in media storage)."""
    return OpenTaskFactory(created_by=staff, seed_count=12, style="ink")


def learned_run(epochs: int = 2):
    return create_training_run(
        name="atelier",
        size=32,
        epochs=epochs,
        batch_size=8,
        architecture="fastgan",
        params=FEW,
    )


def test_training_registers_a_style_conditional_version_with_its_data_record(
    gallery,
):
    run = train_generator(run=learned_run(), device="cpu")

    model = run.result
    assert (run.state, str(model)) == ("done", "atelier@1")
    assert model.params["architecture"] == "fastgan"
    assert model.params["classes"] == fastgan.default_classes()
    images = model.training["images"]
    # 12 task seeds plus 2 corpus paintings in each of the 8 styles.
    assert (images["seeds"], images["corpus"], images["used"]) == (12, 16, 28)
    assert [p["epoch"] for p in model.training["losses"]] == [1, 2]
    assert "curator score" in model.training["data"]["weighting"]
    assert model.samples.name.startswith("generators/atelier-1-")
    figures = model.training["quality"]
    assert figures["samples"] == 64
    assert figures["held_out"] == 4
    # Two epochs on 24 images paint nothing like art: the bar says so.
    assert model.below_bar
    assert model.below_bar == figures["below_bar"]


def test_accepted_work_is_drawn_in_proportion_to_its_curator_score(
    gallery, artist, curators
):
    from tests.accounts.factories import UserFactory

    good = submitted_work(task=gallery, artist=artist)
    fair = submitted_work(task=gallery, artist=UserFactory(username="second"))
    for curator in curators:
        cast_vote(curator=curator, submission=good, score=5)
        cast_vote(curator=curator, submission=fair, score=4)
    run = _prepare(learned_run())

    bundle, held_out, data = _bundle(run)

    weights = bundle["weights"].tolist()
    assert data["accepted"] == 2
    assert weights[:2] == pytest.approx([5 / 3, 4 / 3])
    # 30 images; every 7th (4 of them) is held out to measure the version.
    assert (len(weights), held_out["images"].shape[0], data["held_out"]) == (26, 4, 4)
    assert held_out["labels"].shape == (4,)
    assert weights[2:] == [1.0] * 24


def test_a_task_published_with_a_learned_version_paints_its_style(gallery, staff):
    model = train_generator(run=learned_run(epochs=1), device="cpu").result
    review_generator(model=model, by=staff, despite_bar=True)  # one epoch: a sketch
    task = create_task(
        by=staff,
        title="Learned",
        brief="b",
        generator=model.name,
        generator_version=model.version,
        style="neon",
        seed_count=2,
        image_size=64,
    )
    publish_task(task=task, by=staff)

    run_generation_job(job=GenerationJob.objects.get(task=task), batch_size=2)

    task.refresh_from_db()
    assert task.state == CreationTask.State.OPEN
    seeds = list(task.seeds.order_by("index"))
    assert [s.recipe["style"] for s in seeds] == ["neon", "neon"]
    assert [s.recipe["architecture"] for s in seeds] == ["fastgan"] * 2
    with seeds[0].image.open("rb") as fh:
        stored = np.asarray(Image.open(fh).convert("RGB"))
    assert stored.shape == (64, 64, 3)
    again = learned.render([seeds[0].recipe], device="cpu")[0]
    assert np.array_equal(stored, np.asarray(again))
    other = learned.render([{**seeds[0].recipe, "label": 0}], device="cpu")[0]
    assert not np.array_equal(stored, np.asarray(other))
    assert torch.tensor(stored).float().std() > 0


def test_staff_choose_the_network_on_the_generators_page(
    client, gallery, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    form = {"name": "atelier", "size": 256, "epochs": 3, "batch_size": 16}
    with django_capture_on_commit_callbacks():
        chosen = {**form, "architecture": "fastgan"}
        response = client.post("/staff/generators/", chosen)
    assert response.status_code == 302
    refused = client.post("/staff/generators/", {**form, "architecture": "dcgan"})

    run = TrainingRun.objects.get()
    assert (run.size, run.params["architecture"]) == (256, "fastgan")
    assert "Train at 16, 32, 64, 128 px, not 256." in refused.content.decode()


def test_a_version_below_the_bar_is_published_only_when_staff_insist(
    client, gallery, staff
):
    model = train_generator(run=learned_run(epochs=1), device="cpu").result
    reasons = ["5 of 64 samples are near-copies of training images."]
    model.training = {**model.training, "quality": {"below_bar": reasons}}
    model.save()
    client.force_login(staff)

    page = client.get("/staff/generators/").content.decode()
    assert "Below the quality bar" in page
    assert reasons[0] in page
    with pytest.raises(ReviewRefused, match="below the quality bar"):
        review_generator(model=model, by=staff)
    client.post(f"/staff/generators/{model.pk}/review/")
    model.refresh_from_db()
    assert model.reviewed_at is None

    client.post(f"/staff/generators/{model.pk}/review/", {"despite_bar": "on"})
    model.refresh_from_db()
    assert model.reviewed_by == staff
