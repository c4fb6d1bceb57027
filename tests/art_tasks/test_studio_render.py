"""The studio's exact render: every step is deterministic and does what it says.

These run on Pillow images alone (no database): the same recipe and inputs
must give identical pixels, and each operation must change the picture the
way a person using it would expect.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from art_tasks.errors import InvalidRecipe
from art_tasks.recipe import MAX_STEPS, OPS, clean_steps
from art_tasks.studio_render import png_bytes, render


def gradient(width: int = 120, height: int = 90) -> Image.Image:
    """Return a colourful picture: red across, green down, blue in rings."""
    ys, xs = np.mgrid[0:height, 0:width]
    r = xs * 255 / (width - 1)
    g = ys * 255 / (height - 1)
    b = 127 + 127 * np.sin(np.hypot(xs - width / 2, ys - height / 2) / 6)
    pixels = np.stack([r, g, b], axis=-1).round().astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def layer_image(width: int = 60, height: int = 60) -> Image.Image:
    ys, xs = np.mgrid[0:height, 0:width]
    v = ((xs // 10 + ys // 10) % 2) * 200 + 30
    return Image.fromarray(np.stack([v, v // 2, 255 - v], -1).astype(np.uint8), "RGB")


def run(steps: list[dict], **kwargs) -> Image.Image:
    has_layer = kwargs.get("layer") is not None
    clean = clean_steps(steps, has_layer=has_layer, has_mask="mask" in kwargs)
    return render(gradient(), clean, **kwargs)


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


# One step per operation, with values that visibly change the picture.
EXAMPLES = {
    "crop": {"x": 0.1, "y": 0.2, "w": 0.5, "h": 0.5},
    "rotate": {"quarter": 1, "angle": 7.5},
    "flip": {"axis": "v"},
    "levels": {"black": 40, "white": 200, "gamma": 1.6},
    "curves": {"points": [[0, 0], [64, 30], [192, 230], [255, 255]]},
    "duotone": {"shadow": "#102030", "highlight": "#f0c080"},
    "gradient_map": {"colours": ["#000000", "#b4441f", "#ffffff"]},
    "halftone": {"size": 0.06, "angle": 30, "mix": 1},
    "grain": {"amount": 0.5, "seed": 7, "mono": False},
    "blur": {"radius": 0.03},
    "sharpen": {"amount": 2, "radius": 0.01},
    "posterise": {"levels": 3},
    "colour_balance": {"r": 40, "g": -20, "b": 10},
    "blend": {"mode": "overlay", "opacity": 0.8, "mask": "radial"},
}


def test_every_operation_has_an_example():
    assert set(EXAMPLES) == set(OPS)


@pytest.mark.parametrize("op", sorted(EXAMPLES))
def test_each_step_renders_identical_pixels_every_time_and_changes_them(op):
    steps = [{"op": op, "params": EXAMPLES[op]}]
    extra = {"layer": layer_image()} if op == "blend" else {}
    first = run(steps, **extra)
    second = run(steps, **extra)
    assert png_bytes(first) == png_bytes(second)
    original = gradient()
    changed = first.size != original.size or bool(
        (pixels(first) != pixels(original)).any()
    )
    assert changed is True


def test_a_long_recipe_renders_identical_pixels_every_time():
    steps = [{"op": op, "params": EXAMPLES[op]} for op in sorted(EXAMPLES)]
    first = run(steps, layer=layer_image())
    second = run(steps, layer=layer_image())
    assert np.array_equal(pixels(first), pixels(second))


def test_posterise_leaves_only_its_levels_of_each_channel():
    before = len(np.unique(pixels(gradient())[..., 0]))
    after = pixels(run([{"op": "posterise", "params": {"levels": 3}}]))
    assert before > 3
    assert sorted(np.unique(after[..., 0])) == [0, 128, 255]
    assert len(np.unique(after.reshape(-1, 3), axis=0)) <= 27


@pytest.mark.parametrize(
    ("ratio", "shape"),
    [("1:1", (1, 1)), ("4:5", (4, 5)), ("3:2", (3, 2)), ("16:9", (16, 9))],
)
def test_a_preset_crop_gives_exactly_its_ratio(ratio, shape):
    out = run(
        [{"op": "crop", "params": {"ratio": ratio, "x": 0.05, "y": 0.1, "w": 0.9}}]
    )
    width, height = out.size
    assert width * shape[1] == height * shape[0]
    assert width <= 120
    assert height <= 90


def test_a_free_crop_keeps_the_chosen_box():
    out = run([{"op": "crop", "params": {"x": 0.5, "y": 0.5, "w": 0.5, "h": 0.5}}])
    assert out.size == (60, 45)
    assert out.getpixel((0, 0)) == gradient().getpixel((60, 45))


def test_quarter_turns_swap_the_sides_and_flips_mirror():
    turned = run([{"op": "rotate", "params": {"quarter": 1}}])
    assert turned.size == (90, 120)
    # Clockwise: the top-left corner of the seed ends at the top right.
    assert turned.getpixel((89, 0)) == gradient().getpixel((0, 0))
    flipped = run([{"op": "flip", "params": {"axis": "h"}}])
    assert flipped.getpixel((0, 10)) == gradient().getpixel((119, 10))


def test_straightening_crops_away_the_empty_corners():
    out = run([{"op": "rotate", "params": {"angle": 12}}])
    assert out.size[0] < 120
    assert out.size[1] < 90
    corners = [(0, 0), (out.width - 1, 0), (0, out.height - 1)]
    assert all(out.getpixel(c) != (0, 0, 0) for c in corners)


def test_duotone_maps_dark_to_the_shadow_and_light_to_the_highlight():
    black_white = Image.new("RGB", (2, 1))
    black_white.putpixel((1, 0), (255, 255, 255))
    steps = clean_steps(
        [{"op": "duotone", "params": {"shadow": "#102030", "highlight": "#F0C080"}}]
    )
    out = render(black_white, steps)
    assert out.getpixel((0, 0)) == (0x10, 0x20, 0x30)
    assert out.getpixel((1, 0)) == (0xF0, 0xC0, 0x80)


def test_grain_depends_on_its_seed_only():
    one = run([{"op": "grain", "params": {"amount": 0.4, "seed": 1}}])
    again = run([{"op": "grain", "params": {"amount": 0.4, "seed": 1}}])
    other = run([{"op": "grain", "params": {"amount": 0.4, "seed": 2}}])
    assert np.array_equal(pixels(one), pixels(again))
    assert not np.array_equal(pixels(one), pixels(other))


def test_blur_smooths_and_sharpen_adds_contrast_at_edges():
    base = pixels(gradient()).astype(float)
    blurred = pixels(run([{"op": "blur", "params": {"radius": 0.05}}])).astype(float)
    sharp = pixels(run([{"op": "sharpen", "params": {"amount": 3}}])).astype(float)
    roughness = lambda a: np.abs(np.diff(a[..., 2], axis=1)).mean()  # noqa: E731
    assert roughness(blurred) < roughness(base) < roughness(sharp)


def test_multiply_darkens_screen_lightens_and_difference_with_itself_is_black():
    seed = gradient()
    base = pixels(seed).astype(int)
    multiply = run(
        [{"op": "blend", "params": {"mode": "multiply"}}], layer=layer_image()
    )
    screen = run([{"op": "blend", "params": {"mode": "screen"}}], layer=layer_image())
    assert (pixels(multiply) <= base).all()
    assert (pixels(multiply) < base).any()
    assert (pixels(screen) >= base).all()
    assert (pixels(screen) > base).any()
    itself = render(
        seed,
        clean_steps(
            [{"op": "blend", "params": {"mode": "difference"}}], has_layer=True
        ),
        layer=seed,
    )
    assert pixels(itself).max() == 0


def test_a_blend_at_zero_opacity_or_outside_its_mask_leaves_the_seed():
    layer = layer_image()
    faded = run([{"op": "blend", "params": {"opacity": 0}}], layer=layer)
    assert np.array_equal(pixels(faded), pixels(gradient()))
    radial = run(
        [{"op": "blend", "params": {"mask": "radial", "radius": 0.2}}], layer=layer
    )
    assert radial.getpixel((0, 0)) == gradient().getpixel((0, 0))
    assert radial.getpixel((60, 45)) != gradient().getpixel((60, 45))


def test_an_uploaded_mask_chooses_where_the_layer_shows():
    mask = Image.new("L", (120, 90), 0)
    mask.paste(255, (60, 0, 120, 90))  # right half only
    out = run(
        [{"op": "blend", "params": {"mask": "upload"}}], layer=layer_image(), mask=mask
    )
    assert out.getpixel((10, 40)) == gradient().getpixel((10, 40))
    assert out.getpixel((110, 40)) != gradient().getpixel((110, 40))


# The recipe check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ({"op": "blur"}, "must be a list"),
        ([{"op": "melt", "params": {}}], "unknown operation 'melt'"),
        ([{"op": "blur", "params": {"size": 3}}], "unknown parameter 'size'"),
        ([{"op": "blur", "params": {"radius": 2}}], "radius must be between"),
        ([{"op": "posterise", "params": {"levels": 2.5}}], "whole number"),
        ([{"op": "posterise", "params": {"levels": "4"}}], "must be a number"),
        ([{"op": "crop", "params": {"x": 0.6, "w": 0.6}}], "inside the picture"),
        ([{"op": "crop", "params": {"ratio": "2:1"}}], "ratio must be one of"),
        ([{"op": "duotone", "params": {"shadow": "red"}}], "colour like"),
        ([{"op": "levels", "params": {"black": 200, "white": 100}}], "white must be"),
        (
            [{"op": "curves", "params": {"points": [[0, 0], [0, 255]]}}],
            "x must increase",
        ),
        ([{"op": "blend", "params": {}}], "upload the layer"),
        ([{"op": "blur", "params": {}}] * (MAX_STEPS + 1), f"at most {MAX_STEPS}"),
        ([["blur"]], "must be an object"),
    ],
)
def test_a_bad_recipe_is_refused_with_the_reason(steps, message):
    with pytest.raises(InvalidRecipe, match=message):
        clean_steps(steps)


def test_a_checked_recipe_is_canonical():
    clean = clean_steps([{"op": "grain", "params": {"amount": 0.25}}])
    assert clean == [
        {"op": "grain", "params": {"amount": 0.25, "seed": 0, "mono": True}}
    ]
