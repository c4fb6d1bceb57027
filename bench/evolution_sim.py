"""Simulate crowd evolution with synthetic curators: taste met, variety kept.

    .venv/bin/python bench/evolution_sim.py [--generations 6] [--seeds 16]
        [--size 96] [--style nebula --style neon ...] [--hue 0.5] [--runs 3]
        [--rng 1] [--plain] [--sheets docs/images] [--verbose]

Each generation plays the site's loop without the database: publish a batch
of seeds (generation 0 is fresh random genomes, generations 1..6 are bred by
`generation.evolution.breed` from the 64 fittest seeds scored so far, as
the site reads them, a quarter of each batch fresh), render them on the
CPU, let the works made from them collect synthetic curator votes and
likes, turn those into fitness with the site's formula
(`evolution.shrunk_fitness`), and breed again. Beside each batch, 16 fresh
random seeds are rendered as the baseline.

Synthetic curators like one hue (`--hue`, 0..1 around the colour wheel;
by default one per style, `DEFAULT_STYLES`) and colourful, contrasty
pictures; `taste` below scores a rendered image with numpy. Each curator
adds their own bias and noise and votes 1..5.

Diversity is the mean pairwise `perceptual_distance` of a set of pictures
(`generation.quality`, which also measures learned generators): colours,
texture (spatial-frequency spectrum and edge strength) and, at half
weight, composition, read from small CIE Lab copies.

For every generation the script prints, per style and as the mean over
the runs: the curators' mean expected score (1 + 4 * taste, noise-free) of
the bred seeds, of the fresh baseline, their difference, and of the whole
batch; the diversity of the bred seeds, of the fresh baseline, their ratio
and the whole batch's ratio; the distinct networks and niches of the batch.
A verdict line per style and one for all says PASS when the bred seeds keep
80 % of the fresh seeds' diversity in every generation and score above them
from generation 2 on. `--plain` turns breeding's variety rules off for a
comparison; `--sheets DIR` writes 4 x 4 contact sheets of generations 1, 3
and 6 of the first style's first run.
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
from generation.quality import descriptor, mean_distance  # noqa: E402

CURATORS = 3  # votes per work, the site's quorum
WORKS_PER_SEED = 2  # contributors who pick each seed
# The styles the sim runs by default, with the hue their curators like.
DEFAULT_STYLES = {"nebula": 0.5, "watercolour": 0.0, "neon": 0.8}
SHEET_GENERATIONS = [1, 3, 6]
SHEET_TILE = 128


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


# -- the loop ---------------------------------------------------------------


def run(args: argparse.Namespace, run_index: int, style: str, hue: float) -> dict:
    """Play one evolution run; return its figures per generation and batches.

    Generation 0 is the fresh batch the site starts from; generations
    1..`args.generations` are bred from every seed scored so far (the
    fittest `evolution.POOL_LIMIT`, as the site reads them).
    """
    rng = random.Random(f"{args.rng}/{run_index}/{style}")
    biases = [rng.gauss(0, 0.2) for _ in range(CURATORS)]
    history: list[evolution.Candidate] = []
    site_sum = site_votes = 0
    tallies: dict[int, tuple[int, int, int]] = {}
    next_id = 0
    rows = []
    batches = []
    variety = {}
    if args.plain:
        variety = {"niche_slots": 0, "min_distance": 0.0, "candidates": 1}
    for gen in range(args.generations + 1):
        if gen == 0:
            batch = [
                (
                    evolution.random_genome(
                        style=style, seed=rng.getrandbits(31), size=args.size
                    ),
                    [],
                )
                for _ in range(args.seeds)
            ]
        else:
            batch = evolution.breed(
                evolution.rank(history)[: evolution.POOL_LIMIT],
                count=args.seeds,
                fresh_fraction=args.fresh,
                rng=rng,
                size=args.size,
                style=style,
                **variety,
            )
        baseline = [
            evolution.random_genome(
                style=style, seed=rng.getrandbits(31), size=args.size
            )
            for _ in range(args.seeds)
        ]
        images = cppn.render([g for g, _ in batch] + baseline, device="cpu")
        scores = [expected_score(im, hue=hue) for im in images]
        looks = [descriptor(im) for im in images]
        n = len(batch)
        new, base = scores[:n], scores[n:]
        is_bred = [bool(parents) for _, parents in batch]
        bred = [s for s, b in zip(new, is_bred, strict=True) if b]
        bred_looks = [d for d, b in zip(looks[:n], is_bred, strict=True) if b]
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
        div, div_fresh = mean_distance(looks[:n]), mean_distance(looks[n:])
        div_bred = mean_distance(bred_looks)  # nan with fewer than 2 bred seeds
        rows.append(
            {
                "score": statistics.mean(new),
                "bred": statistics.mean(bred) if bred else float("nan"),
                "fresh": statistics.mean(base),
                "diversity": div,
                "diversity_bred": div_bred,
                "diversity_fresh": div_fresh,
                "ratio": div_bred / div_fresh,
                "batch_ratio": div / div_fresh,
                "networks": len({g["weights_seed"] for g, _ in batch}),
                "niches": len({evolution.niche(g) for g, _ in batch}),
            }
        )
        batches.append(list(zip(batch, new, strict=True)))
    return {"rows": rows, "batches": batches}


def mean_rows(runs: list[dict]) -> list[dict]:
    """Return the per-generation mean of every figure over `runs`."""
    gens = len(runs[0]["rows"])
    keys = runs[0]["rows"][0].keys()
    return [
        {k: statistics.mean(r["rows"][g][k] for r in runs) for k in keys}
        for g in range(gens)
    ]


def print_rows(title: str, rows: list[dict]) -> None:
    """Print one table of figures per generation."""
    print(title)
    print(
        "  gen | score: bred  fresh   lift  batch | diversity: bred  fresh  "
        "ratio  batch | nets niches"
    )
    for gen, row in enumerate(rows):
        bred = row["bred"]
        print(
            f"  {gen:>3} | {bred:11.2f} {row['fresh']:6.2f} "
            f"{bred - row['fresh']:+6.2f} {row['score']:6.2f} | "
            f"{row['diversity_bred']:15.3f} {row['diversity_fresh']:6.3f} "
            f"{row['ratio']:6.2f} {row['batch_ratio']:6.2f} | "
            f"{row['networks']:4.1f} {row['niches']:6.1f}"
        )


def verdict(rows: list[dict], *, min_ratio: float) -> tuple[bool, str]:
    """Return whether bred seeds kept variety and beat fresh seeds, and why.

    The bred seeds alone count, not the fresh quarter published beside
    them (which would hide a bred monoculture): in every bred generation
    their diversity must stay at `min_ratio` of the fresh seeds' or more,
    and from generation 2 on they must score above the fresh seeds
    (generation 1 is bred from one round of noisy votes).
    """
    bred = rows[1:]
    worst = min(r["ratio"] for r in bred)
    lifts = [r["bred"] - r["fresh"] for r in bred[1:] or bred]
    ok = worst >= min_ratio and all(lift > 0 for lift in lifts)
    return ok, (
        f"lowest diversity ratio {worst:.2f} (needs >= {min_ratio:.2f}), "
        f"score lift from gen 2 {min(lifts):+.2f}..{max(lifts):+.2f} (needs > 0), "
        f"final lift {bred[-1]['bred'] - bred[-1]['fresh']:+.2f}"
    )


def write_sheets(folder: Path, style: str, batches: list, gens: list[int]) -> None:
    """Write 4 x 4 contact sheets of the bred generations `gens` of one run."""
    from generation.management.commands.paint import contact_sheet

    folder.mkdir(parents=True, exist_ok=True)
    for gen in gens:
        if gen >= len(batches):
            continue
        entries = batches[gen]
        genomes = [{**g, "size": SHEET_TILE} for (g, _), _ in entries]
        images = cppn.render(genomes, device="cpu")
        labelled = [
            (f"{'bred' if parents else 'fresh'}  {score:.2f}", im)
            for ((_, parents), score), im in zip(entries, images, strict=True)
        ]
        rows = [
            (
                f"{style}, generation {gen}: 12 bred + 4 fresh, curators' score"
                if i == 0
                else "",
                labelled[i : i + 4],
            )
            for i in range(0, len(labelled), 4)
        ]
        path = folder / f"evolution-gen{gen}.png"
        contact_sheet(rows, tile=SHEET_TILE).save(path, optimize=True)
        print(f"wrote {path}")


def main() -> None:
    """Run the simulation named by the command line and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument(
        "--style",
        action="append",
        choices=sorted(cppn.STYLES),
        help=f"repeatable; default {', '.join(DEFAULT_STYLES)}",
    )
    parser.add_argument(
        "--hue", type=float, default=None, help="0 red, 0.33 green…; default per style"
    )
    parser.add_argument("--fresh", type=float, default=0.25)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rng", type=int, default=1)
    parser.add_argument("--min-ratio", type=float, default=0.8)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="breed without the variety rules (no niches, no distance rules)",
    )
    parser.add_argument("--sheets", type=Path, default=None, metavar="DIR")
    parser.add_argument("--verbose", action="store_true", help="print every run")
    args = parser.parse_args()
    styles = args.style or list(DEFAULT_STYLES)
    began = time.perf_counter()
    print(
        f"{args.seeds} seeds of {args.size} px per generation, generation 0 fresh "
        f"then {args.generations} bred, {args.runs} runs, fresh fraction "
        f"{args.fresh}{', variety rules off' if args.plain else ''}; scores are the "
        "synthetic curators' expected 1-5, diversity the mean pairwise "
        "perceptual distance"
    )
    verdicts = []
    for style in styles:
        hue = DEFAULT_STYLES.get(style, 0.5) if args.hue is None else args.hue
        runs = [run(args, i, style, hue) for i in range(args.runs)]
        if args.verbose:
            for i, r in enumerate(runs):
                print_rows(f"{style} run {i + 1}", r["rows"])
        rows = mean_rows(runs)
        print_rows(f"{style}, target hue {hue}: mean of {args.runs} runs", rows)
        ok, why = verdict(rows, min_ratio=args.min_ratio)
        print(f"  {style}: {'PASS' if ok else 'FAIL'}: {why}")
        verdicts.append(ok)
        if args.sheets is not None and style == styles[0]:
            write_sheets(args.sheets, style, runs[0]["batches"], SHEET_GENERATIONS)
    print(
        f"VERDICT: {'PASS' if all(verdicts) else 'FAIL'} "
        f"({sum(verdicts)} of {len(verdicts)} styles)"
    )
    print(f"{time.perf_counter() - began:.1f} s, rendered on the CPU")


if __name__ == "__main__":
    main()
