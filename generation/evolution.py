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
   keep the top `top_k` (default 8) as the breeding elite, skipping any
   candidate closer than `MIN_PARENT_DISTANCE` (genome `distance`) to a
   fitter member, so near-copies of one winner do not fill the elite.
2. Niches (`niche`: palette family and symmetry) missing from the elite
   send their fittest candidate, up to `NICHE_SLOTS` of them, when it
   scored at least the pool's median, and is parent A of one child of the
   batch: a liked look survives a round in which another was liked more.
3. `fresh_fraction` of the batch (default 0.25, rounded, at least one when
   the fraction is above zero and the batch has room) is fresh random
   genomes, so a bred batch never collapses into one look.
4. Every other child: `CANDIDATES` tries, each made so: pick parent A by
   a tournament of 3 drawn from the elite without replacement, the
   fittest of the three wins. With probability `CROSSOVER_RATE` pick
   parent B by a second tournament among the rest of the elite and cross
   A with B; otherwise copy A. Then always mutate, so no child equals a
   parent; a child whose genes repeat a parent or an earlier child is
   mutated again. Of the tries, the one farthest from its nearest sibling
   (fresh ones included) joins the batch: a novelty rule.

Mutation keeps the spread of fresh genomes: latent and offset take
autoregressive steps and bounded genes reflect off the ends of their
ranges, so no gene drifts one way over many generations.
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
LATENT_SIGMA = 0.3  # std of the step on each latent value
OFFSET_SD = 0.3  # std of a fresh genome's offset, which mutation keeps
OFFSET_STEP = 0.05  # std of the step on each offset value
ZOOM_STEP = 0.12  # std of the step on zoom, as a share of the style's range
RESEED_WEIGHTS = 0.05  # chance of a new network (a big jump)
NEW_PALETTE = 0.15
NEW_SYMMETRY = 0.1
PARAM_RATE = 0.3  # chance that each shader parameter moves
PARAM_STEP = 0.12  # std of the step on a float parameter, share of its range
MAX_RETRIES = 8

# Diversity (see "Variety" in docs/evolution.md).
NICHE_SLOTS = 4  # champions of missing niches that may join the elite
MIN_PARENT_DISTANCE = 0.15  # elite members are at least this far apart
CANDIDATES = 4  # children tried for each slot; the most novel one is kept
POOL_LIMIT = 64  # the fittest scored seeds a site breeding reads

# Weights of `distance`; they sum to 1, so two genomes are 0..1 apart.
DISTANCE_WEIGHTS = {
    "network": 0.4,
    "latent": 0.25,
    "palette": 0.15,
    "transform": 0.1,
    "params": 0.1,
}

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
            "offset": [round(rng.gauss(0.0, OFFSET_SD), 4) for _ in range(2)],
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


def _reflect(value: float, lo: float, hi: float) -> float:
    """Return `value` folded back into lo..hi, as a mirror would.

    A step that would leave the range bounces off its end instead of
    sticking to it. Clamping piled the genes of a long lineage up at the
    ends of their ranges (the smallest zoom, the highest contrast), which
    drew every lineage towards the same look; reflection keeps a uniform
    spread uniform.
    """
    span = hi - lo
    if span <= 0:
        return lo
    t = (value - lo) % (2 * span)
    return lo + (t if t <= span else 2 * span - t)


def _step_int(value: int, lo: int, hi: int, rng: random.Random) -> int:
    """Return `value` moved one up or down, bouncing off the ends of lo..hi."""
    if lo >= hi:
        return lo
    step = rng.choice((-1, 1))
    if not lo <= value + step <= hi:
        step = -step
    return int(_clamp(value + step, lo, hi))


def _keep_spread(value: float, *, sd: float, step: float, rng: random.Random) -> float:
    """Return `value` moved by about `step`, keeping a normal(0, sd) spread.

    The step shrinks the value a little towards 0 before adding noise
    (an autoregressive step), so a gene drawn from normal(0, sd) stays
    distributed so after any number of mutations. A plain random walk lets
    the spread grow with every generation: after a few rounds the latent
    vector dominated the first layer of the network and lineages drifted
    away from anything a fresh genome looks like.
    """
    s = min(1.0, step / sd)
    return math.sqrt(1.0 - s * s) * value + s * sd * rng.gauss(0.0, 1.0)


def mutate(genome: dict, *, rng: random.Random | int, strength: float = 1.0) -> dict:
    """Return a mutated copy of `genome`, valid for its style and different from it.

    Always: a step (about `LATENT_SIGMA * strength`) on every latent value
    and a small nudge of zoom, rotation and offset. Sometimes: a new
    network (`weights_seed`), another palette of the style, another of the
    style's symmetries or fold counts, moved shader parameters. Values stay
    inside the style preset's ranges, and the steps keep the spread fresh
    genomes have (latent and offset keep their normal spread, bounded genes
    reflect off the ends of their range), so no gene drifts one way over
    many generations.
    """
    rng = as_rng(rng)
    preset = STYLES[genome["style"]]
    child = _copy(genome)
    child["latent"] = [
        round(_keep_spread(z, sd=1.0, step=LATENT_SIGMA * strength, rng=rng), 6)
        for z in child["latent"]
    ]
    if rng.random() < RESEED_WEIGHTS * strength:
        child["weights_seed"] = rng.getrandbits(62)
    if len(preset.palettes) > 1 and rng.random() < NEW_PALETTE * strength:
        others = [p for p in preset.palettes if list(p) != child["palette"]]
        child["palette"] = list(rng.choice(others or preset.palettes))
    t = child["transform"]
    lo, hi = preset.zoom
    step = rng.gauss(0.0, ZOOM_STEP * (hi - lo) * strength)
    t["zoom"] = round(_clamp(_reflect(t["zoom"] + step, lo, hi), lo, hi), 4)
    t["rotation"] = round(
        (t["rotation"] + rng.gauss(0.0, 0.15 * strength)) % (2 * math.pi), 4
    )
    t["offset"] = [
        round(_keep_spread(o, sd=OFFSET_SD, step=OFFSET_STEP * strength, rng=rng), 4)
        for o in t["offset"]
    ]
    if rng.random() < NEW_SYMMETRY * strength:
        t["symmetry"] = rng.choice(preset.symmetry)
    if rng.random() < NEW_SYMMETRY * strength:
        t["folds"] = _step_int(t["folds"], *preset.folds, rng)
    for key in sorted(preset.params):  # stored JSON may reorder the keys
        lo, hi = preset.params[key]
        if key not in child["params"] or rng.random() >= PARAM_RATE * strength:
            continue
        value = child["params"][key]
        if isinstance(lo, int) and isinstance(hi, int):
            child["params"][key] = _step_int(value, lo, hi, rng)
        else:
            step = rng.gauss(0.0, PARAM_STEP * (hi - lo) * strength)
            child["params"][key] = round(
                _clamp(_reflect(value + step, lo, hi), lo, hi), 4
            )
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
    niche_slots: int = NICHE_SLOTS,
    min_distance: float = MIN_PARENT_DISTANCE,
    candidates: int = CANDIDATES,
) -> list[tuple[dict, list[int]]]:
    """Return `count` new genomes with the seed ids of their parents.

    `parents_with_fitness` holds `(seed_id, genome, fitness)` triples (or
    `Candidate`s). With `style`, only parents of that style breed and fresh
    genomes are of that style; without, fresh genomes take the style of a
    parent drawn from the elite. The selection rule is in the module
    docstring; `niche_slots`, `min_distance` and `candidates` are its
    variety rules (0, 0 and 1 turn them off). Bred children come first,
    fresh ones (with no parents) last. Every genome gets `size` and a new
    `seed`. Raise `ValueError` when fewer than two parents are left to
    breed from.
    """
    rng = as_rng(rng)
    ranked = rank(parents_with_fitness)
    if style is not None:
        ranked = [c for c in ranked if c.genome.get("style") == style]
    if len(ranked) < 2:
        raise ValueError("Breeding needs at least two scored parent genomes.")
    elite = pick_elite(
        ranked,
        top_k=max(2, top_k),
        niche_slots=niche_slots,
        min_distance=min_distance,
    )
    n_fresh = fresh_count(count, fresh_fraction)
    fresh: list[dict] = []
    for _ in range(n_fresh):
        fresh_style = style or rng.choice(elite).genome["style"]
        genome = random_genome(style=fresh_style, seed=rng.getrandbits(31), size=size)
        genome["generation"] = 0
        fresh.append(genome)
    seen = {genes(c.genome) for c in ranked} | {genes(g) for g in fresh}
    batch = list(fresh)  # what a new child should differ from
    # Each niche let in by rule 2 parents the first child it can.
    protected = elite[min(max(2, top_k), len(ranked)) :]
    out: list[tuple[dict, list[int]]] = []
    for i in range(count - n_fresh):
        first = protected[i] if i < len(protected) else None
        tries = [
            _child(elite, seen=seen, rng=rng, first=first)
            for _ in range(max(1, candidates))
        ]
        child, parents = max(
            tries, key=lambda t: _novelty(t[0], batch) if len(tries) > 1 else 0.0
        )
        seen.add(genes(child))
        batch.append(child)
        child["size"] = size
        child["seed"] = rng.getrandbits(31)
        child["generation"] = 1 + max(p.genome.get("generation", 0) for p in parents)
        out.append((child, [p.seed_id for p in parents]))
    return out + [(genome, []) for genome in fresh]


def _child(
    elite: Sequence[Candidate],
    *,
    seen: set[str],
    rng: random.Random,
    first: Candidate | None = None,
) -> tuple[dict, list[Candidate]]:
    """Return one child of the elite and its parents (step 4 of the rule).

    With `first`, that candidate is parent A instead of a tournament's
    winner (a niche's champion, which would rarely win one).
    """
    a = first or tournament(elite, rng=rng)
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
    return child, parents


def _novelty(genome: dict, batch: Sequence[dict]) -> float:
    """Return how far `genome` is from the nearest genome of `batch` (1 if none)."""
    return min((distance(genome, other) for other in batch), default=1.0)


# -- variety ---------------------------------------------------------------


def _palette_index(genome: dict) -> int:
    preset = STYLES.get(genome.get("style", ""))
    palettes = [list(p) for p in preset.palettes] if preset else []
    palette = list(genome.get("palette", []))
    return palettes.index(palette) if palette in palettes else -1


def niche(genome: dict) -> str:
    """Return the niche of `genome`: style, palette family and symmetry.

    Niches are the cells that breeding keeps alive side by side (in the
    manner of MAP-Elites): a nebula in the third palette with a mirror is
    ``"nebula/palette-2/mirror"``. Radial symmetry counts its folds.
    """
    t = genome.get("transform", {})
    symmetry = t.get("symmetry", "none")
    if symmetry == "radial":
        symmetry = f"radial-{t.get('folds')}"
    return f"{genome.get('style')}/palette-{_palette_index(genome)}/{symmetry}"


def distance(a: dict, b: dict) -> float:
    """Return how different two genomes are, from 0 (same genes) to 1.

    A weighted sum (`DISTANCE_WEIGHTS`) of: another network (a different
    `weights_seed` or architecture paints a different picture, so it
    counts fully), the latent vectors' euclidean distance over that of two
    fresh latents, another palette, the transform (symmetry, folds, zoom
    and offset over their ranges, rotation over half a turn) and the shader
    parameters over their ranges. Genomes of different styles are 1 apart.
    It reads genes only, so web processes can use it without rendering.
    """
    if a.get("style") != b.get("style"):
        return 1.0
    preset = STYLES[a["style"]]
    w = DISTANCE_WEIGHTS
    same_net = a["weights_seed"] == b["weights_seed"] and (
        a["architecture"] == b["architecture"]
    )
    za, zb = a["latent"], b["latent"]
    latent = math.sqrt(sum((x - y) ** 2 for x, y in zip(za, zb, strict=False)))
    latent = min(1.0, latent / math.sqrt(2 * max(1, len(za))))
    ta, tb = a["transform"], b["transform"]
    zlo, zhi = preset.zoom
    turn = abs(ta["rotation"] - tb["rotation"]) % (2 * math.pi)
    offset = math.dist(ta["offset"], tb["offset"]) / (2 * OFFSET_SD * math.sqrt(2))
    transform = (
        float(ta["symmetry"] != tb["symmetry"])
        + float(ta["symmetry"] == "radial" and ta["folds"] != tb["folds"])
        + abs(ta["zoom"] - tb["zoom"]) / max(1e-9, zhi - zlo)
        + min(turn, 2 * math.pi - turn) / math.pi
        + min(1.0, offset)
    ) / 5
    params = [
        min(1.0, abs(a["params"][k] - b["params"][k]) / max(1e-9, hi - lo))
        for k, (lo, hi) in preset.params.items()
        if k in a["params"] and k in b["params"]
    ]
    return (
        w["network"] * (0.0 if same_net else 1.0)
        + w["latent"] * latent
        + w["palette"] * float(list(a["palette"]) != list(b["palette"]))
        + w["transform"] * min(1.0, transform)
        + w["params"] * (sum(params) / len(params) if params else 0.0)
    )


def pick_elite(
    ranked: Sequence[Candidate],
    *,
    top_k: int = TOP_K,
    niche_slots: int = NICHE_SLOTS,
    min_distance: float = MIN_PARENT_DISTANCE,
) -> list[Candidate]:
    """Return the breeding elite of `ranked` (fittest first), steps 1 and 2.

    The fittest `top_k` candidates, skipping any closer than `min_distance`
    to a fitter one already chosen (near-copies of one winner would
    otherwise fill the elite; the skipped ones fill it up when too few are
    far apart). Then up to `niche_slots` more: the fittest candidate of
    each niche the elite lacks, if it scored at least the median of
    `ranked`, so a liked palette family or symmetry survives a round in
    which another was liked more.
    """
    limit = min(top_k, len(ranked))
    elite: list[Candidate] = []
    for c in ranked:
        if len(elite) >= limit:
            break
        if all(distance(c.genome, e.genome) >= min_distance for e in elite):
            elite.append(c)
    chosen = {c.seed_id for c in elite}
    for c in ranked:
        if len(elite) >= limit:
            break
        if c.seed_id not in chosen:
            elite.append(c)
            chosen.add(c.seed_id)
    elite.sort(key=lambda c: (-c.fitness, c.seed_id))
    median = ranked[len(ranked) // 2].fitness
    niches = {niche(c.genome) for c in elite}
    for c in ranked:
        if niche_slots <= 0 or c.fitness < median:
            break
        if c.seed_id in chosen or niche(c.genome) in niches:
            continue
        elite.append(c)
        chosen.add(c.seed_id)
        niches.add(niche(c.genome))
        niche_slots -= 1
    return elite
