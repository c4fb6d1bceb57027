"""Write the CPPN contact sheets shown in the docs, and time a render.

    .venv/bin/python bench/contact_sheets.py [--size 256] [--seeds 16]
        [--out docs/images] [--style NAME ...] [--time]

Writes ``seeds-<style>.png`` (a grid of seeds per style) and
``seeds-contact-sheet.png`` (one row per style). ``--time`` also times
rendering 16 seeds at 512 px in batches of 8 and prints the result.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generation import cppn  # noqa: E402
from generation.management.commands.paint import contact_sheet  # noqa: E402

OVERVIEW_SEEDS = 8


def main() -> None:
    """Render the sheets named by the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--style", action="append", default=None)
    parser.add_argument("--time", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    styles = args.style or sorted(cppn.STYLES)
    overview = []
    for style in styles:
        started = time.perf_counter()
        recipes = [
            cppn.make_recipe(style=style, seed=s, size=args.size)
            for s in range(args.seeds)
        ]
        images = cppn.render(recipes)
        labelled = [
            (f"seed {r['seed']}", im) for r, im in zip(recipes, images, strict=True)
        ]
        columns = math.ceil(math.sqrt(len(labelled)))
        rows = [
            (f"cppn / {style}" if i == 0 else "", labelled[i : i + columns])
            for i in range(0, len(labelled), columns)
        ]
        contact_sheet(rows).save(out / f"seeds-{style}.png", optimize=True)
        description = cppn.STYLES[style].description
        overview.append((f"{style}: {description}", labelled[:OVERVIEW_SEEDS]))
        elapsed = time.perf_counter() - started
        print(f"{style}: {len(images)} at {args.size}px in {elapsed:.1f}s")
    if not args.style:
        contact_sheet(overview, tile=160).save(
            out / "seeds-contact-sheet.png", optimize=True
        )
    if args.time:
        time_render(styles)


def time_render(styles: list[str], count: int = 16, size: int = 512) -> None:
    """Print how long `count` seeds at `size` px take per style, in batches of 8."""
    device = cppn.pick_device()
    for style in styles:
        recipes = [
            cppn.make_recipe(style=style, seed=s, size=size) for s in range(count)
        ]
        started = time.perf_counter()
        for i in range(0, count, 8):
            cppn.render(recipes[i : i + 8], device=device)
        elapsed = time.perf_counter() - started
        print(f"time {style}: {count} x {size}px on {device}: {elapsed:.1f}s")


if __name__ == "__main__":
    main()
