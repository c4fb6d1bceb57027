"""The studio's exact render: a checked recipe applied to the original pixels.

Pillow and numpy only, on the CPU, from the seed at full size and the
contributor's uploaded layer and mask. Every step maps an RGB image to an
RGB image and rounds to 8 bits, and the one random step (grain) draws from
a PCG64 generator seeded by the recipe, so the same recipe and inputs give
identical pixels on every run. The page's canvas preview
(`static/js/studio-tools.js`) follows the same formulas on a downscaled
copy, so it is close but not exact.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from .recipe import RATIOS

Params = dict[str, Any]
RESAMPLE = Image.Resampling.LANCZOS


def _arr(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float32)


def _img(values: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8), "RGB")


def _luma(values: np.ndarray) -> np.ndarray:
    """Return Rec. 601 luminance in 0..1."""
    return (
        values[..., 0] * 0.299 + values[..., 1] * 0.587 + values[..., 2] * 0.114
    ) / 255


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def crop_box(width: int, height: int, p: Params) -> tuple[int, int, int, int]:
    """Return the crop's pixel box (left, top, right, bottom) on this size.

    A preset ratio is exact in pixels: the height follows the width, and the
    box shrinks (keeping its top-left corner) until it fits.
    """
    x0, y0 = round(p["x"] * width), round(p["y"] * height)
    x0, y0 = min(x0, width - 1), min(y0, height - 1)
    w = max(1, min(round(p["w"] * width), width - x0))
    h = max(1, min(round(p["h"] * height), height - y0))
    ratio = RATIOS[p["ratio"]]
    if ratio:
        rw, rh = ratio
        w = min(w, width - x0, (height - y0) * rw // rh)
        w -= w % rw  # a whole number of ratio units: exact in pixels
        w = max(w, rw)
        h = w * rh // rw
    return x0, y0, x0 + w, y0 + h


def crop(image: Image.Image, p: Params) -> Image.Image:
    return image.crop(crop_box(*image.size, p))


_QUARTERS = {
    1: Image.Transpose.ROTATE_270,  # Pillow turns counter-clockwise
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_90,
}


def straighten_box(width: int, height: int, angle: float) -> tuple[int, int]:
    """Return the largest same-shaped box inside the picture turned by `angle`."""
    a = math.radians(abs(angle))
    c, s = math.cos(a), math.sin(a)
    scale = min(width / (width * c + height * s), height / (width * s + height * c))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def rotate(image: Image.Image, p: Params) -> Image.Image:
    """Turn by quarter turns (clockwise), then straighten by a fine angle.

    Straightening crops to the largest box without empty corners.
    """
    if p["quarter"]:
        image = image.transpose(_QUARTERS[p["quarter"]])
    if p["angle"]:
        width, height = image.size
        turned = image.rotate(-p["angle"], resample=Image.Resampling.BICUBIC)
        w, h = straighten_box(width, height, p["angle"])
        left, top = (width - w) // 2, (height - h) // 2
        image = turned.crop((left, top, left + w, top + h))
    return image


def flip(image: Image.Image, p: Params) -> Image.Image:
    if p["axis"] == "h":
        return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def levels(image: Image.Image, p: Params) -> Image.Image:
    x = np.arange(256, dtype=np.float64)
    x = np.clip((x - p["black"]) / (p["white"] - p["black"]), 0, 1)
    lut = np.rint(255 * x ** (1 / p["gamma"])).astype(int).tolist()
    return image.point(lut * 3)


def curves(image: Image.Image, p: Params) -> Image.Image:
    """Map each channel through the straight segments between the points."""
    xs, ys = zip(*p["points"], strict=True)
    lut = np.rint(np.interp(np.arange(256), xs, ys)).astype(int).tolist()
    return image.point(lut * 3)


def _gradient(image: Image.Image, colours: list[str]) -> Image.Image:
    luma = _luma(_arr(image))
    stops = np.linspace(0, 1, len(colours))
    table = np.stack([_rgb(c) for c in colours])  # (n, 3)
    out = np.stack([np.interp(luma, stops, table[:, i]) for i in range(3)], axis=-1)
    return _img(out)


def duotone(image: Image.Image, p: Params) -> Image.Image:
    return _gradient(image, [p["shadow"], p["highlight"]])


def gradient_map(image: Image.Image, p: Params) -> Image.Image:
    return _gradient(image, p["colours"])


def halftone(image: Image.Image, p: Params) -> Image.Image:
    """Ink dots on a turned grid, each as large as its cell is dark."""
    width, height = image.size
    cell = max(2.0, p["size"] * min(width, height))
    smooth = image.convert("L").filter(ImageFilter.GaussianBlur(cell / 2))
    darkness = 1 - np.asarray(smooth, dtype=np.float32) / 255
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    a = math.radians(p["angle"])
    u = xs * math.cos(a) + ys * math.sin(a)
    v = -xs * math.sin(a) + ys * math.cos(a)
    du = u - (np.floor(u / cell) + 0.5) * cell
    dv = v - (np.floor(v / cell) + 0.5) * cell
    dist = np.sqrt(du * du + dv * dv)
    radius = cell * np.sqrt(darkness / math.pi)
    ink = np.clip(radius - dist + 0.5, 0, 1)
    dots = (255 * (1 - ink))[..., None]
    out = _arr(image) * (1 - p["mix"]) + dots * p["mix"]
    return _img(out)


def grain(image: Image.Image, p: Params) -> Image.Image:
    width, height = image.size
    rng = np.random.Generator(np.random.PCG64(p["seed"]))
    shape = (height, width, 1) if p["mono"] else (height, width, 3)
    noise = rng.standard_normal(shape, dtype=np.float32) * (64 * p["amount"])
    return _img(_arr(image) + noise)


def blur(image: Image.Image, p: Params) -> Image.Image:
    radius = p["radius"] * min(image.size)
    return image.filter(ImageFilter.GaussianBlur(radius)) if radius > 0 else image


def sharpen(image: Image.Image, p: Params) -> Image.Image:
    radius = p["radius"] * min(image.size)
    percent = round(p["amount"] * 100)
    return image.filter(ImageFilter.UnsharpMask(radius, percent, threshold=0))


def posterise(image: Image.Image, p: Params) -> Image.Image:
    n = p["levels"] - 1
    return _img(np.rint(_arr(image) / 255 * n) * (255 / n))


def colour_balance(image: Image.Image, p: Params) -> Image.Image:
    shift = np.array([p["r"], p["g"], p["b"]], dtype=np.float32)
    return _img(_arr(image) + shift)


def _mode(mode: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if mode == "multiply":
        return a * b
    if mode == "screen":
        return 1 - (1 - a) * (1 - b)
    if mode == "overlay":
        return np.where(a < 0.5, 2 * a * b, 1 - 2 * (1 - a) * (1 - b))
    if mode == "soft_light":  # the "pegtop" formula: smooth, no seams
        return (1 - 2 * b) * a * a + 2 * b * a
    if mode == "difference":
        return np.abs(a - b)
    return b


def blend_mask(
    width: int, height: int, p: Params, upload: Image.Image | None
) -> np.ndarray:
    """Return the blend's mask in 0..1, shaped (height, width)."""
    if p["mask"] == "upload" and upload is not None:
        fitted = ImageOps.fit(upload.convert("L"), (width, height), RESAMPLE)
        mask = np.asarray(fitted, dtype=np.float32) / 255
    elif p["mask"] == "linear":
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
        a = math.radians(p["angle"])
        proj = (xs - width / 2) * math.cos(a) + (ys - height / 2) * math.sin(a)
        half = (abs(width * math.cos(a)) + abs(height * math.sin(a))) / 2
        mask = np.clip(0.5 + proj / (2 * half), 0, 1)
    elif p["mask"] == "radial":
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
        dist = np.hypot(xs - p["cx"] * width, ys - p["cy"] * height)
        mask = np.clip(1 - dist / (p["radius"] * max(width, height)), 0, 1)
    else:
        mask = np.ones((height, width), dtype=np.float32)
    return 1 - mask if p["invert"] else mask


def blend(
    image: Image.Image,
    p: Params,
    *,
    layer: Image.Image | None = None,
    mask: Image.Image | None = None,
) -> Image.Image:
    """Blend the uploaded layer over the image, fitted to cover it."""
    if layer is None:
        return image
    size = image.size
    fitted = ImageOps.fit(layer.convert("RGBA"), size, RESAMPLE)
    top = np.asarray(fitted, dtype=np.float32) / 255
    a = _arr(image) / 255
    mixed = _mode(p["mode"], a, top[..., :3])
    weight = top[..., 3] * blend_mask(*size, p, mask) * p["opacity"]
    return _img((a + (mixed - a) * weight[..., None]) * 255)


OPERATIONS: dict[str, Callable[..., Image.Image]] = {
    "crop": crop,
    "rotate": rotate,
    "flip": flip,
    "levels": levels,
    "curves": curves,
    "duotone": duotone,
    "gradient_map": gradient_map,
    "halftone": halftone,
    "grain": grain,
    "blur": blur,
    "sharpen": sharpen,
    "posterise": posterise,
    "colour_balance": colour_balance,
    "blend": blend,
}


def render(
    seed: Image.Image,
    steps: list[dict[str, Any]],
    *,
    layer: Image.Image | None = None,
    mask: Image.Image | None = None,
) -> Image.Image:
    """Return `seed` with the checked `steps` applied, as an RGB image."""
    image = seed.convert("RGB")
    for step in steps:
        operation = OPERATIONS[step["op"]]
        if step["op"] == "blend":
            image = operation(image, step["params"], layer=layer, mask=mask)
        else:
            image = operation(image, step["params"])
    return image


def png_bytes(image: Image.Image) -> bytes:
    """Return `image` as PNG bytes, with no metadata (same pixels, same bytes)."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()
