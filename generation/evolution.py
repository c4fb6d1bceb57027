"""Crowd evolution of CPPN genomes: mutation, crossover, breeding, fitness.

A genome is a CPPN recipe exactly as `generation.cppn.make_recipe` returns
it: `style`, `architecture`, `weights_seed`, `latent`, `palette`,
`transform`, `shader` and `params`, plus `generator`, `version`, `seed` (the
key of the shader's pixel noise) and `size`. Bred genomes add `generation`,
the number of breeding rounds behind them (fresh genomes have 0). Every
genome these functions return renders with `generation.cppn.render`.

Everything here is a pure function of its arguments and a `random.Random`
(or an integer that seeds one), so a breeding run repeats exactly. The
module imports neither torch nor Django: web processes and the evolution
simulation (`bench/evolution_sim.py`) use it as they are.

Selection rule of `breed` (documented in docs/evolution.md too):

1. Rank the candidate parents by fitness (ties: lower seed id first) and
   keep the top `top_k` (default 8) as the breeding elite.
2. `fresh_fraction` of the batch (default 0.25, rounded, at least one when
   the fraction is above zero and the batch has room) is fresh random
   genomes, so a bred batch never collapses into one look.
3. Every other child: pick parent A by a tournament of 3 drawn from the
   elite without replacement, the fittest of the three wins. With
   probability `CROSSOVER_RATE` pick parent B by a second tournament among
   the rest of the elite and cross A with B; otherwise copy A. Then always
   mutate, so no child equals a parent. A child whose genes repeat a parent
   or an earlier child is mutated again.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from generation.palettes import STYLES
from generation.registry import CPPN, CPPN_VERSION

LATENT_DIM = 8  # the painter reads it from here

# Fitness: a Bayesian average of curator scores plus a small like bonus.
PRIOR_VOTES = 5  # C: a seed's mean counts fully only once it has ~5 votes
DEFAULT_MEAN = 3.0  # the prior before the site has any votes at all
LIKE_WEIGHT = 0.2  # bonus per e-fold of likes: 0.2 * ln(1 + likes) ...
LIKE_CAP = 0.5  # ... capped, so likes nudge and curators decide

# Selection and variation.
DEFAULT_FRESH_FRACTION = 0.25
TOP_K = 8
TOURNAMENT = 3
CROSSOVER_RATE = 0.6
LATENT_SIGMA = 0.3  # std of the gaussian step added to each latent value
RESEED_WEIGHTS = 0.05  # chance of a new network (a big jump)
NEW_PALETTE = 0.15
NEW_SYMMETRY = 0.1
PARAM_RATE = 0.3  # chance that each shader parameter moves
MAX_RETRIES = 8

GENETIC_KEYS = (
    "style",
    "architecture",
    "weights_seed",
    "latent",
    "palette",
    "transform",
    "shader",
    "params",
)


class Candidate(NamedTuple):
    """A possible parent: its seed's id, its genome and its fitness."""

    seed_id: int
    genome: dict
    fitness: float


def as_rng(rng: random.Random | int) -> random.Random:
    """Return `rng` itself, or a new `random.Random` seeded with the integer."""
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, int):
        raise TypeError(f"rng must be a random.Random or an integer, not {rng!r}.")
    return random.Random(rng)


def shrunk_fitness(
    *,
    score_sum: float,
    votes: int,
    likes: int,
    site_mean: float,
    prior_votes: float = PRIOR_VOTES,
) -> float:
    """Return a seed's fitness from its works' votes and likes.

    fitness = (C * m + S) / (C + V) + min(LIKE_CAP, LIKE_WEIGHT * ln(1 + L))

    with S the sum and V the number of curator scores on the works made
    from the seed, m the mean score of the whole site, C = `prior_votes`
    and L the likes of those works. A seed without votes gets m; one lucky
    5 moves a seed only a sixth of the way from m towards 5.
    """
    mean = (prior_votes * site_mean + score_sum) / (prior_votes + votes)
    return mean + min(LIKE_CAP, LIKE_WEIGHT * math.log1p(max(0, likes)))


# -- genomes ---------------------------------------------------------------


def random_genome(*, style: str, seed: int, size: int) -> dict:
    """Return the fresh genome for image `seed` of `style`, without torch.

    This is the one place fresh genomes are made: `generation.cppn.make_recipe`
    validates its arguments and returns this, so web code can plan bred
    tasks without loading the painter.
    """
    if style not in STYLES:
        known = ", ".join(sorted(STYLES))
        raise ValueError(f"Unknown style {style!r}; known styles: {known}.")
    preset = STYLES[style]
    rng = random.Random(f"{CPPN}/{CPPN_VERSION}/{style}/{seed}")
    params = {}
    for key, (lo, hi) in preset.params.items():
        both_int = isinstance(lo, int) and isinstance(hi, int)
        params[key] = rng.randint(lo, hi) if both_int else round(rng.uniform(lo, hi), 4)
    return {
        "generator": CPPN,
        "version": CPPN_VERSION,
        "style": style,
        "seed": seed,
        "size": size,
        "palette": list(rng.choice(preset.palettes)),
        "architecture": {
            "inputs": ["x", "y", "r", "latent"],
            "latent_dim": LATENT_DIM,
            "width": preset.width,
            "activations": list(preset.activations),
            "gain": preset.gain,
            "outputs": 3,
        },
        "latent": [round(rng.gauss(0.0, 1.0), 6) for _ in range(LATENT_DIM)],
        "weights_seed": rng.getrandbits(62),
        "transform": {
            "zoom": round(rng.uniform(*preset.zoom), 4),
            "rotation": round(rng.uniform(0.0, 2.0 * math.pi), 4),
            "offset": [round(rng.gauss(0.0, 0.3), 4) for _ in range(2)],
            "symmetry": rng.choice(preset.symmetry),
            "folds": rng.randint(*preset.folds),
        },
        "shader": preset.shader,
        "params": params,
    }


def genes(genome: dict) -> str:
    """Return the genetic part of `genome` as canonical JSON (seed and size aside)."""
    return json.dumps({k: genome.get(k) for k in GENETIC_KEYS}, sort_keys=True)


def _copy(genome: dict) -> dict:
    """Return a deep copy without what rendering recorded (the device)."""
    child = copy.deepcopy(genome)
    child.pop("device", None)
    return child


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, value))


def mutate(genome: dict, *, rng: random.Random | int, strength: float = 1.0) -> dict:
    """Return a mutated copy of `genome`, valid for its style and different from it.

    Always: a gaussian step (sigma `LATENT_SIGMA * strength`) on every
    latent value and a small nudge of zoom, rotation and offset. Sometimes:
    a new network (`weights_seed`), another palette of the style, another of
    the style's symmetries or fold counts, moved shader parameters. Values
    stay inside the style preset's ranges.
    """
    rng = as_rng(rng)
    preset = STYLES[genome["style"]]
    child = _copy(genome)
    child["latent"] = [
        round(z + rng.gauss(0.0, LATENT_SIGMA * strength), 6) for z in child["latent"]
    ]
    if rng.random() < RESEED_WEIGHTS * strength:
        child["weights_seed"] = rng.getrandbits(62)
    if len(preset.palettes) > 1 and rng.random() < NEW_PALETTE * strength:
        others = [p for p in preset.palettes if list(p) != child["palette"]]
        child["palette"] = list(rng.choice(others or preset.palettes))
    t = child["transform"]
    t["zoom"] = round(
        _clamp(t["zoom"] * math.exp(rng.gauss(0.0, 0.08 * strength)), *preset.zoom), 4
    )
    t["rotation"] = round(
        (t["rotation"] + rng.gauss(0.0, 0.15 * strength)) % (2 * math.pi), 4
    )
    t["offset"] = [round(o + rng.gauss(0.0, 0.05 * strength), 4) for o in t["offset"]]
    if rng.random() < NEW_SYMMETRY * strength:
        t["symmetry"] = rng.choice(preset.symmetry)
    if rng.random() < NEW_SYMMETRY * strength:
        lo, hi = preset.folds
        t["folds"] = int(_clamp(t["folds"] + rng.choice((-1, 1)), lo, hi))
    for key in sorted(preset.params):  # stored JSON may reorder the keys
        lo, hi = preset.params[key]
        if key not in child["params"] or rng.random() >= PARAM_RATE * strength:
            continue
        value = child["params"][key]
        if isinstance(lo, int) and isinstance(hi, int):
            child["params"][key] = int(_clamp(value + rng.choice((-1, 1)), lo, hi))
        else:
            step = rng.gauss(0.0, 0.12 * (hi - lo) * strength)
            child["params"][key] = round(_clamp(value + step, lo, hi), 4)
    return child


def crossover(a: dict, b: dict, *, rng: random.Random | int) -> dict:
    """Return a child mixing the latent vectors of `a` and `b`.

    The network (architecture and `weights_seed`), the shader and the
    style come from one parent picked at random. When the styles differ,
    palette, transform and shader parameters come from that parent too, so
    the child is a valid genome of its style; when they match, each of
    those genes comes from either parent. Every latent value comes from
    either parent (uniform crossover), which keeps its spread of values.
    """
    rng = as_rng(rng)
    first = rng.random() < 0.5
    main, other = (a, b) if first else (b, a)
    child = _copy(main)
    child["latent"] = [
        x if rng.random() < 0.5 else y
        for x, y in zip(main["latent"], other["latent"], strict=True)
    ]
    if main["style"] == other["style"]:
        child["palette"] = list(rng.choice((main, other))["palette"])
        for key in ("zoom", "rotation", "offset"):
            child["transform"][key] = copy.deepcopy(
                rng.choice((main, other))["transform"][key]
            )
        for key in sorted(child["params"]):
            if key in other["params"] and rng.random() < 0.5:
                child["params"][key] = other["params"][key]
    return child


# -- breeding --------------------------------------------------------------


def fresh_count(count: int, fresh_fraction: float) -> int:
    """Return how many of `count` children are fresh random genomes."""
    if count <= 0 or fresh_fraction <= 0:
        return 0
    if count == 1:
        return 0 if fresh_fraction < 1 else 1
    wanted = max(1, round(count * fresh_fraction))
    return count if fresh_fraction >= 1 else min(count - 1, wanted)


def rank(candidates: Iterable[Candidate | tuple]) -> list[Candidate]:
    """Return the candidates fittest first; ties go to the lower seed id."""
    pool = [Candidate(*c) for c in candidates]
    return sorted(pool, key=lambda c: (-c.fitness, c.seed_id))


def tournament(
    pool: Sequence[Candidate], *, rng: random.Random, size: int = TOURNAMENT
) -> Candidate:
    """Return the fittest of `size` candidates drawn from `pool` without replacement."""
    drawn = rng.sample(range(len(pool)), min(size, len(pool)))
    return max((pool[i] for i in drawn), key=lambda c: (c.fitness, -c.seed_id))


def breed(
    parents_with_fitness: Iterable[Candidate | tuple],
    *,
    count: int,
    fresh_fraction: float = DEFAULT_FRESH_FRACTION,
    rng: random.Random | int,
    size: int,
    style: str | None = None,
    top_k: int = TOP_K,
) -> list[tuple[dict, list[int]]]:
    """Return `count` new genomes with the seed ids of their parents.

    `parents_with_fitness` holds `(seed_id, genome, fitness)` triples (or
    `Candidate`s). With `style`, only parents of that style breed and fresh
    genomes are of that style; without, fresh genomes take the style of a
    parent drawn from the elite. The selection rule is in the module
    docstring. Bred children come first, fresh ones (with no parents) last.
    Every genome gets `size` and a new `seed`. Raise `ValueError` when
    fewer than two parents are left to breed from.
    """
    rng = as_rng(rng)
    ranked = rank(parents_with_fitness)
    if style is not None:
        ranked = [c for c in ranked if c.genome.get("style") == style]
    if len(ranked) < 2:
        raise ValueError("Breeding needs at least two scored parent genomes.")
    elite = ranked[: max(2, top_k)]
    n_fresh = fresh_count(count, fresh_fraction)
    seen = {genes(c.genome) for c in ranked}
    out: list[tuple[dict, list[int]]] = []
    for _ in range(count - n_fresh):
        a = tournament(elite, rng=rng)
        parents = [a]
        if rng.random() < CROSSOVER_RATE:
            b = tournament([c for c in elite if c is not a], rng=rng)
            parents.append(b)
            child = mutate(crossover(a.genome, b.genome, rng=rng), rng=rng)
        else:
            child = mutate(a.genome, rng=rng)
        for _retry in range(MAX_RETRIES):
            if genes(child) not in seen:
                break
            child = mutate(child, rng=rng)
        seen.add(genes(child))
        child["size"] = size
        child["seed"] = rng.getrandbits(31)
        child["generation"] = 1 + max(p.genome.get("generation", 0) for p in parents)
        out.append((child, [p.seed_id for p in parents]))
    for _ in range(n_fresh):
        fresh_style = style or rng.choice(elite).genome["style"]
        genome = random_genome(style=fresh_style, seed=rng.getrandbits(31), size=size)
        genome["generation"] = 0
        out.append((genome, []))
    return out
