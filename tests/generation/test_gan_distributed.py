"""The learned generator trains the same on one process or two, and survives a kill.

Each test runs `generation.gan_train` as separate processes: alone, and as
two gloo processes under ``torchrun`` on the CPU, on a bundle of CPPN
paintings at 32 px. No database is involved.

Tolerance: two processes sum their gradients in another order than one
process does, so weights agree to float rounding amplified by a few
optimiser steps. After 10 steps (each moving a weight by up to about
2e-4) they agree within 1e-3, while a run with another seed is off by
more than 1e-2.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from generation import cppn, fastgan

ROOT = Path(__file__).resolve().parents[2]
CONFIG = {"size": 32, "batch_size": 8, "epochs": 2, "steps_per_epoch": 5}
TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    classes = fastgan.default_classes()
    recipes = [
        cppn.make_recipe(style=style, seed=500 + i, size=32)
        for style in sorted(cppn.STYLES)
        for i in range(2)
    ]
    images = cppn.render(recipes, device="cpu")
    pixels = np.stack([np.asarray(im) for im in images])
    path = tmp_path_factory.mktemp("bundle") / "bundle.pt"
    torch.save(
        {
            "images": torch.from_numpy(pixels).permute(0, 3, 1, 2).contiguous(),
            "labels": torch.tensor([classes.index(r["style"]) for r in recipes]),
            # Later paintings count double, as better-scored work does.
            "weights": torch.tensor([1.0 + (i % 2) for i in range(len(recipes))]),
        },
        path,
    )
    return path


def command(bundle: Path, out: Path, *, processes: int, **config: object) -> list[str]:
    args = ["--data", str(bundle), "--out", str(out)]
    args += ["--config", json.dumps({**CONFIG, **config})]
    if processes == 1:
        return [sys.executable, "-m", "generation.gan_train", *args]
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc-per-node={processes}",
        "-m",
        "generation.gan_train",
        *args,
    ]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def train(bundle: Path, out: Path, *, processes: int, **config: object) -> dict:
    done = subprocess.run(
        command(bundle, out, processes=processes, **config),
        env=environment(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((out / "record.json").read_text())


def weights(out: Path) -> dict[str, torch.Tensor]:
    return torch.load(out / "generator.pt", weights_only=True)["state_dict"]


def largest_difference(a: dict, b: dict) -> float:
    return max((a[k] - b[k]).abs().max().item() for k in a)


@pytest.fixture(scope="module")
def two_processes(bundle, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("two")
    record = train(bundle, out, processes=2)
    assert record["world_size"] == 2
    return out


def test_two_gloo_processes_train_what_one_process_trains(
    bundle, two_processes, tmp_path
):
    one = train(bundle, tmp_path / "one", processes=1)
    other_seed = train(bundle, tmp_path / "seed", processes=1, seed=7)

    alone, shared = weights(tmp_path / "one"), weights(two_processes)
    assert one["world_size"] == 1
    assert one["steps"] == 10
    assert largest_difference(alone, shared) < TOLERANCE
    assert largest_difference(alone, weights(tmp_path / "seed")) > 10 * TOLERANCE
    curve = json.loads((two_processes / "record.json").read_text())["curve"]
    for a, b in zip(one["curve"], curve, strict=True):
        assert abs(a["d"] - b["d"]) < TOLERANCE
        assert abs(a["g"] - b["g"]) < TOLERANCE
    assert other_seed["curve"][0]["d"] != pytest.approx(one["curve"][0]["d"], abs=1e-3)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def checkpoint_step(out: Path) -> int:
    path = out / "checkpoint.pt"
    if not path.exists():
        return 0
    return torch.load(path, weights_only=True)["step"]


def test_a_run_whose_rank_is_killed_mid_epoch_resumes_to_the_same_weights(
    bundle, two_processes, tmp_path
):
    out = tmp_path / "killed"
    # Checkpoints every 2 steps; epochs of 5 steps, so step 2 is mid-epoch.
    config = {"checkpoint_every": 2}
    launcher = subprocess.Popen(
        command(bundle, out, processes=2, **config),
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while checkpoint_step(out) < 2:
            assert launcher.poll() is None, "the run ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        step = checkpoint_step(out)
        ranks = children(launcher.pid)
        assert len(ranks) == 2
        os.kill(ranks[-1], signal.SIGKILL)
        assert launcher.wait(timeout=120) != 0
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert 0 < step < 10, step
    assert step % 5 != 0, step  # killed inside an epoch
    assert not (out / "generator.pt").exists()

    record = train(bundle, out, processes=2, **config)

    assert record["steps"] == 10
    assert largest_difference(weights(out), weights(two_processes)) < TOLERANCE
    first = json.loads((two_processes / "record.json").read_text())["curve"]
    for resumed, whole in zip(record["curve"], first, strict=True):
        assert resumed["d"] == pytest.approx(whole["d"], abs=TOLERANCE)
