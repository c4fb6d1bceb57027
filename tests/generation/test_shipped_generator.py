"""The learned generator that ships with Atelier: measured, registered, offered."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from django.core.management import call_command

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from generation import corpus, cppn, dcgan, gan_train, learned, quality, shipped
from generation.models import GenerationJob, GeneratorModel
from generation.services import publish_task, review_generator, run_generation_job


@pytest.fixture
def models_dir(settings, tmp_path):
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    return settings.ATELIER_MODELS_DIR


def test_the_committed_weights_are_the_ones_their_record_describes():
    record = json.loads(shipped.RECORD.read_text())

    assert dcgan.file_sha256(shipped.WEIGHTS) == record["sha256"]
    assert shipped.WEIGHTS.stat().st_size < 8 * 2**20  # a few MB, fit for git
    assert record["data"]["training"]["images"] == 8 * shipped.PER_STYLE
    assert record["run"]["steps"] == record["config"]["epochs"] * (
        record["data"]["training"]["images"] // record["config"]["batch_size"]
    )
    assert record["checks"][-1]["epoch"] == record["config"]["epochs"]
    assert record["quality"] == record["checks"][-1]


def test_measured_again_the_shipped_model_gets_the_figures_its_record_gives():
    model, record = shipped.load()
    params = gan_train.Config(**record["config"]).network()
    training = corpus.bundle(size=shipped.SIZE, per_style=shipped.PER_STYLE)
    held = corpus.bundle(
        size=shipped.SIZE, per_style=shipped.HELD_OUT_PER_STYLE, first=shipped.PER_STYLE
    )

    figures = shipped.measure(model, params, held, training["images"])

    # The same samples and the same held-out paintings: the recorded verdict.
    assert figures["below_bar"] == record["quality"]["below_bar"]
    assert figures["kid"] == pytest.approx(record["quality"]["kid"], abs=1e-3)
    assert figures["c2st"] == pytest.approx(record["quality"]["c2st"], abs=0.05)
    assert figures["memorisation"]["near_copies"] == 0
    assert figures["flat_fraction"] <= quality.BAR["flat_fraction"]
    assert figures["colourfulness"] >= quality.BAR["colourfulness"]


def test_its_held_out_paintings_are_none_of_its_training_paintings():
    trained = {r["seed"] for r in corpus.recipes(size=64, per_style=shipped.PER_STYLE)}
    held = corpus.recipes(
        size=64, per_style=shipped.HELD_OUT_PER_STYLE, first=shipped.PER_STYLE
    )

    assert trained.isdisjoint(r["seed"] for r in held)
    assert {r["style"] for r in held} == set(cppn.STYLES)


@pytest.mark.django_db
def test_the_demo_registers_it_with_its_verdict_and_a_task_paints_with_it(
    models_dir, staff, client
):
    call_command("register_shipped_generator")
    call_command("register_shipped_generator")  # again: nothing changes

    model = GeneratorModel.objects.get(name="atelier-gan")
    record = json.loads(shipped.RECORD.read_text())
    assert str(model) == "atelier-gan@1"
    assert model.below_bar == record["quality"]["below_bar"]
    # Below the bar it waits for staff, like any other version; at the bar
    # it is ready at once.
    assert model.needs_review == bool(model.below_bar)
    assert model.training["shipped"] is True
    assert model.training["images"]["corpus"] == 8 * shipped.PER_STYLE
    assert (
        dcgan.file_sha256(models_dir / "atelier-gan/1/generator.pt")
        == (model.params["weights_sha256"])
    )
    client.force_login(staff)
    page = client.get("/staff/generators/").content.decode()
    assert "atelier-gan@1" in page
    assert "KID" in page
    assert model.samples.name in page
    for reason in model.below_bar:
        assert reason in page
    if model.needs_review:
        review_generator(model=model, by=staff, despite_bar=True)

    task = create_task(
        by=staff,
        title="Learned seeds",
        brief="Paint over a learned seed.",
        generator=model.name,
        generator_version=model.version,
        style="nebula",
        seed_count=4,
        image_size=128,
    )
    publish_task(task=task, by=staff)
    run_generation_job(job=GenerationJob.objects.get(task=task), batch_size=4)

    task.refresh_from_db()
    assert task.state == CreationTask.State.OPEN
    seeds = list(task.seeds.order_by("index"))
    pixels = []
    for seed in seeds:
        with seed.image.open("rb") as fh:
            pixels.append(np.asarray(Image.open(fh).convert("RGB")))
    assert {p.shape for p in pixels} == {(128, 128, 3)}
    batch = torch.from_numpy(np.stack(pixels)).permute(0, 3, 1, 2)
    # Not mud: no flat seeds, and colourful like the CPPN styles.
    assert quality.flat_fraction(batch) == 0
    assert quality.colourfulness(batch) >= quality.BAR["colourfulness"]
    again = learned.render([seeds[1].recipe], device="cpu")[0]
    assert np.array_equal(pixels[1], np.asarray(again))
