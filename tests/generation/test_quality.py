"""Behaviour of the figures a learned generator must pass before publishing."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from generation import corpus, cppn, fastgan, quality

SIZE = 32
STYLES = sorted(cppn.STYLES)
CLASSES = fastgan.default_classes()


def render(seeds: range) -> torch.Tensor:
    """Return CPPN pictures of every style in turn as uint8 (N, 3, H, W)."""
    recipes = [
        cppn.make_recipe(style=STYLES[s % len(STYLES)], seed=s, size=SIZE)
        for s in seeds
    ]
    images = cppn.render(recipes, device="cpu")
    return torch.from_numpy(np.stack([np.asarray(im) for im in images])).permute(
        0, 3, 1, 2
    )


def blobs(images: torch.Tensor) -> torch.Tensor:
    """Return `images` shrunk to 4 px and back, mixed halfway toward grey."""
    small = F.interpolate(images.float(), size=(4, 4), mode="bilinear", antialias=True)
    up = F.interpolate(small, size=images.shape[-2:], mode="bilinear")
    return ((up + 128) / 2).round().to(torch.uint8)


def noise(count: int, *, seed: int = 0) -> torch.Tensor:
    """Return per-pixel static at 64 px, where the static test is sure of it."""
    generator = torch.Generator().manual_seed(seed)
    shape = (count, 3, 64, 64)
    return torch.randint(0, 256, shape, generator=generator, dtype=torch.uint8)


def nudged(images: torch.Tensor, *, seed: int = 0) -> torch.Tensor:
    """Return `images` with every value moved by up to 4 (a recompressed copy)."""
    generator = torch.Generator().manual_seed(seed)
    shift = torch.randint(-4, 5, images.shape, generator=generator)
    return (images.long() + shift).clamp(0, 255).to(torch.uint8)


@pytest.fixture(scope="module")
def samples() -> torch.Tensor:
    return render(range(0, 16))


@pytest.fixture(scope="module")
def held_out() -> torch.Tensor:
    return render(range(100, 116))


@pytest.fixture(scope="module")
def training() -> torch.Tensor:
    return render(range(200, 216))


def test_the_feature_net_is_the_same_network_in_every_build_of_a_seed():
    x = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(1)) * 2 - 1

    with torch.inference_mode():
        first = quality.feature_net()(x)
        again = quality.feature_net()(x)
        other = quality.feature_net(seed=quality.FEATURE_SEED + 1)(x)

    assert torch.equal(first, again)
    assert not torch.allclose(first, other)


def test_building_the_feature_net_leaves_the_global_rng_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    quality.feature_net(seed=5)

    assert torch.equal(torch.rand(3), expected)


def test_the_same_images_always_get_the_same_features(samples):
    assert torch.equal(quality.features(samples), quality.features(samples.clone()))


def test_a_set_is_no_distance_from_itself_and_fresh_seeds_are_close(samples, held_out):
    feats, held = quality.features(samples), quality.features(held_out)

    same, _ = quality.kid(feats, feats)
    fresh, _ = quality.kid(held, feats)

    # The unbiased estimate of a set against itself is slightly negative.
    assert abs(same) < quality.BAR["kid"]
    assert fresh < quality.BAR["kid"]
    assert quality.c2st(samples, samples) == 0.5
    assert quality.c2st(held_out, samples) <= 0.7


def test_blurred_grey_blobs_stand_far_from_real_pictures(samples, held_out):
    held = quality.features(held_out)
    fresh, _ = quality.kid(held, quality.features(samples))
    blurred, _ = quality.kid(held, quality.features(blobs(samples)))

    assert blurred > quality.BAR["kid"] > fresh
    assert quality.c2st(held_out, blobs(samples)) >= 0.9
    assert quality.c2st(held_out, blobs(samples), seed=3) >= 0.9


def test_the_two_sample_test_gives_one_answer_per_seed(samples, held_out):
    first = quality.c2st(held_out, blobs(samples), seed=7)

    assert quality.c2st(held_out, blobs(samples), seed=7) == first


def test_kid_copes_with_sets_smaller_than_its_subsets(samples, held_out):
    mean, std = quality.kid(
        quality.features(held_out), quality.features(samples[:5]), subset_size=1000
    )

    assert np.isfinite(mean)
    assert std >= 0


def test_copies_of_training_images_are_near_copies_and_fresh_seeds_are_not(
    samples, training
):
    copied = quality.nearest_training(training[:6], training)
    recompressed = quality.nearest_training(nudged(training[:6]), training)
    fresh = quality.nearest_training(samples, training)

    assert copied["near_copies"] == 6
    assert copied["min_phash_distance"] == 0
    assert recompressed["near_copies"] == 6
    assert fresh["near_copies"] == 0
    assert fresh["min_phash_distance"] > quality.PHASH_COPY_BITS
    assert fresh["median_feature_ratio"] > 0.5 > copied["median_feature_ratio"]


def test_flat_blank_and_static_pictures_are_counted(samples):
    grey = torch.full((2, 3, SIZE, SIZE), 128, dtype=torch.uint8)
    images = torch.cat([samples[:4], grey, noise(2)[..., ::2, ::2]])

    assert quality.flat_or_static(images).tolist() == [False] * 4 + [True] * 4
    assert quality.flat_fraction(images) == 0.5
    assert quality.flat_fraction(noise(16)) == 1.0
    assert quality.flat_fraction(samples) == 0.0


def test_grey_mud_is_under_the_colourfulness_bar_and_cppn_art_over_it(samples):
    brown = torch.tensor([120, 100, 80], dtype=torch.uint8).view(1, 3, 1, 1)
    mud = ((blobs(samples).long() + brown) // 2).to(torch.uint8)

    assert quality.colourfulness(mud) < quality.BAR["colourfulness"]
    assert quality.colourfulness(samples) > quality.BAR["colourfulness"]


def test_diversity_counts_pairs_of_near_duplicate_samples(samples):
    fresh = quality.diversity(samples[:6])
    repeated = quality.diversity(torch.cat([samples[:6], nudged(samples[:2])]))
    from_pil = quality.diversity(quality.to_pil(samples[:6]))

    assert fresh["near_duplicates"] == 0
    assert repeated["near_duplicates"] == 2
    assert from_pil == fresh
    blurred = quality.diversity(blobs(samples[:6]))
    assert fresh["mean_distance"] > blurred["mean_distance"]


def test_fresh_cppn_pictures_pass_the_bar(samples, held_out, training):
    figures = quality.measure(samples, held_out, training)

    assert quality.passes(figures) == []
    assert json.loads(json.dumps(figures)) == figures
    assert figures["samples"] == 16
    assert figures["feature_seed"] == quality.FEATURE_SEED


def test_the_bar_names_why_a_version_fails(samples, held_out, training):
    copies = quality.passes(quality.measure(training, held_out, training))
    static = quality.passes(quality.measure(noise(16), held_out, training))
    muddy = quality.passes(quality.measure(blobs(samples), held_out, training))

    assert copies == ["16 of 16 samples are near-copies of training images."]
    assert "16 of 16 samples are flat, blank or static" in static[0]
    assert any("colourfulness" in reason for reason in muddy)
    assert any(reason.startswith("KID") for reason in muddy)


def labels_of(seeds: range) -> list[int]:
    return [s % len(STYLES) for s in seeds]


@pytest.fixture(scope="module")
def eight_each() -> tuple[dict, dict]:
    """Eight corpus paintings of every style at 64 px, and eight others."""
    return corpus.bundle(size=64, per_style=8), corpus.bundle(
        size=64, per_style=8, first=8
    )


def test_each_style_varies_like_real_pictures_of_that_style(eight_each):
    samples, held_out = eight_each
    spread = quality.style_diversity(
        samples["images"],
        samples["labels"].tolist(),
        held_out["images"],
        held_out["labels"].tolist(),
        CLASSES,
    )
    # The corpus runs style by style, 8 rows each: keep the first 4 of each.
    four = torch.arange(len(samples["labels"])) % 8 < 4
    few = quality.style_diversity(
        samples["images"][four],
        samples["labels"][four].tolist(),
        held_out["images"],
        held_out["labels"].tolist(),
    )

    assert set(spread) == set(STYLES)
    assert min(spread.values()) >= quality.BAR["style_diversity"]
    assert few == {}  # four pictures of a style say little: not measured


def test_seeds_of_a_style_that_paint_one_picture_fall_below_the_bar(eight_each):
    samples, held_out = eight_each
    images, labels = samples["images"], samples["labels"].tolist()
    # Every seed of a style paints that style's first picture, lightly changed.
    first = {label: i for i, label in reversed(list(enumerate(labels)))}
    collapsed = torch.stack(
        [nudged(images[first[y]][None], seed=i)[0] for i, y in enumerate(labels)]
    )

    def verdict(pictures: torch.Tensor) -> tuple[dict, list[str]]:
        figures = quality.measure(
            pictures,
            held_out["images"],
            corpus.bundle(size=64, per_style=2, first=16)["images"],
            labels=(labels, held_out["labels"].tolist()),
            names=CLASSES,
        )
        return figures, quality.passes(figures)

    figures, reasons = verdict(collapsed)
    assert max(figures["style_diversity"].values()) < 0.1
    assert any(r.startswith("Within a style the samples vary less") for r in reasons)
    assert verdict(images)[1] == []


def test_a_version_that_ignores_the_style_it_is_asked_for_falls_below_the_bar(
    eight_each,
):
    samples, held_out = eight_each
    asked = samples["labels"].tolist()
    held = held_out["labels"].tolist()
    # Each picture is of the next style over from the one asked for.
    wrong = [(y + 1) % len(STYLES) for y in asked]

    right = quality.style_fidelity(samples["images"], asked, held_out["images"], held)
    ignored = quality.style_fidelity(samples["images"], wrong, held_out["images"], held)
    figures = quality.measure(
        samples["images"],
        held_out["images"],
        corpus.bundle(size=64, per_style=2, first=16)["images"],
        labels=(wrong, held),
        names=CLASSES,
    )

    assert right >= quality.BAR["style_fidelity"]
    assert ignored < 0.2
    assert any("ignores the style" in r for r in quality.passes(figures))
