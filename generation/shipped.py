"""The learned generator that ships with Atelier, and the command that trains it.

A new site has no gallery to learn from, so Atelier comes with one version
of the data-efficient GAN already trained on the CPPN corpus: its weights
(``weights/fastgan-64.pt``, a few MB) and its record (``fastgan-64.json``:
the settings, the data, the loss curve, the quality figures measured every
few epochs and when the version first met the bar) are committed beside
this module. ``manage.py register_shipped_generator`` (run by ``make demo``)
adds it to the site's generators: reviewed if its figures meet the bar,
otherwise waiting for staff like any version below it.

To train it again, on any machine::

    python -m generation.shipped  # writes weights/: about 20 min on 2 idle CPUs
    python -m generation.shipped --sheet docs/images/shipped-generator.png

The corpus, the settings and every draw are seeded, so the run is the same
on every machine up to the order of floating-point sums.

Only worker code paths and that command import this module: it imports torch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import torch
from PIL import Image, ImageDraw

from generation import corpus, cppn, fastgan, gan_train, quality, registry

logger = logging.getLogger(__name__)

FOLDER = Path(__file__).resolve().parent / "weights"
NAME = "fastgan-64"
WEIGHTS = FOLDER / f"{NAME}.pt"
RECORD = FOLDER / f"{NAME}.json"

SIZE = 64
PER_STYLE = 64  # 512 training paintings
HELD_OUT_PER_STYLE = 8  # 64 others, never trained on, to measure against
MEASURE_EVERY = 10  # epochs
SAMPLES = 64

CONFIG = gan_train.Config(
    size=SIZE,
    batch_size=16,
    epochs=60,
    mode_seeking=0.1,
    checkpoint_every=320,
    seed=0,
)


def measure(
    model: fastgan.Generator,
    params: dict,
    held_out: dict[str, torch.Tensor],
    training: torch.Tensor,
) -> dict:
    """Return the quality figures of `model`'s first `SAMPLES` seeds.

    `held_out` is a corpus bundle (images and their style labels).
    """
    return quality.measure_generator(model, params, held_out, training, samples=SAMPLES)


def train(out: Path = FOLDER, *, config: gan_train.Config = CONFIG) -> dict:
    """Train the shipped version into `out`; return its record."""
    torch.manual_seed(config.seed)
    data = corpus.bundle(size=config.size, per_style=PER_STYLE)
    held = corpus.bundle(
        size=config.size, per_style=HELD_OUT_PER_STYLE, first=PER_STYLE
    )
    params = config.network()
    checks: list[dict] = []

    def on_epoch(epoch: int, seconds: float, average: fastgan.Generator) -> None:
        if epoch % MEASURE_EVERY and epoch != config.epochs:
            return
        figures = measure(average.eval(), params, held, data["images"])
        average.train()
        checks.append({"epoch": epoch, "seconds": round(seconds, 1), **figures})
        logger.info(
            "epoch %s (%.0f s): kid %.4f c2st %.3f fidelity %s styles %s; below: %s",
            epoch,
            seconds,
            figures["kid"],
            figures["c2st"],
            figures["style_fidelity"],
            {k: round(v, 2) for k, v in figures["style_diversity"].items()},
            figures["below_bar"] or "no",
        )

    with tempfile.TemporaryDirectory() as work:
        began = time.perf_counter()
        run = gan_train.train(
            data, config, Path(work), on_epoch=on_epoch, here=gan_train.place()
        )
        wall = time.perf_counter() - began
        out.mkdir(parents=True, exist_ok=True)
        weights = out / f"{NAME}.pt"
        shutil.copyfile(Path(work) / gan_train.GENERATOR_FILE, weights)
    passed = [c for c in checks if not c["below_bar"]]
    record = {
        "name": NAME,
        "architecture": registry.FASTGAN,
        "config": asdict(config),
        "data": {
            "source": "CPPN corpus",
            "training": {
                "per_style": PER_STYLE,
                "seeds": [corpus.SEED, corpus.SEED + PER_STYLE - 1],
                "images": int(data["images"].shape[0]),
            },
            "held_out": {
                "per_style": HELD_OUT_PER_STYLE,
                "seeds": [
                    corpus.SEED + PER_STYLE,
                    corpus.SEED + PER_STYLE + HELD_OUT_PER_STYLE - 1,
                ],
                "images": int(held["images"].shape[0]),
            },
            "styles": sorted(set(fastgan.default_classes()) - {fastgan.GALLERY_CLASS}),
        },
        "run": {**run, "wall_seconds": round(wall, 1)},
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "checks": checks,
        "quality": checks[-1],
        "bar": quality.BAR,
        "first_at_bar": (
            {k: passed[0][k] for k in ("epoch", "seconds")} if passed else None
        ),
        "sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
    }
    (out / f"{NAME}.json").write_text(json.dumps(record, indent=1) + "\n")
    return record


def load() -> tuple[fastgan.Generator, dict]:
    """Return the shipped generator (on the CPU) and its record."""
    record = json.loads(RECORD.read_text())
    return gan_train.load_generator(WEIGHTS), record


SHEET_COLUMNS = 4  # per side
SHEET_TILE = 128
SHEET_GAP = 6
SHEET_LABEL = 96


def contact_sheet(model: fastgan.Generator, params: dict) -> Image.Image:
    """Return the shipped model's seeds beside CPPN paintings, one row per style.

    Left: `SHEET_COLUMNS` held-out CPPN paintings of the style (never trained
    on); right: the model's seeds 0.. of that style, painted as a task paints
    them (at 64 px, upscaled on the device to the tile).
    """
    styles = [c for c in params["classes"] if c != fastgan.GALLERY_CLASS]
    painted = cppn.render(
        [
            cppn.make_recipe(
                style=style, seed=corpus.SEED + PER_STYLE + i, size=SHEET_TILE
            )
            for style in styles
            for i in range(SHEET_COLUMNS)
        ],
        device="cpu",
    )
    seeds = list(range(SHEET_COLUMNS)) * len(styles)
    labels = [params["classes"].index(s) for s in styles for _ in range(SHEET_COLUMNS)]
    learned = fastgan.sample(model, seeds, labels, torch.device("cpu"), size=SHEET_TILE)
    step = SHEET_TILE + SHEET_GAP
    width = SHEET_LABEL + 2 * SHEET_COLUMNS * step + 3 * SHEET_GAP
    top = 28
    sheet = Image.new("RGB", (width, top + len(styles) * step), (250, 248, 244))
    draw = ImageDraw.Draw(sheet)
    right = SHEET_LABEL + SHEET_COLUMNS * step + 3 * SHEET_GAP
    draw.text((SHEET_LABEL, 8), "CPPN painter (held out)", fill=(40, 40, 40))
    draw.text((right, 8), f"{NAME} (learned, seeds 0-3)", fill=(40, 40, 40))
    for row, style in enumerate(styles):
        y = top + row * step
        draw.text((8, y + SHEET_TILE // 2 - 6), style, fill=(40, 40, 40))
        for col in range(SHEET_COLUMNS):
            i = row * SHEET_COLUMNS + col
            sheet.paste(painted[i].convert("RGB"), (SHEET_LABEL + col * step, y))
            tile = Image.fromarray(learned[i].permute(1, 2, 0).numpy())
            sheet.paste(tile, (right + col * step, y))
    return sheet


def main(argv: list[str] | None = None) -> None:
    """Train the shipped learned generator again: ``python -m generation.shipped``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", default=str(FOLDER), help="folder for the files")
    parser.add_argument(
        "--epochs", type=int, default=CONFIG.epochs, help="a shorter run, to try"
    )
    parser.add_argument(
        "--sheet",
        metavar="PNG",
        help="only paint the shipped model's contact sheet beside the CPPN styles",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.sheet:
        model, record = load()
        params = gan_train.Config(**record["config"]).network()
        contact_sheet(model, params).save(args.sheet, optimize=True)
        return
    config = gan_train.Config(**{**asdict(CONFIG), "epochs": args.epochs})
    record = train(Path(args.out), config=config)
    print(json.dumps(record["quality"], indent=1))


if __name__ == "__main__":
    main()
