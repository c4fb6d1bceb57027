"""Seed fitness from curator votes, and tasks whose seeds are bred from it."""

import math

import pytest

from rest_framework.test import APIClient

from art_tasks.models import CreationTask, SeedImage, Submission
from art_tasks.services import create_task
from generation import evolution
from generation.errors import NotEnoughParents
from generation.models import GenerationJob
from generation.selectors import breeding_pool, seed_fitness
from generation.services import publish_task, run_generation_job, seed_source_params
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work
from tests.curation.factories import decided_work
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


def painted_task(staff, *, style="ink", seed_count=4, **extra):
    """Publish a task and paint its seeds at 64 px through the real job."""
    task = create_task(
        by=staff,
        title=extra.pop("title", f"{style} study"),
        brief="Make something.",
        style=style,
        seed_count=seed_count,
        image_size=64,
        **extra,
    )
    publish_task(task=task, by=staff)
    run_generation_job(job=GenerationJob.objects.get(task=task))
    task.refresh_from_db()
    return task


def work_from(seed, *, artist) -> Submission:
    """Claim the seed's task as `artist` and submit a processed work from `seed`."""
    return submitted_work(**from_seed(seed), artist=artist)


def scored(seed, scores, curators, *, artist) -> Submission:
    return decided_work(
        **from_seed(seed), artist=artist, curators=curators, scores=scores
    )


def from_seed(seed) -> dict:
    return {
        "seed": seed,
        "title": f"From seed {seed.index}",
        "image": png_bytes((80, 64)),
    }


def set_counters(work, *, votes, total, likes=0, state=Submission.State.ACCEPTED):
    """Give a work vote counters as many curators would have left them."""
    Submission.objects.filter(pk=work.pk).update(
        vote_count=votes, score_sum=total, like_count=likes, state=state
    )


@pytest.fixture
def scored_ink(staff, curators):
    """An open ink task whose seeds 0-2 have scored works (0 best, 1 worst)."""
    task = painted_task(staff, title="Ink parents")
    seeds = list(task.seeds.order_by("index"))
    for i, scores in enumerate([[5, 5, 4], [2, 3, 2], [4, 4, 3]]):
        artist = UserFactory(username=f"inker{i}")
        scored(seeds[i], scores, curators, artist=artist)
    return task


def bred_task(staff, *, seed_count=8, **extra):
    params = seed_source_params(source="bred", style="ink")
    task = create_task(
        by=staff,
        title="Bred ink",
        brief="Work from bred seeds.",
        style="ink",
        seed_count=seed_count,
        image_size=64,
        params=params,
        **extra,
    )
    publish_task(task=task, by=staff)
    return task


# -- fitness ---------------------------------------------------------------


def test_one_lucky_five_does_not_beat_a_seed_with_many_fours(
    staff, django_assert_num_queries
):
    task = painted_task(staff, seed_count=5)
    lucky, steady, liked, meh, unseen = task.seeds.order_by("index")
    counters = [(1, 5, 0), (12, 48, 0), (3, 12, 6), (20, 50, 0)]
    for seed, (votes, total, likes) in zip(
        (lucky, steady, liked, meh), counters, strict=True
    ):
        work = work_from(seed, artist=UserFactory())
        set_counters(work, votes=votes, total=total, likes=likes)
    site_mean = (5 + 48 + 12 + 50) / (1 + 12 + 3 + 20)  # 3.19

    with django_assert_num_queries(1):
        rows = {s.pk: s for s in seed_fitness(seeds=task.seeds.all())}

    assert rows[lucky.pk].site_mean == pytest.approx(site_mean)
    assert rows[lucky.pk].fitness == pytest.approx((5 * site_mean + 5) / 6)
    assert rows[steady.pk].fitness == pytest.approx((5 * site_mean + 48) / 17)
    assert rows[liked.pk].fitness == pytest.approx(
        (5 * site_mean + 12) / 8 + evolution.LIKE_WEIGHT * math.log(7)
    )
    assert rows[unseen.pk].fitness == pytest.approx(site_mean)  # the prior
    # 3.49 for one lucky 5 against 3.76 for twelve 4s.
    assert rows[steady.pk].fitness > rows[lucky.pk].fitness
    assert rows[steady.pk].votes == 12
    assert rows[liked.pk].likes == 6


def test_fitness_matches_the_pure_formula_and_orders_the_fittest_first(
    staff, django_assert_num_queries
):
    task = painted_task(staff, seed_count=3)
    counters = [(3, 7, 0), (6, 27, 2), (3, 12, 0)]
    for seed, (votes, total, likes) in zip(
        task.seeds.order_by("index"), counters, strict=True
    ):
        set_counters(
            work_from(seed, artist=UserFactory()), votes=votes, total=total, likes=likes
        )
    withdrawn = work_from(task.seeds.get(index=0), artist=UserFactory())
    set_counters(withdrawn, votes=9, total=45, state=Submission.State.WITHDRAWN)

    with django_assert_num_queries(1):
        rows = list(seed_fitness(seeds=task.seeds.all()))

    site_mean = 46 / 12  # the withdrawn work's votes do not count
    expected = [
        evolution.shrunk_fitness(score_sum=t, votes=v, likes=lk, site_mean=site_mean)
        for v, t, lk in counters
    ]
    assert [r.index for r in rows] == [1, 2, 0]
    assert [r.fitness for r in rows] == pytest.approx(sorted(expected, reverse=True))


def test_a_site_without_votes_gives_every_seed_the_default_prior(staff):
    task = painted_task(staff, seed_count=2)

    rows = list(seed_fitness(seeds=task.seeds.all()))

    assert [r.fitness for r in rows] == [evolution.DEFAULT_MEAN] * 2
    assert breeding_pool(style="ink").count() == 0


# -- publishing a bred task -------------------------------------------------


def test_a_bred_task_paints_children_of_the_fittest_seeds_and_records_parents(
    staff, scored_ink
):
    parents = list(scored_ink.seeds.order_by("index"))
    assert seed_source_params(source="bred", style="ink") == {
        "source": "bred",
        "fresh_fraction": 0.25,
        "pool": 3,
    }

    task = bred_task(staff, seed_count=8)
    job = GenerationJob.objects.get(task=task)
    assert [entry["index"] for entry in job.plan] == list(range(8))
    run_generation_job(job=job)

    task.refresh_from_db()
    assert task.state == CreationTask.State.OPEN
    assert task.generator == "cppn"
    assert task.params == {"source": "bred", "fresh_fraction": 0.25, "pool": 3}
    seeds = list(task.seeds.order_by("index").prefetch_related("parents"))
    assert len(seeds) == 8
    by_id = {p.pk: p for p in parents}
    bred = [s for s in seeds if s.parents.all()]
    fresh = [s for s in seeds if not s.parents.all()]
    assert len(fresh) == 2  # a quarter stays fresh
    assert all(s.recipe["generation"] == 0 for s in fresh)
    for seed in bred:
        ids = sorted(p.pk for p in seed.parents.all())
        assert ids == sorted(job.plan[seed.index]["parents"])
        assert set(ids) <= {parents[0].pk, parents[1].pk, parents[2].pk}
        assert (seed.recipe["style"], seed.recipe["size"]) == ("ink", 64)
        assert seed.recipe["generation"] == 1
        for pid in ids:
            assert evolution.genes(seed.recipe) != evolution.genes(by_id[pid].recipe)
            assert seed.sha256 != by_id[pid].sha256
    # The best-scored seed parents children; the unscored one never does.
    assert parents[0].children.filter(task=task).exists()
    assert not parents[3].children.exists()
    assert len({s.sha256 for s in seeds}) == 8


def test_a_rerun_repaints_missing_seeds_identically_from_the_fixed_plan(
    staff, scored_ink, curators
):
    task = bred_task(staff, seed_count=6)
    job = GenerationJob.objects.get(task=task)
    plan = job.plan
    run_generation_job(job=job, batch_size=2)
    before = {
        s.index: (s.sha256, sorted(p.pk for p in s.parents.all()))
        for s in task.seeds.prefetch_related("parents")
    }
    # A crash lost two seeds; meanwhile new votes change which seed is fittest.
    task.seeds.filter(index__in=[1, 4]).delete()
    # ... and its worker, which went silent (no heartbeat) mid-job.
    GenerationJob.objects.filter(pk=job.pk).update(
        state=GenerationJob.State.RUNNING, heartbeat_at=None
    )
    scored(
        scored_ink.seeds.get(index=3),
        [5, 5, 5],
        curators,
        artist=UserFactory(username="late"),
    )

    run_generation_job(job=job)

    job.refresh_from_db()
    assert job.plan == plan
    after = {
        s.index: (s.sha256, sorted(p.pk for p in s.parents.all()))
        for s in task.seeds.prefetch_related("parents")
    }
    assert after == before


def test_a_redelivered_job_paints_nothing_new(staff, scored_ink):
    task = bred_task(staff, seed_count=4)
    job = GenerationJob.objects.get(task=task)
    run_generation_job(job=job)
    ids = sorted(task.seeds.values_list("pk", flat=True))

    run_generation_job(job=job)

    assert sorted(task.seeds.values_list("pk", flat=True)) == ids


def test_a_fresh_task_plans_the_painters_own_recipes(staff):
    from generation import cppn

    task = create_task(by=staff, title="Fresh", brief="b", style="neon", seed_count=3)
    publish_task(task=task, by=staff)

    plan = GenerationJob.objects.get(task=task).plan

    assert plan == [
        {
            "index": i,
            "recipe": cppn.make_recipe(
                style="neon", seed=task.pk * 1000 + i, size=task.image_size
            ),
            "parents": [],
        }
        for i in range(3)
    ]


def test_a_job_queued_before_plans_existed_gets_its_plan_on_the_first_run(staff):
    from generation import cppn

    task = create_task(
        by=staff, title="Old", brief="b", style="riso", seed_count=2, image_size=64
    )
    publish_task(task=task, by=staff)
    GenerationJob.objects.filter(task=task).update(plan=[])

    job = run_generation_job(job=GenerationJob.objects.get(task=task))

    assert [e["index"] for e in job.plan] == [0, 1]
    for seed in task.seeds.all():
        expected = cppn.make_recipe(
            style="riso", seed=task.pk * 1000 + seed.index, size=64
        )
        assert {k: v for k, v in seed.recipe.items() if k != "device"} == expected


# -- refusals --------------------------------------------------------------


def test_breeding_is_refused_without_two_scored_seeds_of_the_style(staff, curators):
    with pytest.raises(NotEnoughParents, match="at least 2 ink seeds.*0 seeds have"):
        seed_source_params(source="bred", style="ink")
    task = painted_task(staff)
    scored(task.seeds.get(index=0), [4, 4, 4], curators, artist=UserFactory())
    with pytest.raises(NotEnoughParents, match="1 seed has been scored"):
        seed_source_params(source="bred", style="ink")
    # Scored seeds of another style do not count.
    with pytest.raises(NotEnoughParents):
        seed_source_params(source="bred", style="neon")


def test_publishing_a_bred_draft_without_parents_leaves_it_a_draft(staff):
    task = create_task(
        by=staff, title="Too soon", brief="b", style="ink", params={"source": "bred"}
    )

    with pytest.raises(NotEnoughParents):
        publish_task(task=task, by=staff)

    task.refresh_from_db()
    assert task.state == CreationTask.State.DRAFT
    assert not GenerationJob.objects.filter(task=task).exists()


def publish_form(**extra):
    return {
        "title": "Bred from the crowd",
        "brief": "Make art from bred seeds.",
        "license": "CC-BY-4.0",
        "slots": 5,
        "claim_ttl_minutes": 120,
        "generator": "cppn@1",
        "style": "ink",
        "seed_count": 4,
        "image_size": 256,
        "source": "bred",
        **extra,
    }


def test_the_publish_page_explains_a_refused_breeding_and_creates_no_task(
    client, staff
):
    client.force_login(staff)

    response = client.post("/staff/publish/", publish_form())

    assert response.status_code == 200
    assert "Breeding needs at least 2 ink seeds" in response.content.decode()
    assert not CreationTask.objects.filter(title="Bred from the crowd").exists()


def test_the_publish_page_offers_fresh_or_bred_seeds_and_publishes_bred_ones(
    client, staff, scored_ink, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    assert "Bred from the fittest seeds of earlier tasks" in page
    assert "Fresh random genomes" in page

    with django_capture_on_commit_callbacks():
        response = client.post("/staff/publish/", publish_form())

    task = CreationTask.objects.get(title="Bred from the crowd")
    assert response.status_code == 302
    assert task.params["source"] == "bred"
    assert task.params["pool"] == 3
    plan = GenerationJob.objects.get(task=task).plan
    assert sum(1 for e in plan if e["parents"]) == 3
    assert all(e["recipe"]["size"] == 256 for e in plan)


def test_the_api_publishes_bred_tasks_and_refuses_them_without_parents(staff, curators):
    api = APIClient()
    api.force_authenticate(staff)
    body = {"title": "API bred", "brief": "b", "style": "ink", "seed_count": 4}

    refused = api.post("/api/v1/tasks/", {**body, "source": "bred"}, format="json")

    assert refused.status_code == 400
    assert refused.json()["code"] == "not_enough_parents"
    assert "Breeding needs at least 2 ink seeds" in refused.json()["detail"]
    assert not CreationTask.objects.filter(title="API bred").exists()

    task = painted_task(staff)
    for i in range(2):
        scored(task.seeds.get(index=i), [4, 3, 4], curators, artist=UserFactory())
    created = api.post("/api/v1/tasks/", {**body, "source": "bred"}, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["params"]["source"] == "bred"
    fresh = api.post("/api/v1/tasks/", {**body, "title": "API fresh"}, format="json")
    assert fresh.json()["params"] == {"source": "fresh"}
    bad = api.post("/api/v1/tasks/", {**body, "source": "cloned"}, format="json")
    assert bad.status_code == 400


def test_seeds_of_the_task_being_bred_never_parent_their_siblings(staff, scored_ink):
    pool = breeding_pool(style="ink", exclude_task=scored_ink)

    assert pool.count() == 0
    assert SeedImage.objects.filter(task=scored_ink).count() == 4
