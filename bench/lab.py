"""Seconds per lab grid: plan and paint one grid of children, as the worker does.

    .venv/bin/python bench/lab.py [--device cpu|cuda] [--children 8]
        [--size 256] [--runs 5] [--styles nebula ink ...]

For each style, a fresh parent genome is bred into `--children` children
(`generation.lab.lab_children`, strength 1) and the children are painted
in batches of `generation.services.lab.LAB_BATCH`, with PNG and WebP
encoding, exactly the work of `paint_lab_grid_task` without the database.
It prints the median of `--runs` runs per style, and over all styles. No
database is needed.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from generation import cppn, evolution, lab  # noqa: E402
from generation.palettes import STYLES  # noqa: E402

LAB_BATCH = 2  # as generation.services.lab.LAB_BATCH (that module needs Django)


def one_grid(style: str, run: int, *, children: int, size: int, device) -> float:
    """Return the seconds to plan, paint and encode one grid."""
    parent = evolution.random_genome(style=style, seed=1000 + run, size=size)
    began = time.perf_counter()
    genomes = [
        g for g, _ in lab.lab_children([parent], count=children, rng=run, size=size)
    ]
    for start in range(0, len(genomes), LAB_BATCH):
        for image in cppn.render(genomes[start : start + LAB_BATCH], device=device):
            image.save(io.BytesIO(), format="PNG")
            thumb = image.copy()
            thumb.thumbnail((320, 320))
            thumb.save(io.BytesIO(), format="WEBP", quality=85)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--device", default="cuda" if torch.cuda.is_available() else "cpu"
    )
    parser.add_argument("--children", type=int, default=8)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--styles", nargs="+", default=sorted(STYLES))
    args = parser.parse_args()
    device = torch.device(args.device)
    one_grid(args.styles[0], 0, children=2, size=64, device=device)  # warm up
    print(
        f"lab grid: {args.children} children at {args.size} px on {device} "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads)"
    )
    every = []
    for style in args.styles:
        times = [
            one_grid(style, run, children=args.children, size=args.size, device=device)
            for run in range(1, args.runs + 1)
        ]
        every.extend(times)
        print(
            f"  {style:<15} median {statistics.median(times):6.2f} s  "
            f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs)"
        )
    print(f"  {'all styles':<15} median {statistics.median(every):6.2f} s per grid")


if __name__ == "__main__":
    main()
