"""The synthetic corpus a learned generator starts from: CPPN paintings in every style.

A new site has no gallery yet, but it has the CPPN painter: a few dozen of
its paintings per style, at the training size, give the learned generator
something to learn before the crowd has accepted any work. The seeds are
fixed (`SEED` on), so the corpus of a size is the same everywhere.

Only worker code paths import this module: it imports torch.
"""

from __future__ import annotations

import numpy as np
import torch

from generation import cppn, fastgan

SEED = 900_000
PER_STYLE = 24


def recipes(*, size: int, per_style: int = PER_STYLE, first: int = 0) -> list[dict]:
    """Return the corpus's recipes: `per_style` seeds of every CPPN style.

    `first` skips that many seeds per style: a set drawn from further along
    shares no painting with the one before it.
    """
    return [
        cppn.make_recipe(style=style, seed=SEED + first + i, size=size)
        for style in sorted(cppn.STYLES)
        for i in range(per_style)
    ]


def bundle(
    *, size: int, per_style: int = PER_STYLE, first: int = 0
) -> dict[str, torch.Tensor]:
    """Return the corpus as a training bundle: uint8 images, style labels, weights 1."""
    classes = fastgan.default_classes()
    wanted = recipes(size=size, per_style=per_style, first=first)
    images = cppn.render(wanted, device="cpu")
    pixels = np.stack([np.asarray(im.convert("RGB"), dtype=np.uint8) for im in images])
    return {
        "images": torch.from_numpy(pixels).permute(0, 3, 1, 2).contiguous(),
        "labels": torch.tensor([classes.index(r["style"]) for r in wanted]),
        "weights": torch.ones(len(wanted)),
    }
