"""Behaviour of the CPPN seed painter: recipes, determinism and how images look."""

import json

import numpy as np
import pytest
import torch

from generation import cppn

SMALL = 64


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def luminance(image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.float64)


def test_there_are_at_least_six_styles_listed_by_name_with_descriptions():
    listed = cppn.list_styles()

    assert len(listed) >= 6
    assert [name for name, _ in listed] == sorted(cppn.STYLES)
    assert all(description.strip() for _, description in listed)
    assert cppn.DEFAULT_STYLE in cppn.STYLES


def test_every_style_offers_several_palettes():
    for name, style in cppn.STYLES.items():
        assert len(style.palettes) >= 3, name


def test_pick_device_uses_cuda_only_when_present():
    expected = "cuda" if torch.cuda.is_available() else "cpu"

    assert cppn.pick_device().type == expected


def test_recipe_holds_the_whole_genome_as_json():
    recipe = cppn.make_recipe(style="ink", seed=7, size=128)

    assert json.loads(json.dumps(recipe)) == recipe
    assert recipe["generator"] == "cppn"
    assert recipe["version"] == cppn.GENERATOR_VERSION
    assert (recipe["style"], recipe["seed"], recipe["size"]) == ("ink", 7, 128)
    assert all(colour.startswith("#") for colour in recipe["palette"])
    assert {"width", "activations"} <= recipe["architecture"].keys()
    assert len(recipe["latent"]) == recipe["architecture"]["latent_dim"]
    assert isinstance(recipe["weights_seed"], int)


def test_same_arguments_give_the_same_recipe_and_other_seeds_another():
    first = cppn.make_recipe(style="neon", seed=3, size=64)

    assert cppn.make_recipe(style="neon", seed=3, size=64) == first
    assert cppn.make_recipe(style="neon", seed=4, size=64) != first


def test_unknown_style_is_refused_with_the_known_ones_named():
    with pytest.raises(ValueError, match="Unknown style 'cubism'.*nebula"):
        cppn.make_recipe(style="cubism", seed=0, size=64)


@pytest.mark.parametrize("size", [0, 15, 2049, 10_000, "64", 64.0, True])
def test_size_outside_16_to_2048_is_refused(size):
    with pytest.raises(ValueError, match="[Ss]ize"):
        cppn.make_recipe(style="nebula", seed=0, size=size)


def test_rendering_a_recipe_twice_gives_identical_pixels():
    recipe = cppn.make_recipe(style="stained-glass", seed=11, size=SMALL)

    first = cppn.render_one(recipe, device="cpu")
    second = cppn.render_one(recipe, device="cpu")

    assert first.mode == "RGB"
    assert first.size == (SMALL, SMALL)
    assert np.array_equal(pixels(first), pixels(second))


def test_recipe_read_back_from_json_renders_identical_pixels():
    recipe = cppn.make_recipe(style="watercolour", seed=5, size=SMALL)
    restored = json.loads(json.dumps(recipe))

    assert np.array_equal(
        pixels(cppn.render_one(recipe, device="cpu")),
        pixels(cppn.render_one(restored, device="cpu")),
    )


def test_different_seeds_give_different_images():
    recipes = [cppn.make_recipe(style="nebula", seed=s, size=SMALL) for s in range(4)]
    images = [pixels(im) for im in cppn.render(recipes, device="cpu")]

    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert np.abs(images[i] - images[j]).mean() > 5, (i, j)


def test_a_batch_of_mixed_styles_and_sizes_comes_back_in_order():
    recipes = [
        cppn.make_recipe(style="neon", seed=1, size=48),
        cppn.make_recipe(style="marble", seed=2, size=32),
        cppn.make_recipe(style="neon", seed=3, size=48),
        cppn.make_recipe(style="riso", seed=4, size=40),
    ]

    images = cppn.render(recipes, device="cpu")

    assert [im.size for im in images] == [(48, 48), (32, 32), (48, 48), (40, 40)]
    for recipe, image in zip(recipes, images, strict=True):
        alone = cppn.render_one(recipe, device="cpu")
        assert np.array_equal(pixels(image), pixels(alone))


def test_large_images_render_in_bands_without_seams(monkeypatch):
    recipe = cppn.make_recipe(style="topographic", seed=2, size=96)
    whole = cppn.render_one(recipe, device="cpu")

    monkeypatch.setattr(cppn, "BAND_PIXELS", 97 * 7)  # bands of 7 rows
    banded = cppn.render_one(recipe, device="cpu")

    assert np.array_equal(pixels(whole), pixels(banded))


@pytest.mark.parametrize("style", sorted(cppn.STYLES))
def test_every_style_paints_structured_images_not_blanks_or_static(style):
    recipes = [cppn.make_recipe(style=style, seed=s, size=SMALL) for s in range(4)]

    for recipe, image in zip(recipes, cppn.render(recipes, device="cpu"), strict=True):
        light = luminance(image)
        # A flat or near-blank picture has almost no spread of brightness.
        assert light.std() > 10, (recipe["seed"], light.std())
        # Shapes survive averaging 4x4 blocks; per-pixel static would not
        # (its ratio is about 0.25).
        blocks = light.reshape(SMALL // 4, 4, SMALL // 4, 4).mean(axis=(1, 3))
        assert blocks.std() / light.std() > 0.3, recipe["seed"]


def test_styles_look_different_from_one_another():
    means = {}
    for style in cppn.STYLES:
        recipes = [cppn.make_recipe(style=style, seed=s, size=32) for s in range(3)]
        images = cppn.render(recipes, device="cpu")
        means[style] = np.mean([pixels(im).reshape(-1, 3).mean(0) for im in images], 0)

    assert means["nebula"].mean() < means["watercolour"].mean() - 60
    assert means["neon"].mean() < means["ink"].mean() - 60


def test_render_refuses_a_recipe_from_another_generator():
    recipe = {**cppn.make_recipe(style="ink", seed=0, size=32), "generator": "gan"}

    with pytest.raises(ValueError, match="generator 'gan'"):
        cppn.render([recipe], device="cpu")


def test_sixty_four_seeds_of_the_default_style_have_no_near_duplicates():
    from itertools import combinations

    from art_tasks.imaging import difference_hash

    style = cppn.DEFAULT_STYLE
    recipes = [cppn.make_recipe(style=style, seed=s, size=SMALL) for s in range(64)]
    hashes = [int(difference_hash(im), 16) for im in cppn.render(recipes, device="cpu")]

    # Near-duplicates differ in a handful of the 64 hash bits, unrelated
    # pictures in about half of them.
    closest = min(bin(a ^ b).count("1") for a, b in combinations(hashes, 2))
    assert closest >= 8, closest
