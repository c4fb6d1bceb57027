"""A trained version paints task seeds only after staff have looked at its samples."""

import numpy as np
import pytest
from PIL import Image

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from core.errors import NotAllowed
from generation import dcgan
from generation.errors import GeneratorNotReviewed, ReviewRefused
from generation.models import GeneratorModel
from generation.services import (
    create_training_run,
    publish_new_task,
    publish_task,
    request_generator_samples,
    review_generator,
)
from generation.tasks import paint_generator_samples_task
from generation.training import SAMPLE_GAP, SAMPLE_TILE, train_generator
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory

pytestmark = pytest.mark.django_db

TINY = {"nz": 8, "ngf": 8, "ndf": 8, "seed": 4}
REFUSAL = (
    "Staff must look at the samples of gallery@1 on the generators page "
    "and confirm it before tasks use it."
)
FORM = {
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


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    return settings.ATELIER_MODELS_DIR


@pytest.fixture
def cppn(db) -> GeneratorModel:
    """The CPPN painter's row, as the initial migration writes it.

    Made here too, since a transactional test elsewhere empties the tables
    of a reused test database.
    """
    return GeneratorModel.objects.get_or_create(
        name="cppn", version="1", defaults={"kind": GeneratorModel.Kind.CODE}
    )[0]


@pytest.fixture
def model(staff) -> GeneratorModel:
    """gallery@1: a DCGAN trained for two epochs on twelve CPPN seeds."""
    OpenTaskFactory(created_by=staff, seed_count=12)
    run = create_training_run(
        name="gallery", size=16, epochs=2, batch_size=4, params=TINY
    )
    return train_generator(run=run, device="cpu").result


def tile(sheet: Image.Image, index: int) -> np.ndarray:
    """Return tile `index` of a four-column contact sheet as pixels."""
    step = SAMPLE_TILE + SAMPLE_GAP
    x, y = (index % 4) * step, (index // 4) * step
    return np.asarray(sheet.crop((x, y, x + SAMPLE_TILE, y + SAMPLE_TILE)))


# -- registration and the service ---------------------------------------------


def test_a_trained_version_is_registered_unreviewed_with_a_sheet_of_its_seeds(model):
    assert model.needs_review is True
    assert (model.reviewed_at, model.reviewed_by) == (None, None)
    with model.samples.open("rb") as fh, Image.open(fh) as sheet:
        assert sheet.size == (4 * SAMPLE_TILE + 3 * SAMPLE_GAP, 2 * SAMPLE_TILE + 4)
        sheet = sheet.convert("RGB")
        # The sheet shows seeds 0..7 exactly as a task would paint them.
        for seed in (0, 7):
            recipe = dcgan.make_recipe(
                name=model.name,
                version=model.version,
                weights=model.weights,
                params=model.params,
                seed=seed,
                size=SAMPLE_TILE,
            )
            painted = np.asarray(dcgan.render([recipe], device="cpu")[0])
            assert np.array_equal(tile(sheet, seed), painted)
        assert not np.array_equal(tile(sheet, 0), tile(sheet, 1))


def test_the_cppn_painter_needs_no_review(cppn):
    assert cppn.needs_review is False
    assert cppn.reviewed_at is None


def test_review_records_who_confirmed_and_when_and_a_second_changes_nothing(
    model, staff
):
    reviewed = review_generator(model=model, by=staff)

    model.refresh_from_db()
    assert model.needs_review is False
    assert model.reviewed_by == staff
    assert model.reviewed_at == reviewed.reviewed_at
    other = UserFactory(is_staff=True)
    again = review_generator(model=model, by=other)
    assert (again.reviewed_by, again.reviewed_at) == (staff, reviewed.reviewed_at)


def test_only_staff_confirm_a_version(model, artist):
    with pytest.raises(NotAllowed, match="Only staff can confirm a generator"):
        review_generator(model=model, by=artist)
    model.refresh_from_db()
    assert model.needs_review is True


def test_a_code_generator_or_a_version_without_samples_cannot_be_confirmed(staff, cppn):
    with pytest.raises(ReviewRefused, match="code generator and needs no review"):
        review_generator(model=cppn, by=staff)
    blind = GeneratorModel.objects.create(
        name="old", version="1", kind=GeneratorModel.Kind.CHECKPOINT
    )
    with pytest.raises(ReviewRefused, match="old@1 has no samples to look at yet"):
        review_generator(model=blind, by=staff)
    blind.refresh_from_db()
    assert blind.needs_review is True


def test_publishing_with_an_unreviewed_version_is_refused_and_writes_nothing(
    model, staff
):
    fields = {
        "title": "Learned",
        "brief": "b",
        "generator": "gallery",
        "generator_version": "1",
        "seed_count": 2,
        "image_size": 64,
    }
    with pytest.raises(GeneratorNotReviewed) as refused:
        publish_new_task(by=staff, **fields)
    assert refused.value.message == REFUSAL
    assert refused.value.status == 409
    assert not CreationTask.objects.filter(title="Learned").exists()

    review_generator(model=model, by=staff)
    task = publish_new_task(by=staff, **fields)
    assert task.state == CreationTask.State.GENERATING


def test_a_draft_for_an_unreviewed_version_stays_a_draft(model, staff):
    task = create_task(
        by=staff,
        title="Draft",
        brief="b",
        generator="gallery",
        generator_version="1",
        seed_count=2,
        image_size=64,
    )
    with pytest.raises(GeneratorNotReviewed, match="confirm it before tasks use it"):
        publish_task(task=task, by=staff)
    task.refresh_from_db()
    assert task.state == CreationTask.State.DRAFT
    assert not task.generation_jobs.exists()


def test_the_api_refuses_an_unreviewed_version_with_the_reason(model, staff, cppn):
    api = APIClient()
    api.force_authenticate(staff)
    body = {
        "title": "API learned",
        "brief": "b",
        "generator": "gallery",
        "generator_version": "1",
        "seed_count": 2,
        "image_size": 256,
    }

    refused = api.post("/api/v1/tasks/", body, format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "generator_not_reviewed"
    assert refused.json()["detail"] == REFUSAL
    assert not CreationTask.objects.filter(title="API learned").exists()
    listed = {g["name"]: g for g in api.get("/api/v1/generators/").json()["results"]}
    assert (listed["gallery"]["publishable"], listed["cppn"]["publishable"]) == (
        False,
        True,
    )

    review_generator(model=model, by=staff)
    created = api.post("/api/v1/tasks/", body, format="json")
    assert created.status_code == 201, created.json()


# -- the generators page -------------------------------------------------------


def test_the_generators_page_shows_the_sample_grid_and_training_figures(
    client, model, staff
):
    client.force_login(staff)
    page = client.get("/staff/generators/").content.decode()

    assert "Waiting for review" in page
    assert f'src="{model.samples.url}"' in page
    assert "Eight seeds painted by gallery@1" in page
    assert "Epochs</dt><dd>2</dd>" in page
    assert "Images used</dt><dd>12</dd>" in page
    assert f"{model.training['seconds']:.0f} s on cpu" in page
    assert f'action="/staff/generators/{model.pk}/review/"' in page
    assert "Publishable: I have looked at these samples" in page


def test_confirming_on_the_page_makes_the_version_publishable(client, model, staff):
    client.force_login(staff)
    response = client.post(f"/staff/generators/{model.pk}/review/", follow=True)

    assert response.redirect_chain == [("/staff/generators/", 302)]
    page = response.content.decode()
    assert "gallery@1 is publishable: tasks may now use it." in page
    assert "Publishable: I have looked at these samples" not in page
    assert f"by {staff.shown_name}" in page
    assert f'<a href="{model.samples.url}">samples</a>' in page
    model.refresh_from_db()
    assert model.reviewed_by == staff


def test_only_staff_confirm_on_the_page_and_only_by_post(client, model, staff, artist):
    assert client.post(f"/staff/generators/{model.pk}/review/").status_code == 302
    client.force_login(artist)
    assert client.post(f"/staff/generators/{model.pk}/review/").status_code == 403
    client.force_login(staff)
    assert client.get(f"/staff/generators/{model.pk}/review/").status_code == 405
    model.refresh_from_db()
    assert model.needs_review is True


def test_a_refused_confirmation_comes_back_as_a_message(client, staff, cppn):
    client.force_login(staff)
    response = client.post(f"/staff/generators/{cppn.pk}/review/", follow=True)
    assert "cppn@1 is a code generator and needs no review." in (
        response.content.decode()
    )


def test_the_publish_form_lists_an_unreviewed_version_as_not_selectable(
    client, model, staff
):
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    assert (
        '<option value="gallery@1" disabled>gallery@1 — waiting for staff to look '
        "at its samples</option>" in page
    )
    response = client.post("/staff/publish/", FORM)  # sent anyway, by hand
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not CreationTask.objects.filter(title=FORM["title"]).exists()

    review_generator(model=model, by=staff)
    page = client.get("/staff/publish/").content.decode()
    assert '<option value="gallery@1">gallery@1 — DCGAN at 16 px' in page


def test_a_version_registered_without_samples_gets_them_from_the_worker(
    client, model, staff, django_capture_on_commit_callbacks
):
    model.samples.delete(save=False)
    GeneratorModel.objects.filter(pk=model.pk).update(samples="")
    model.refresh_from_db()
    client.force_login(staff)
    page = client.get("/staff/generators/").content.decode()
    assert "No samples painted yet" in page
    assert "Publishable: I have looked at these samples" not in page
    assert f'action="/staff/generators/{model.pk}/samples/"' in page

    with django_capture_on_commit_callbacks() as callbacks:
        request_generator_samples(model=model, by=staff)
    assert len(callbacks) == 1
    paint_generator_samples_task(model.pk)

    model.refresh_from_db()
    with model.samples.open("rb") as fh, Image.open(fh) as sheet:
        assert sheet.size == (4 * SAMPLE_TILE + 3 * SAMPLE_GAP, 2 * SAMPLE_TILE + 4)
    assert review_generator(model=model, by=staff).needs_review is False


# -- the migration -------------------------------------------------------------


def test_the_migration_leaves_trained_versions_unreviewed_and_cppn_alone():
    executor = MigrationExecutor(connection)
    before = [("generation", "0001_initial")]
    after = [("generation", "0002_generator_review")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model(
        "generation", "GeneratorModel"
    )
    old.objects.get_or_create(name="cppn", version="1", defaults={"kind": "code"})
    old.objects.create(name="legacy", version="3", kind="checkpoint")

    executor.loader.build_graph()
    executor.migrate(after)

    legacy = GeneratorModel.objects.get(name="legacy")
    assert (legacy.reviewed_at, legacy.samples.name) == (None, "")
    assert legacy.needs_review is True
    cppn = GeneratorModel.objects.get(name="cppn")
    assert (cppn.kind, cppn.reviewed_at, cppn.needs_review) == ("code", None, False)
