"""The DCGAN's networks, files and deterministic rendering (no database)."""

import numpy as np
import pytest
import torch

from generation import dcgan

TINY = {"nz": 8, "ngf": 8, "ndf": 8}


@pytest.fixture(autouse=True)
def models_dir(settings, tmp_path):
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    return settings.ATELIER_MODELS_DIR


@pytest.fixture
def weights(models_dir):
    """Save a freshly initialised 16-px generator; return its recipe path."""
    params = dcgan.model_params(size=16, **TINY)
    model = dcgan.build_generator(params, seed=3)
    dcgan.save_generator(model.eval(), models_dir / "tiny" / "1" / "generator.pt")
    return "tiny/1/generator.pt"


def recipe(weights: str, seed: int, size: int = 64) -> dict:
    params = dcgan.model_params(size=16, **TINY)
    return dcgan.make_recipe(
        name="tiny", version="1", weights=weights, params=params, seed=seed, size=size
    )


def pixels(image) -> np.ndarray:
    return np.asarray(image)


@pytest.mark.parametrize("size", [16, 32, 64, 128])
def test_networks_are_built_for_each_training_size(size):
    params = dcgan.model_params(size=size, **TINY)
    generator = dcgan.build_generator(params, seed=0)
    critic = dcgan.build_discriminator(params, seed=1)
    images = generator(torch.randn(2, TINY["nz"], 1, 1))
    assert images.shape == (2, 3, size, size)
    assert images.abs().max() <= 1.0
    assert critic(images).shape == (2,)


def test_other_training_sizes_are_refused():
    with pytest.raises(ValueError, match="16, 32, 64, 128"):
        dcgan.model_params(size=48)


def test_the_same_recipe_paints_identical_pixels(weights):
    recipes = [recipe(weights, seed) for seed in (5, 6, 7)]
    first = dcgan.render(recipes, device="cpu")
    again = dcgan.render(recipes, device="cpu")
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(pixels(a), pixels(b))
    assert not np.array_equal(pixels(first[0]), pixels(first[1]))


def test_a_seed_paints_the_same_alone_or_in_a_batch(weights):
    batch = dcgan.render([recipe(weights, s) for s in range(6)], device="cpu")
    alone = dcgan.render([recipe(weights, 4)], device="cpu")[0]
    assert np.array_equal(pixels(batch[4]), pixels(alone))


def test_images_are_upscaled_to_the_recipe_size(weights):
    big, native = dcgan.render(
        [recipe(weights, 1, size=64), recipe(weights, 1, size=16)], device="cpu"
    )
    assert (big.size, big.mode) == ((64, 64), "RGB")
    assert native.size == (16, 16)


def test_weights_load_once_per_process(weights, monkeypatch):
    loads = []
    real = dcgan.load_generator

    def counting(path, **kwargs):
        loads.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(dcgan, "load_generator", counting)
    dcgan._cached_generator.cache_clear()
    dcgan.render([recipe(weights, 1)], device="cpu")
    dcgan.render([recipe(weights, 2), recipe(weights, 3)], device="cpu")
    assert len(loads) == 1


def test_a_generator_file_round_trips_identical_weights(tmp_path):
    params = dcgan.model_params(size=32, **TINY)
    model = dcgan.build_generator(params, seed=11)
    digest = dcgan.save_generator(model, tmp_path / "g.pt")
    loaded = dcgan.load_generator(tmp_path / "g.pt")
    assert len(digest) == 64
    assert loaded.training is False
    saved, back = model.state_dict(), loaded.state_dict()
    assert saved.keys() == back.keys()
    assert all(torch.equal(saved[k], back[k]) for k in saved)


def test_a_checkpoint_round_trips_networks_optimisers_and_rng(tmp_path):
    params = dcgan.model_params(size=16, **TINY)
    generator = dcgan.build_generator(params, seed=1)
    critic = dcgan.build_discriminator(params, seed=2)
    opt = torch.optim.Adam(generator.parameters(), lr=1e-3)
    generator(torch.randn(2, TINY["nz"], 1, 1)).mean().backward()
    opt.step()
    rng = torch.Generator().manual_seed(9)
    path = tmp_path / "run" / "checkpoint.pt"
    dcgan.save_checkpoint(
        path,
        run=1,
        epoch=3,
        losses=[{"epoch": 3, "d": 1.2, "g": 0.7}],
        generator=generator.state_dict(),
        discriminator=critic.state_dict(),
        opt_g=opt.state_dict(),
        rng={"data": rng.get_state()},
    )
    state = dcgan.load_checkpoint(path)
    assert (state["run"], state["epoch"], state["losses"][0]["g"]) == (1, 3, 0.7)
    for key, value in generator.state_dict().items():
        assert torch.equal(state["generator"][key], value)
    assert torch.equal(
        state["opt_g"]["state"][0]["exp_avg"],
        opt.state[next(iter(generator.parameters()))]["exp_avg"],
    )
    restored = torch.Generator()
    restored.set_state(state["rng"]["data"])
    assert torch.equal(torch.rand(4, generator=restored), torch.rand(4, generator=rng))


def test_names_that_would_leave_the_models_folder_are_refused():
    with pytest.raises(ValueError, match="Unsafe"):
        dcgan.version_dir("../etc", "1")


def test_recipes_refuse_bad_seeds_and_sizes(weights):
    params = dcgan.model_params(size=16, **TINY)
    base = {"name": "tiny", "version": "1", "weights": weights, "params": params}
    with pytest.raises(ValueError, match="non-negative integer"):
        dcgan.make_recipe(**base, seed=-1, size=64)
    with pytest.raises(ValueError, match="outside"):
        dcgan.make_recipe(**base, seed=1, size=4096)
