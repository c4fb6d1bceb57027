"""Genome operations of the breeding lab: gene locks, palette swap, strength.

A person in the lab picks parents and asks for a grid of children. Each
child is a mutation of one parent, or, with two or more parents, a
crossover of two of them, mutated (`generation.evolution.mutate` and
`crossover`). Then the genes the person chose to keep are copied back from
the parent, and a chosen palette replaces the child's. Gene groups:

- ``palette``: the colour stops;
- ``shape``: the network (architecture, weights), the latent vector and the
  transform (zoom, rotation, offset, symmetry);
- ``shader``: the style's shader, its parameters and its pixel-noise key.

Like `generation.evolution`, everything here is a pure function of its
arguments and a `random.Random`; it imports neither torch nor Django, so
the web process plans a grid and the worker only paints it.
"""

from __future__ import annotations

import copy
import random

from generation import evolution
from generation.palettes import STYLES

GENE_GROUPS: dict[str, tuple[str, ...]] = {
    "palette": ("palette",),
    "shape": ("architecture", "weights_seed", "latent", "transform"),
    "shader": ("shader", "params", "seed"),
}
GENE_LABELS = {
    "palette": "Palette",
    "shape": "Shape (network and transform)",
    "shader": "Shader",
}
MIN_STRENGTH, MAX_STRENGTH, DEFAULT_STRENGTH = 0.1, 3.0, 1.0


def palettes_of(style: str) -> list[list[str]]:
    """Return the palettes `style` offers, in the preset's order."""
    return [list(p) for p in STYLES[style].palettes]


def lab_children(
    parents: list[dict],
    *,
    count: int,
    rng: random.Random | int,
    strength: float = DEFAULT_STRENGTH,
    keep: frozenset[str] | set[str] = frozenset(),
    palette: list[str] | None = None,
    palette_style: str | None = None,
    size: int,
) -> list[tuple[dict, list[int]]]:
    """Return `count` child genomes, each with the indexes of its parents.

    One parent: every child mutates it. Two or more: each child crosses two
    parents drawn at random, then mutates. `strength` scales every
    mutation step. The gene groups in `keep` are copied from the child's
    first parent of the same style; `palette`, stops of `palette_style`
    (default: the first parent's style), replaces the palette of every
    child of that style (a style's shader expects its own palettes).
    Children that would repeat a parent or an earlier child are mutated
    again, a few times at most. Raise `ValueError` for no
    parents, an unknown gene group, or every group kept without a palette
    to change.
    """
    rng = evolution.as_rng(rng)
    if not parents:
        raise ValueError("Breeding needs at least one parent.")
    unknown = set(keep) - set(GENE_GROUPS)
    if unknown:
        raise ValueError(f"Unknown gene groups: {', '.join(sorted(unknown))}.")
    if set(keep) == set(GENE_GROUPS) and palette is None:
        raise ValueError("Every gene is kept: leave one free, or choose a palette.")
    palette_style = palette_style or parents[0]["style"]
    strength = min(MAX_STRENGTH, max(MIN_STRENGTH, float(strength)))
    seen = {evolution.genes(p) for p in parents}
    out: list[tuple[dict, list[int]]] = []
    for _ in range(count):
        if len(parents) == 1:
            used = [0]
            child = evolution.mutate(parents[0], rng=rng, strength=strength)
        else:
            used = sorted(rng.sample(range(len(parents)), 2))
            a, b = (parents[i] for i in used)
            crossed = evolution.crossover(a, b, rng=rng)
            child = evolution.mutate(crossed, rng=rng, strength=strength)
        child["seed"] = rng.getrandbits(31)
        recolour = palette if child["style"] == palette_style else None
        child = _apply(child, [parents[i] for i in used], keep, recolour)
        for _retry in range(evolution.MAX_RETRIES):
            if evolution.genes(child) not in seen or set(keep) == set(GENE_GROUPS):
                break
            child = _apply(
                evolution.mutate(child, rng=rng, strength=strength),
                [parents[i] for i in used],
                keep,
                recolour,
            )
        seen.add(evolution.genes(child))
        child["size"] = size
        child["generation"] = 1 + max(
            int(parents[i].get("generation", 0)) for i in used
        )
        out.append((child, used))
    return out


def _apply(
    child: dict, used: list[dict], keep: frozenset[str] | set[str], palette: list | None
) -> dict:
    """Copy the kept gene groups from the first same-style parent; set the palette."""
    source = next((p for p in used if p["style"] == child["style"]), used[0])
    for group in sorted(keep):
        for key in GENE_GROUPS[group]:
            if key in source:
                child[key] = copy.deepcopy(source[key])
    if palette is not None:
        child["palette"] = list(palette)
    return child
