"""bench/generation.py's learned-generator figures, run on a tiny DCGAN."""

import importlib.util
import sys
from pathlib import Path

import pytest
import torch

from generation import dcgan, fastgan

BENCH = Path(__file__).resolve().parents[2] / "bench" / "generation.py"
CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_generation", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture
def tiny():
    return dcgan.model_params(size=16, nz=8, ngf=4, ndf=4)


def test_sampling_flops_counted_by_torch_are_the_dcgan_gemms(bench, tiny):
    figures = bench.learned_figures(bench.dcgan_model(tiny), 2, CPU)

    gemms = sum(2 * r * k * c for _, r, k, c in dcgan.layer_flops(tiny))
    assert figures["sample_gflop_per_image"] * 1e9 == pytest.approx(gemms)
    # G forward twice, D forward three times, and their backward passes.
    assert figures["train_gflop_per_image"] > 3 * figures["sample_gflop_per_image"]
    assert figures["sample_ips"] > 0
    assert figures["train_ips"] > 0


def test_a_training_step_moves_both_networks(bench, tiny):
    model = bench.dcgan_model(tiny)
    g, d = model.generator(), model.discriminator()
    before = [p.detach().clone() for p in (*g.parameters(), *d.parameters())]
    built = bench.Learned(model.name, model.size, model.nz, lambda: g, lambda: d)

    bench.trainer(built, 2, CPU)()

    after = list((*g.parameters(), *d.parameters()))
    moved = [not torch.equal(a, b) for a, b in zip(before, after, strict=True)]
    assert all(moved)


def test_both_learned_networks_are_timed(bench):
    models = bench.learned_generators()

    assert [m.name for m in models] == ["dcgan", "fastgan"]
    fast = models[1]
    labels = torch.zeros(2).long()
    images = fast.generator()(torch.randn(2, fastgan.DEFAULTS["nz"]), labels)
    assert images.shape[:2] == (2, 3)
