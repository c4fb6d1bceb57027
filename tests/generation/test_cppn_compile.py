"""The CPPN painter's compiled network: same pictures, one compile per shape.

The first test to render pays the compile (seconds on a small CPU); the
others reuse its graph, since they all paint the same style one image at a
time.
"""

import logging

import numpy as np
import pytest
from torch._dynamo.utils import counters

from generation import cppn

STYLE = "nebula"  # its network uses all three activations


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


@pytest.fixture
def compiled():
    cppn.use_compiled(True)
    yield
    cppn.use_compiled(None)


def test_the_painter_is_eager_unless_asked():
    assert cppn.compiled() is False


@pytest.mark.parametrize(
    ("mode", "outside", "inside"),
    [("auto", False, True), ("on", True, True), ("off", False, False)],
)
def test_atelier_compile_decides_where_the_network_is_compiled(
    settings, mode, outside, inside
):
    from config.celery import app

    @app.task
    def compiled_in_a_task() -> bool:
        return cppn.compiled()

    settings.ATELIER_COMPILE = mode

    try:
        assert cppn.compiled() is outside
        assert compiled_in_a_task.apply().get() is inside
    finally:  # the app's registry lists the site's own tasks only
        app.tasks.unregister(compiled_in_a_task.name)


@pytest.mark.usefixtures("compiled")
def test_compiled_pictures_match_eager_ones_within_a_level():
    recipes = [cppn.make_recipe(style=STYLE, seed=s, size=48) for s in range(3)]
    fast = [pixels(cppn.render_one(r, device="cpu")) for r in recipes]

    assert cppn.compiled() is True  # it did not fall back to eager
    cppn.use_compiled(False)
    for recipe, image in zip(recipes, fast, strict=True):
        diff = np.abs(image - pixels(cppn.render_one(recipe, device="cpu")))
        assert diff.max() <= 2
        assert (diff > 0).mean() < 0.005


@pytest.mark.usefixtures("compiled")
def test_other_sizes_and_band_heights_reuse_the_compiled_network(monkeypatch):
    cppn.render_one(cppn.make_recipe(style=STYLE, seed=1, size=40), device="cpu")
    graphs = counters["stats"]["unique_graphs"]

    monkeypatch.setattr(cppn, "BAND_PIXELS", 57 * 5)  # bands of 5 rows, then 1
    cppn.render_one(cppn.make_recipe(style=STYLE, seed=2, size=56), device="cpu")

    assert graphs >= 1
    assert counters["stats"]["unique_graphs"] == graphs
    assert cppn.compiled() is True


@pytest.mark.usefixtures("compiled")
def test_a_failed_compile_paints_eagerly_with_a_warning(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("no C compiler")

    monkeypatch.setattr(cppn, "_compiled_forward", broken)
    recipe = cppn.make_recipe(style=STYLE, seed=3, size=32)

    with caplog.at_level(logging.WARNING, logger="generation.cppn"):
        image = cppn.render_one(recipe, device="cpu")

    assert cppn.compiled() is False
    assert "painting eagerly" in caplog.text
    cppn.use_compiled(False)
    assert np.array_equal(pixels(image), pixels(cppn.render_one(recipe, device="cpu")))
