"""`manage.py train_generator` under `torchrun`: two gloo ranks, one run shown.

Rank 0 reads the gallery from the database and sends the bundle to rank 1;
both train, rank 0 writes the heartbeats and registers the version. The
processes see the test database, so these tests commit their rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings

from generation.models import GeneratorModel, TrainingRun
from tests.art_tasks.factories import OpenTaskFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def models_dir(settings, tmp_path):
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    return settings.ATELIER_MODELS_DIR


def torchrun(*words: str, models_dir: Path, timeout: int = 300):
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "ATELIER_MODELS_DIR": str(models_dir),
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node=2",
            "manage.py",
            "train_generator",
            *words,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_two_ranks_train_one_run_that_the_generators_page_shows(
    staff, client, models_dir
):
    OpenTaskFactory(created_by=staff, seed_count=8, style="ink")

    done = torchrun(
        "--name",
        "crowd",
        "--architecture",
        "fastgan",
        "--size",
        "32",
        "--epochs",
        "2",
        "--batch-size",
        "16",
        models_dir=models_dir,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert "on 2 processes" in done.stdout
    assert "Registered crowd@1" in done.stdout
    # Rank 0 alone speaks: one progress line per epoch, not one per rank.
    assert done.stdout.count("epoch 2/2 [") == 1
    run = TrainingRun.objects.get()
    assert (run.state, run.epochs_done, run.device) == ("done", 2, "cpu × 2 processes")
    model = GeneratorModel.objects.get()
    assert model.training["world_size"] == 2
    assert [p["epoch"] for p in model.training["losses"]] == [1, 2]
    assert (models_dir / "crowd/1/generator.pt").exists()
    client.force_login(staff)
    page = client.get("/staff/generators/").content.decode()
    assert "cpu × 2 processes" in page
    assert "crowd@1" in page


def test_the_other_rank_stops_when_rank_zero_refuses_the_run(models_dir):
    done = torchrun("--resume", "987654", models_dir=models_dir, timeout=120)

    assert done.returncode != 0
    assert "There is no training run 987654." in done.stderr
