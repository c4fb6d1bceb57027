"""Publishing queues a generation job; the job paints seeds and opens the task."""

import pytest
from PIL import Image

from art_tasks.models import CreationTask
from art_tasks.services import create_task
from generation.errors import UnknownGenerator
from generation.models import GenerationJob
from generation.services import publish_new_task, publish_task, run_generation_job

pytestmark = pytest.mark.django_db


def _task(staff, **extra):
    values = {"title": "Tiny", "brief": "b", "seed_count": 3, "image_size": 64}
    return create_task(by=staff, **{**values, **extra})


def test_publishing_queues_one_generation_job_after_commit(
    staff, django_capture_on_commit_callbacks
):
    task = _task(staff)
    with django_capture_on_commit_callbacks() as callbacks:
        publish_task(task=task, by=staff)
    task.refresh_from_db()
    assert task.state == CreationTask.State.GENERATING
    job = GenerationJob.objects.get(task=task)
    assert (job.state, job.done, job.total) == ("queued", 0, 3)
    assert len(callbacks) == 1


def test_a_job_paints_every_seed_with_its_recipe_and_opens_the_task(staff):
    task = _task(staff, style="nebula")
    publish_task(task=task, by=staff)
    job = run_generation_job(job=GenerationJob.objects.get(task=task), batch_size=2)
    task.refresh_from_db()
    assert task.state == CreationTask.State.OPEN
    assert (job.state, job.done) == ("done", 3)
    seeds = list(task.seeds.order_by("index"))
    assert [s.index for s in seeds] == [0, 1, 2]
    for seed in seeds:
        assert seed.recipe["style"] == "nebula"
        with seed.image.open("rb") as fh:
            assert Image.open(fh).size == (64, 64)
    assert len({s.sha256 for s in seeds}) == 3


def test_a_seed_regenerates_to_identical_pixels_from_its_stored_recipe(staff):
    from generation import cppn

    task = _task(staff, seed_count=1)
    publish_task(task=task, by=staff)
    run_generation_job(job=GenerationJob.objects.get(task=task))
    seed = task.seeds.get()
    again = cppn.render_one(seed.recipe)
    with seed.image.open("rb") as fh:
        stored = Image.open(fh).convert("RGB")
        assert stored.tobytes() == again.tobytes()


def test_a_rerun_of_a_finished_job_paints_nothing(staff):
    task = _task(staff, seed_count=2)
    publish_task(task=task, by=staff)
    job = GenerationJob.objects.get(task=task)
    run_generation_job(job=job)
    hashes = sorted(task.seeds.values_list("sha256", flat=True))
    run_generation_job(job=job)
    assert sorted(task.seeds.values_list("sha256", flat=True)) == hashes


def test_a_failed_generation_returns_the_task_to_draft_with_the_error(
    staff, monkeypatch
):
    from generation import cppn

    task = _task(staff)
    publish_task(task=task, by=staff)

    def broken(*args, **kwargs):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(cppn, "render", broken)
    with pytest.raises(RuntimeError):
        run_generation_job(job=GenerationJob.objects.get(task=task))
    task.refresh_from_db()
    assert task.state == CreationTask.State.DRAFT
    assert "CUDA out of memory" in task.error
    assert GenerationJob.objects.get(task=task).state == "failed"


def test_unknown_styles_are_refused_when_publishing_a_task(staff):
    with pytest.raises(UnknownGenerator, match="Unknown style"):
        publish_new_task(by=staff, title="Tiny", brief="b", style="no-such-style")
    assert not CreationTask.objects.exists()


def test_web_code_paths_never_import_torch():
    """Pages, API and services load without torch; only workers pay for it."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup();"
        "import config.urls, art_tasks.views, art_tasks.api, generation.services;"
        "from generation.services import known_styles; known_styles();"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_publish_page_lists_the_latest_failed_drafts_and_says_so(client, staff):
    from tests.art_tasks.factories import TaskFactory

    for i in range(21):
        TaskFactory(title=f"Broken {i}", error="The generator ran out of memory.")
    client.force_login(staff)
    page = client.get("/staff/publish/").content.decode()
    assert page.count("ran out of memory") == 20
    assert "Broken 20" in page
    assert "Broken 0”" not in page  # the oldest is left to the admin
    assert "The 20 latest failed drafts are shown" in page
