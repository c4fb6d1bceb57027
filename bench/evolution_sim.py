"""Simulate crowd evolution with synthetic curators and print how taste is met.

    .venv/bin/python bench/evolution_sim.py [--generations 6] [--seeds 16]
        [--size 96] [--style nebula] [--hue 0.5] [--runs 3] [--rng 1]

Each generation plays the site's loop without the database: publish a batch
of seeds (generation 0 is fresh random genomes, later ones are bred by
`generation.evolution.breed` from every seed scored so far, a quarter of
them fresh), render them on the CPU, let the works made from them collect
synthetic curator votes and likes, turn those into fitness with the site's
formula (`evolution.shrunk_fitness`), and breed again.

Synthetic curators like one hue (`--hue`, 0..1 around the colour wheel)
and colourful, contrasty pictures; `taste` below scores a rendered image
with numpy. Each curator adds their own bias and noise and votes 1..5.

For every generation the script prints the curators' mean expected score
(1 + 4 * taste, noise-free) of the new seeds, of the bred ones only, and of
a baseline batch of fresh random seeds rendered in the same run, then the
mean over all runs. Evolution works when the evolved column rises above the
baseline column and stays there.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generation import cppn, evolution  # noqa: E402

CURATORS = 3  # votes per work, the site's quorum
WORKS_PER_SEED = 2  # contributors who pick each seed


def taste(image, *, hue: float) -> float:  # noqa: ANN001 - PIL image
    """Return how much the synthetic curators like `image`, from 0 to 1.

    Half of it is hue: the saturation-weighted closeness of each pixel's
    hue to `hue`. A quarter is colourfulness (Hasler and Suesstrunk's
    metric over 100), a quarter contrast (luminance std over 80).
    """
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    top, low = rgb.max(-1), rgb.min(-1)
    chroma = top - low
    safe = np.where(chroma > 1e-9, chroma, 1.0)
    h = np.where(
        top == r,
        ((g - b) / safe) % 6,
        np.where(top == g, (b - r) / safe + 2, (r - g) / safe + 4),
    )
    h = h / 6.0
    weight = chroma  # grey pixels have no hue to judge
    closeness = (1 + np.cos(2 * np.pi * (h - hue))) / 2
    hue_match = float((closeness * weight).sum() / max(weight.sum(), 1e-9))
    hue_match *= min(1.0, float(weight.mean()) / 0.25)  # a grey image is no match
    rg, yb = (r - g) * 255, (0.5 * (r + g) - b) * 255
    colourful = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    luma = (0.299 * r + 0.587 * g + 0.114 * b) * 255
    return (
        0.5 * hue_match
        + 0.25 * min(1.0, colourful / 100.0)
        + 0.25 * min(1.0, float(luma.std()) / 80.0)
    )


def expected_score(image, *, hue: float) -> float:  # noqa: ANN001
    """Return the curators' noise-free score of `image`, 1 to 5."""
    return 1.0 + 4.0 * taste(image, hue=hue)


def curate(
    scores: list[float], *, rng: random.Random, biases: list[float]
) -> list[tuple[int, int, int]]:
    """Return (score_sum, votes, likes) per seed from synthetic curators."""
    out = []
    for expected in scores:
        total = votes = likes = 0
        for _ in range(WORKS_PER_SEED):
            work = [
                min(5, max(1, round(expected + bias + rng.gauss(0, 0.6))))
                for bias in biases
            ]
            total += sum(work)
            votes += len(work)
            if sum(work) / len(work) >= 3.0:  # accepted: visitors like it
                likes += max(0, round((expected - 3) * 2 + rng.gauss(0, 1)))
        out.append((total, votes, likes))
    return out


def run(args: argparse.Namespace, run_index: int) -> list[dict]:
    """Play one evolution run; return a row of figures per generation."""
    rng = random.Random(args.rng * 1000 + run_index)
    biases = [rng.gauss(0, 0.2) for _ in range(CURATORS)]
    history: list[evolution.Candidate] = []
    site_sum = site_votes = 0
    tallies: dict[int, tuple[int, int, int]] = {}
    next_id = 0
    rows = []
    for gen in range(args.generations):
        if gen == 0:
            batch = [
                (
                    evolution.random_genome(
                        style=args.style, seed=rng.getrandbits(31), size=args.size
                    ),
                    [],
                )
                for _ in range(args.seeds)
            ]
        else:
            batch = evolution.breed(
                history,
                count=args.seeds,
                fresh_fraction=args.fresh,
                rng=rng,
                size=args.size,
                style=args.style,
            )
        baseline = [
            evolution.random_genome(
                style=args.style, seed=rng.getrandbits(31), size=args.size
            )
            for _ in range(args.seeds)
        ]
        images = cppn.render([g for g, _ in batch] + baseline, device="cpu")
        scores = [expected_score(im, hue=args.hue) for im in images]
        new, base = scores[: len(batch)], scores[len(batch) :]
        bred = [s for s, (_, parents) in zip(new, batch, strict=True) if parents]
        for (genome, _), tally in zip(
            batch, curate(new, rng=rng, biases=biases), strict=True
        ):
            tallies[next_id] = tally
            site_sum += tally[0]
            site_votes += tally[1]
            history.append(evolution.Candidate(next_id, genome, 0.0))
            next_id += 1
        site_mean = site_sum / site_votes
        history = [
            evolution.Candidate(
                c.seed_id,
                c.genome,
                evolution.shrunk_fitness(
                    score_sum=tallies[c.seed_id][0],
                    votes=tallies[c.seed_id][1],
                    likes=tallies[c.seed_id][2],
                    site_mean=site_mean,
                ),
            )
            for c in history
        ]
        rows.append(
            {
                "evolved": statistics.mean(new),
                "bred": statistics.mean(bred) if bred else float("nan"),
                "best": max(new),
                "baseline": statistics.mean(base),
                "baseline_best": max(base),
            }
        )
    return rows


def print_rows(title: str, rows: list[dict]) -> None:
    """Print one table of figures per generation."""
    print(title)
    print("  gen  evolved  bred-only  best   | fresh baseline  best   | lift")
    for gen, row in enumerate(rows):
        print(
            f"  {gen:>3}  {row['evolved']:7.2f}  {row['bred']:9.2f}  "
            f"{row['best']:5.2f}  | {row['baseline']:14.2f}  "
            f"{row['baseline_best']:5.2f}  | {row['evolved'] - row['baseline']:+.2f}"
        )


def main() -> None:
    """Run the simulation named by the command line and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--style", default="nebula", choices=sorted(cppn.STYLES))
    parser.add_argument("--hue", type=float, default=0.5, help="0 red, 0.33 green…")
    parser.add_argument("--fresh", type=float, default=0.25)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rng", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    print(
        f"style {args.style}, target hue {args.hue}, {args.seeds} seeds of "
        f"{args.size} px per generation, {args.generations} generations, "
        f"{args.runs} runs, fresh fraction {args.fresh}; scores are the synthetic "
        "curators' expected 1-5"
    )
    runs = [run(args, i) for i in range(args.runs)]
    for i, rows in enumerate(runs):
        print_rows(f"run {i + 1}", rows)
    mean_rows = [
        {k: statistics.mean(r[gen][k] for r in runs) for k in runs[0][gen]}
        for gen in range(args.generations)
    ]
    print_rows(f"mean of {args.runs} runs", mean_rows)
    print(f"{time.perf_counter() - began:.1f} s, rendered on the CPU")


if __name__ == "__main__":
    main()
