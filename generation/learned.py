"""Paint seeds with a registered version of the data-efficient GAN.

`generation.fastgan` holds the networks and `generation.gan_train` trains
them; this module makes recipes for a registered version and renders them,
loading each weights file once per process and device. A recipe names its
style (a class the version was trained on): a task's style when the version
knows it, else one picked by the seed.

Only worker code paths import this module: it imports torch.
"""

from __future__ import annotations

import functools
from pathlib import Path

import torch
from PIL import Image

from generation import dcgan, fastgan, gan_train

ARCHITECTURE = fastgan.FASTGAN


def make_recipe(
    *,
    name: str,
    version: str,
    weights: str,
    params: dict,
    seed: int,
    size: int,
    style: str | None = None,
) -> dict:
    """Return the JSON-ready recipe for image `seed` of a registered version."""
    dcgan.check_seed_and_size(seed, size)
    label = fastgan.label_of(params, style, seed)
    recipe = {
        "generator": name,
        "version": version,
        "architecture": ARCHITECTURE,
        "seed": seed,
        "style": params["classes"][label],
        "label": label,
        "size": size,
        "train_size": int(params["size"]),
        "nz": int(params["nz"]),
        "weights": weights,
        "upsample": "bicubic-antialias",
    }
    if params.get("weights_sha256"):
        recipe["weights_sha256"] = params["weights_sha256"]
    return recipe


@functools.lru_cache(maxsize=8)
def _cached(path: str, stamp: int, device: str) -> fastgan.Generator:
    return gan_train.load_generator(path, device=device)


def render(recipes: list[dict], device: object = None) -> list[Image.Image]:
    """Render `recipes` to RGB images, in order, batched per weights file and size."""
    dev = torch.device(device) if device is not None else dcgan.pick_device()
    groups: dict[tuple[Path, int], list[int]] = {}
    for i, recipe in enumerate(recipes):
        if recipe.get("architecture") != ARCHITECTURE:
            raise ValueError(f"Recipe is not for {ARCHITECTURE}: {recipe!r}.")
        path = dcgan.weights_path(recipe["weights"], recipe.get("weights_sha256", ""))
        groups.setdefault((path, recipe["size"]), []).append(i)
    images: list[Image.Image | None] = [None] * len(recipes)
    for (path, size), indexes in groups.items():
        model = _cached(str(path), path.stat().st_mtime_ns, str(dev))
        seeds = [recipes[i]["seed"] for i in indexes]
        labels = [recipes[i]["label"] for i in indexes]
        pixels = fastgan.sample(model, seeds, labels, dev, size=size)
        array = pixels.permute(0, 2, 3, 1).cpu().numpy()
        for i, rgb in zip(indexes, array, strict=True):
            images[i] = Image.fromarray(rgb)
    return images  # type: ignore[return-value]
