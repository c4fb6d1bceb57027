"""The breeding lab: grids, limits, priority, recipes, undo, keep, propose, credit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from django.test import Client

from art_tasks.models import CreationTask
from community.models import ReputationEvent
from config.celery import app
from core.errors import NotFound
from generation import evolution, lab
from generation.errors import LabLimitReached, LabRefused
from generation.models import LabGrid, LabSeed
from generation.services import lab as lab_services
from generation.services import publish_new_task, run_generation_job
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_lab(settings):
    settings.ATELIER_LAB_GRID = 4
    settings.ATELIER_LAB_IMAGE_SIZE = 32
    settings.ATELIER_LAB_CHILDREN_PER_HOUR = 12


def breedable(task: CreationTask, style: str = "nebula"):
    """Give `task`'s seeds real genomes, as the painter records them."""
    for seed in task.seeds.all():
        seed.recipe = evolution.random_genome(style=style, seed=seed.index, size=64)
        seed.save(update_fields=["recipe"])
    return list(task.seeds.all())


@pytest.fixture
def seed():
    return breedable(OpenTaskFactory())[0]


def painted_grid(**kwargs) -> LabGrid:
    grid = lab_services.start_lab_grid(**kwargs)
    return lab_services.run_lab_grid(grid=grid)


# -- genome operations ------------------------------------------------------


def test_locked_genes_stay_as_the_parent_had_them():
    parent = evolution.random_genome(style="nebula", seed=1, size=32)
    children = lab.lab_children(
        [parent], count=6, rng=3, keep={"palette", "shader"}, size=32
    )
    for child, used in children:
        assert used == [0]
        assert child["palette"] == parent["palette"]
        assert child["params"] == parent["params"]
        assert child["latent"] != parent["latent"]


def test_a_chosen_palette_recolours_every_child_and_strength_scales_the_steps():
    parent = evolution.random_genome(style="nebula", seed=1, size=32)
    stops = lab.palettes_of("nebula")[-1]
    gentle = lab.lab_children([parent], count=8, rng=5, strength=0.1, size=32)
    wild = lab.lab_children(
        [parent], count=8, rng=5, strength=3.0, palette=stops, size=32
    )
    assert all(child["palette"] == stops for child, _ in wild)

    def spread(children):
        return np.mean(
            [
                np.abs(np.subtract(c["latent"], parent["latent"])).mean()
                for c, _ in children
            ]
        )

    assert spread(gentle) < spread(wild)


def test_several_parents_give_crossed_children():
    a = evolution.random_genome(style="nebula", seed=1, size=32)
    b = evolution.random_genome(style="nebula", seed=2, size=32)
    children = lab.lab_children([a, b], count=4, rng=9, size=32)
    assert all(sorted(used) == [0, 1] for _, used in children)


# -- grids -----------------------------------------------------------------


def test_a_grid_plans_children_with_recipe_parents_breeder_and_time(seed):
    person = UserFactory()
    grid = painted_grid(by=person, seeds=[seed], strength=0.5)
    children = list(grid.children.order_by("index"))
    assert grid.state == LabGrid.State.DONE
    assert grid.done == 4
    assert [c.index for c in children] == [0, 1, 2, 3]
    for child in children:
        assert child.breeder == person
        assert child.created_at is not None
        assert list(child.seed_parents.all()) == [seed]
        assert child.recipe["size"] == 32
        assert child.recipe["generation"] == 1
        assert child.painted is True


def test_a_lab_seed_paints_again_to_the_same_pixels(seed):
    grid = painted_grid(by=UserFactory(), seeds=[seed])
    child = grid.children.first()
    stored = np.asarray(Image.open(child.image.open("rb")).convert("RGB"))
    again = LabSeed(recipe=child.recipe, grid=grid, breeder=grid.breeder)
    lab_services.paint_lab_seeds([again])
    repainted = np.asarray(Image.open(again.image.open("rb")).convert("RGB"))
    assert again.sha256 == child.sha256
    assert np.array_equal(stored, repainted)


def test_breeding_picked_children_crosses_them_and_step_back_returns(seed):
    person = UserFactory()
    first = painted_grid(by=person, seeds=[seed])
    picked = list(first.children.order_by("index")[:2])
    second = lab_services.breed_picked(grid=first, by=person, picked=picked)
    assert second.previous == first
    assert second.controls["mode"] == "crossover"
    child = second.children.first()
    assert set(child.lab_parents.all()) <= set(picked)
    assert child.recipe["generation"] == 2
    back = lab_services.step_back(grid=second, by=person)
    assert back == first
    assert back.children.count() == 4  # the earlier grid is still there
    with pytest.raises(LabRefused, match="nothing to step back to"):
        lab_services.step_back(grid=first, by=person)


def test_regenerate_makes_a_new_grid_from_the_same_parent(seed):
    person = UserFactory()
    first = painted_grid(by=person, seeds=[seed])
    again = lab_services.regenerate_lab_grid(grid=first, by=person, strength=2.0)
    assert list(again.seed_parents.all()) == [seed]
    assert again.previous == first
    old = {evolution.genes(c.recipe) for c in first.children.all()}
    assert not old & {evolution.genes(c.recipe) for c in again.children.all()}


def test_the_hourly_limit_refuses_with_a_429_and_writes_nothing(seed):
    person = UserFactory()
    for _ in range(3):
        lab_services.start_lab_grid(by=person, seeds=[seed])
    with pytest.raises(LabLimitReached, match="12 children an hour") as refused:
        lab_services.start_lab_grid(by=person, seeds=[seed])
    assert refused.value.status == 429
    assert LabGrid.objects.filter(breeder=person).count() == 3
    client = Client()
    client.force_login(person)
    response = client.post("/lab/start/", {"seed": seed.pk})
    assert response.status_code == 429
    assert "12 children an hour" in response.content.decode()
    api = client.post(
        "/api/v1/lab/grids/", {"seeds": [seed.pk]}, content_type="application/json"
    )
    assert api.status_code == 429
    assert int(api["Retry-After"]) > 0
    assert api.json()["code"] == "lab_limit_reached"


def test_every_gene_kept_is_refused(seed):
    with pytest.raises(LabRefused, match="Every gene is kept"):
        lab_services.start_lab_grid(
            by=UserFactory(), seeds=[seed], keep=["palette", "shape", "shader"]
        )


def test_a_draft_task_seed_cannot_be_bred_by_a_member():
    staff_only = breedable(OpenTaskFactory())[0]
    staff_only.task.state = CreationTask.State.DRAFT
    staff_only.task.save(update_fields=["state"])
    with pytest.raises(NotFound):
        lab_services.start_lab_grid(by=UserFactory(), seeds=[staff_only])


def test_others_grids_stay_private(seed):
    person, other = UserFactory(), UserFactory()
    grid = lab_services.start_lab_grid(by=person, seeds=[seed])
    with pytest.raises(NotFound):
        lab_services.regenerate_lab_grid(grid=grid, by=other)
    child = grid.children.first()
    with pytest.raises(NotFound):
        lab_services.keep_lab_seed(seed=child, by=other)
    client = Client()
    client.force_login(other)
    assert client.get(f"/lab/grids/{grid.pk}/").status_code == 404
    assert client.get(f"/lab/seeds/{child.pk}/").status_code == 404
    assert client.get(f"/api/v1/lab/grids/{grid.pk}/").status_code == 404


def test_lab_grids_go_to_the_generation_queue_behind_task_seeds(settings, seed):
    from generation.tasks import generate_seeds_task, paint_lab_grid_task

    lab_route = app.amqp.router.route({}, paint_lab_grid_task.name)
    seeds_route = app.amqp.router.route({}, generate_seeds_task.name)
    assert lab_route["queue"].name == seeds_route["queue"].name == "generation"
    # On Redis a lower number is served first.
    assert lab_route["priority"] == settings.ATELIER_LAB_PRIORITY
    assert seeds_route["priority"] < lab_route["priority"]


def test_a_grid_is_sent_to_celery_after_commit(
    seed, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("generation.tasks.paint_lab_grid_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        grid = lab_services.start_lab_grid(by=UserFactory(), seeds=[seed])
    delay.assert_called_once_with(grid.pk)


# -- keep, propose, publish --------------------------------------------------


def test_kept_seeds_are_listed_and_public_unkept_ones_are_not(seed):
    person = UserFactory()
    grid = painted_grid(by=person, seeds=[seed])
    kept, other = grid.children.order_by("index")[:2]
    lab_services.keep_lab_seed(seed=kept, by=person)
    client = Client()
    client.force_login(person)
    page = client.get("/lab/seeds/").content.decode()
    assert f"/lab/seeds/{kept.pk}/" in page
    assert f"/lab/seeds/{other.pk}/" not in page
    listed = client.get("/api/v1/lab/seeds/").json()["results"]
    assert [row["id"] for row in listed] == [kept.pk]
    visitor = Client()
    assert visitor.get(f"/lab/seeds/{kept.pk}/").status_code == 200
    assert visitor.get(f"/lab/seeds/{other.pk}/").status_code == 404
    lab_services.unkeep_lab_seed(seed=kept, by=person)
    assert visitor.get(f"/lab/seeds/{kept.pk}/").status_code == 404


def test_a_kept_seed_shows_others_no_picture_of_its_unkept_parents(seed):
    person = UserFactory()
    first = painted_grid(by=person, seeds=[seed])
    parent = first.children.order_by("index").first()
    second = lab_services.breed_picked(grid=first, by=person, picked=[parent])
    second = lab_services.run_lab_grid(grid=second)
    child = second.children.order_by("index").first()
    lab_services.keep_lab_seed(seed=child, by=person)
    visitor = Client().get(f"/lab/seeds/{child.pk}/").content.decode()
    assert parent.thumbnail.name not in visitor
    assert "did not keep" in visitor
    owner = Client()
    owner.force_login(person)
    assert (
        parent.thumbnail.name in owner.get(f"/lab/seeds/{child.pk}/").content.decode()
    )


def test_a_proposal_is_for_an_open_task_and_staff_see_it_on_publish(seed):
    person = UserFactory()
    staff = UserFactory(is_staff=True)
    child = painted_grid(by=person, seeds=[seed]).children.first()
    closed = OpenTaskFactory(state=CreationTask.State.CLOSED)
    with pytest.raises(LabRefused, match="draft or open"):
        lab_services.propose_lab_seed(seed=child, by=person, task=closed)
    proposed = lab_services.propose_lab_seed(seed=child, by=person, task=seed.task)
    assert proposed.kept is True
    assert proposed.proposed_for == seed.task
    client = Client()
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    assert f'value="{child.pk}"' in page
    assert f"by {person.username}" in page


def test_publishing_from_lab_seeds_paints_them_and_credits_the_breeders(seed):
    ada, bo = UserFactory(), UserFactory()
    staff = UserFactory(is_staff=True)
    a = painted_grid(by=ada, seeds=[seed]).children.order_by("index")[:2]
    b = painted_grid(by=bo, seeds=[seed]).children.first()
    chosen = [*a, b]
    for row in chosen:
        lab_services.propose_lab_seed(seed=row, by=row.breeder)
    task = publish_new_task(
        by=staff,
        source="lab",
        lab_seeds=chosen,
        title="From the lab",
        brief="Seeds people bred.",
        image_size=64,
        seed_count=8,
    )
    assert task.seed_count == 3
    job = task.generation_jobs.get()
    run_generation_job(job=job)
    seeds = list(task.seeds.order_by("index"))
    assert [s.recipe["lab_seed"] for s in seeds] == [row.pk for row in chosen]
    assert seeds[0].recipe["bred_by"] == ada.username
    assert list(seeds[0].parents.all()) == [seed]  # the lab line's site seed
    assert set(LabSeed.objects.filter(used_in=task)) == set(chosen)
    credit = {
        e.user_id: e.points
        for e in ReputationEvent.objects.filter(reason=ReputationEvent.Reason.LAB_SEED)
    }
    assert credit == {ada.pk: 10, bo.pk: 5}
    ada.refresh_from_db()
    assert ada.reputation == 10
    page = Client().get(f"/seeds/{seed.pk}/").content.decode()
    assert f"human step: picked in the lab by {ada.username}" in page


def test_publishing_from_unkept_lab_seeds_is_refused_and_writes_nothing(seed):
    person = UserFactory()
    staff = UserFactory(is_staff=True)
    child = painted_grid(by=person, seeds=[seed]).children.first()
    before = CreationTask.objects.count()
    with pytest.raises(LabRefused, match="kept or proposed"):
        publish_new_task(
            by=staff, source="lab", lab_seeds=[child], title="X", brief="Y"
        )
    assert CreationTask.objects.count() == before
    assert not ReputationEvent.objects.exists()


def test_the_recipe_png_is_a_real_png(seed):
    child = painted_grid(by=UserFactory(), seeds=[seed]).children.first()
    image = Image.open(io.BytesIO(child.image.open("rb").read()))
    assert image.size == (32, 32)
