"""The CPPN style presets and their curated palettes, as plain data.

This module imports no torch (`gradient` only calls tensor methods), so web
code may read `STYLES` (names, descriptions) without loading it;
`generation.cppn` re-exports the names.

Each style's palettes share a layout that its shader in `generation.cppn`
relies on (for example, "paper first, then inks"); the layout is stated
above each list. Colours are sRGB hex strings so recipes stay readable JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import Tensor

# Dark background first, then the gas colours from dim to hot.
NEBULA = [
    ["#05040d", "#1b1140", "#4b1d6b", "#b0306a", "#f08a4b", "#ffe3a3"],
    ["#02060f", "#0b2545", "#13315c", "#1d7874", "#7ae7c7", "#f4fffd"],
    ["#07020a", "#2a0a3d", "#6a0f49", "#c41e3a", "#ff7f50", "#fff1c1"],
    ["#030712", "#101b4a", "#3a2a8c", "#7b5cd6", "#c7a8ff", "#fbf4ff"],
    ["#050505", "#1f0f2e", "#0f4c5c", "#e36414", "#fb8b24", "#fff3b0"],
]

# Paper, ink, accent.
INK = [
    ["#f3ecdc", "#1c1a1a", "#b3261e"],
    ["#efe6d2", "#22303c", "#c0392b"],
    ["#f7f3ea", "#2b2118", "#8c6d3f"],
    ["#e9e4d8", "#101820", "#3b6e8f"],
    ["#f1ead8", "#3a2f4a", "#d08c2c"],
]

# Lead came first, then the glass colours.
STAINED_GLASS = [
    ["#151311", "#1f4e9c", "#c81d25", "#f2b01e", "#2e8b57", "#6a3d9a", "#e86a17"],
    ["#121212", "#0b3c5d", "#328cc1", "#d9b310", "#a4161a", "#f4f1de", "#1d7a4a"],
    ["#1a1410", "#5b2a86", "#9a348e", "#da627d", "#fca17d", "#86bbd8", "#33658a"],
    ["#0e0f13", "#0d5c63", "#44a1a0", "#78cdd7", "#f6ae2d", "#f26419", "#b1d8b7"],
    ["#17120e", "#8c1c13", "#bf4342", "#e7d7c1", "#a78a7f", "#735751", "#3d5a80"],
]

# Deep water, shallow water, land from low to high, contour ink last.
TOPOGRAPHIC = [
    [
        "#2c5470",
        "#7fa9c2",
        "#dcd8ab",
        "#a9c184",
        "#6f9553",
        "#8f7450",
        "#cbbba6",
        "#f7f4ef",
        "#3b2f2a",
    ],
    [
        "#233044",
        "#6f8fa6",
        "#f0e6c8",
        "#e3c48f",
        "#c98b5a",
        "#9c5a3c",
        "#6e3b2e",
        "#f2ece4",
        "#2a1d18",
    ],
    [
        "#12384d",
        "#4f8fae",
        "#e8f1e4",
        "#b7d3a8",
        "#7fb38b",
        "#4f8a79",
        "#2f5d62",
        "#e6eef0",
        "#17313b",
    ],
    [
        "#3d405b",
        "#9aa3b5",
        "#f4f1ea",
        "#dcd6c6",
        "#b9ae96",
        "#8f8571",
        "#625a4d",
        "#ffffff",
        "#2b2d42",
    ],
]

# Paper, then three pigments.
WATERCOLOUR = [
    ["#f8f4ea", "#3d7ea6", "#e07a5f", "#81b29a"],
    ["#faf6ef", "#5c4d7d", "#e9a03b", "#2a9d8f"],
    ["#f6f1e7", "#d0493a", "#3b7fb0", "#e0b52a"],
    ["#fbf8f1", "#6d597a", "#b56576", "#eaac8b"],
    ["#f7f3e8", "#3f8fb5", "#e76f51", "#8ab17d"],
]

# Background, then tube colours.
NEON = [
    ["#07060f", "#ff2bd6", "#00e5ff", "#fffb00"],
    ["#05080d", "#39ff14", "#00b3ff", "#ff3864"],
    ["#0a0612", "#ff6b00", "#ff0099", "#8a2be2"],
    ["#020a0a", "#00ffd5", "#ff00aa", "#ffe600"],
    ["#08040c", "#ff3b3b", "#ffb800", "#3bc8ff"],
]

# Stone from light to dark, then vein colour, then accent vein.
MARBLE = [
    ["#f6f3ee", "#e9e3d9", "#d3cabb", "#4a4540", "#b08d57"],
    ["#1d3b2f", "#2f5d4a", "#4d7f68", "#e8efe9", "#c9a86a"],
    ["#1a1a1d", "#26262b", "#3a3a42", "#e9e6df", "#c5a46d"],
    ["#f5e6e1", "#ebcfc6", "#d9aea2", "#6b3f3a", "#ffffff"],
    ["#e8edf1", "#cfd8e0", "#aebccb", "#2f3e4e", "#8aa1b8"],
]

# Paper, first ink, second ink.
RISO = [
    ["#f4efe4", "#ff48b0", "#0078bf"],
    ["#f5f0e6", "#ff6c2f", "#00838a"],
    ["#f2ede3", "#765ba7", "#ffc800"],
    ["#f7f2e9", "#e45d50", "#3d5588"],
    ["#f3eee4", "#00a95c", "#ff48b0"],
]


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    """Return `colour` ("#rrggbb") as three floats in 0..1."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"Colour {colour!r} is not of the form #rrggbb.")
    r, g, b = (int(value[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return r, g, b


def gradient(stops: Tensor, t: Tensor) -> Tensor:
    """Return colours (3, *t.shape) read from `stops` (n, 3) at positions `t`.

    `t` runs from 0 (first stop) to 1 (last stop), evenly spaced, and is
    clamped; colours between stops are mixed linearly.
    """
    n = stops.shape[0]
    pos = t.clamp(0.0, 1.0) * (n - 1)
    lower = pos.floor().clamp(0, max(n - 2, 0)).long()
    upper = (lower + 1).clamp(max=n - 1)
    a, b = stops[lower].movedim(-1, 0), stops[upper].movedim(-1, 0)
    return a + (b - a) * (pos - lower).clamp(0, 1)


@dataclass(frozen=True)
class Style:
    """A preset: network shape, coordinate ranges, shader and palettes."""

    description: str
    shader: str
    palettes: list[list[str]]
    activations: tuple[str, ...]
    width: int = 16
    gain: float = 1.6
    zoom: tuple[float, float] = (0.8, 1.6)
    symmetry: tuple[str, ...] = ("none",)
    folds: tuple[int, int] = (6, 12)
    params: dict[str, tuple[float, float]] = field(default_factory=dict)


STYLES: dict[str, Style] = {
    "nebula": Style(
        "Glowing gas clouds and star fields on a deep night sky.",
        "nebula",
        NEBULA,
        ("sin+tanh", "gauss+tanh", "tanh", "gauss+tanh"),
        width=20,
        gain=2.0,
        zoom=(1.3, 2.3),
        symmetry=("none", "none", "mirror"),
        params={"contrast": (1.2, 2.0), "stars": (0.002, 0.006)},
    ),
    "ink": Style(
        "Brush strokes and grey washes of ink on warm paper.",
        "ink",
        INK,
        ("tanh", "sin+tanh", "tanh"),
        gain=1.5,
        zoom=(1.0, 1.8),
        symmetry=("none", "none", "mirror"),
        params={"levels": (2, 4), "stroke": (5.0, 10.0), "wash": (0.45, 0.7)},
    ),
    "stained-glass": Style(
        "Kaleidoscopic panes of coloured glass held in dark lead.",
        "stained_glass",
        STAINED_GLASS,
        ("tanh", "gauss+tanh", "tanh"),
        width=12,
        gain=1.6,
        zoom=(1.2, 2.2),
        symmetry=("radial",),
        params={
            "bands0": (4, 7),
            "bands1": (3, 5),
            "lead": (3.0, 5.0),
            "shift": (0, 5),
        },
    ),
    "topographic": Style(
        "Shaded relief maps with contour lines, coasts and terraces.",
        "topographic",
        TOPOGRAPHIC,
        ("tanh", "gauss+tanh", "tanh", "tanh"),
        gain=1.7,
        zoom=(1.2, 2.2),
        params={"sea": (0.15, 0.35), "levels": (14, 22), "relief": (0.8, 1.6)},
    ),
    "watercolour": Style(
        "Soft overlapping washes of pigment with darker pooled edges.",
        "watercolour",
        WATERCOLOUR,
        ("tanh", "gauss", "tanh"),
        width=12,
        gain=1.4,
        zoom=(0.8, 1.4),
        symmetry=("none", "none", "mirror"),
        params={
            "t0": (0.45, 0.65),
            "t1": (0.5, 0.7),
            "t2": (0.55, 0.75),
            "alpha": (0.4, 0.6),
        },
    ),
    "neon": Style(
        "Bright glowing tubes tracing curves on a dark wall.",
        "neon",
        NEON,
        ("tanh", "gauss+tanh", "tanh"),
        width=12,
        gain=1.4,
        zoom=(0.8, 1.4),
        symmetry=("none", "mirror", "radial"),
        folds=(3, 6),
        params={"levels": (3, 5), "tube": (2.5, 4.0), "glow": (6.0, 12.0)},
    ),
    "marble": Style(
        "Polished stone with wandering veins and soft clouding.",
        "marble",
        MARBLE,
        ("sin+tanh", "sin+tanh", "tanh", "tanh"),
        width=20,
        gain=2.0,
        zoom=(1.0, 1.8),
        params={
            "warp": (1.5, 3.0),
            "bands": (1.0, 2.2),
            "angle": (0.0, 180.0),
            "vein": (2.5, 5.0),
        },
    ),
    "riso": Style(
        "Two-ink risograph print: halftone dots, slightly off register.",
        "riso",
        RISO,
        ("tanh", "gauss+tanh", "tanh"),
        width=12,
        gain=1.5,
        zoom=(0.8, 1.5),
        symmetry=("none", "mirror"),
        params={
            "cell": (6.0, 9.0),
            "angle": (10.0, 30.0),
            "gamma": (0.9, 1.6),
            "shape": (0.6, 0.8),
        },
    ),
}
DEFAULT_STYLE = "nebula"
