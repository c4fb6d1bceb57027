"""Paint seed images from the command line, without the database.

    python manage.py paint --generator cppn --style nebula --seeds 0-15 \\
        --size 512 --out var/seeds --sheet var/seeds/sheet.png
    python manage.py paint --generator gallery@2 --seeds 0-15 --size 64 --out DIR

Each seed gives ``<out>/<generator>-<style>-<seed:04d>.png`` (trained
versions: ``<name>-<version>-<seed:04d>.png``) and, beside it, the recipe that
re-renders it (same stem, ``.json``). torch is imported only when the command
runs; only a trained NAME@VERSION needs the database, for its registry row.
The CPPN network runs compiled unless ATELIER_COMPILE is "off": a batch of
seeds pays the compile once.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

GENERATORS = ("cppn",)
MAX_SEEDS = 4096
SHEET_TILE = 192


def parse_seeds(text: str) -> list[int]:
    """Return the seeds named by `text`: ``0-15``, ``3,7,9``, ``5`` or a mix.

    Raise `ValueError` with a readable message for anything else, for a
    range that runs backwards, or for more than `MAX_SEEDS` seeds.
    """
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        lo, sep, hi = part.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise ValueError(
                f"Bad seed list {text!r}: use a number (5), a range (0-15) "
                "or a comma-separated list (3,7,9) of non-negative integers."
            )
        first, last = int(lo), int(hi) if sep else int(lo)
        if last < first:
            raise ValueError(f"Bad seed range {part!r}: it runs backwards.")
        if len(seeds) + last - first + 1 > MAX_SEEDS:
            raise ValueError(f"Too many seeds in {text!r}; at most {MAX_SEEDS}.")
        seeds.extend(range(first, last + 1))
    return list(dict.fromkeys(seeds))


def contact_sheet(
    rows: list[tuple[str, list[tuple[str, Image.Image]]]], *, tile: int = SHEET_TILE
) -> Image.Image:
    """Lay out labelled thumbnails in rows, each row under an optional heading."""
    margin, gap, label_h, heading_h = 16, 10, 20, 28
    font = ImageFont.load_default(size=13)
    heading_font = ImageFont.load_default(size=17)
    columns = max((len(items) for _, items in rows), default=1)
    width = 2 * margin + columns * tile + (columns - 1) * gap
    height = 2 * margin + sum(
        (heading_h if heading else 0) + tile + label_h + gap for heading, _ in rows
    )
    sheet = Image.new("RGB", (width, height), "#1b1b1f")
    draw = ImageDraw.Draw(sheet)
    y = margin
    for heading, items in rows:
        if heading:
            draw.text((margin, y + 4), heading, fill="#f2f2f2", font=heading_font)
            y += heading_h
        for i, (label, image) in enumerate(items):
            x = margin + i * (tile + gap)
            sheet.paste(image.resize((tile, tile), Image.Resampling.LANCZOS), (x, y))
            draw.text((x + 2, y + tile + 3), label, fill="#b8b8c0", font=font)
        y += tile + label_h + gap
    return sheet


class Command(BaseCommand):
    help = "Render generator seed images to PNG files, each with its JSON recipe."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--generator", default="cppn", help="Generator name.")
        parser.add_argument("--style", default=None, help="Style preset name.")
        parser.add_argument(
            "--seeds", default="0-15", help="Seeds: 0-15, 3,7,9 or 5 (default 0-15)."
        )
        parser.add_argument("--size", type=int, default=512, help="Side in pixels.")
        parser.add_argument(
            "--out", default=None, help="Folder for PNG and JSON files."
        )
        parser.add_argument("--batch", type=int, default=8, help="Images per batch.")
        parser.add_argument(
            "--device", default=None, help="cpu or cuda (default: auto)."
        )
        parser.add_argument("--sheet", default=None, help="Also write a contact sheet.")
        parser.add_argument(
            "--list-styles", action="store_true", help="Print the styles and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        generator = options["generator"]
        if generator == "cppn@1":  # the publish form's spelling
            generator = "cppn"
        trained = "@" in generator  # NAME@VERSION: a trained checkpoint
        if not trained and generator not in GENERATORS:
            known = ", ".join(GENERATORS)
            raise CommandError(f"Unknown generator {generator!r}; known: {known}.")
        from generation import cppn

        if options["list_styles"]:
            for name, description in cppn.list_styles():
                self.stdout.write(f"{name}\t{description}")
            return
        style = options["style"] or cppn.DEFAULT_STYLE
        try:
            seeds = parse_seeds(options["seeds"])
            if trained:
                render, prefix, recipes = self._trained(generator, seeds, options)
                title = f"{generator} / {options['size']} px"
            else:
                render, prefix = cppn.render, f"{generator}-{style}"
                title = f"{generator} / {style} / {options['size']} px"
                recipes = [
                    cppn.make_recipe(style=style, seed=s, size=options["size"])
                    for s in seeds
                ]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["out"]:
            raise CommandError("--out is required: the folder to write images to.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        device = self._device(options["device"], cppn)
        if settings.ATELIER_COMPILE != "off":
            cppn.use_compiled(True)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        thumbs: list[tuple[str, Image.Image]] = []
        for start in range(0, len(recipes), options["batch"]):
            batch = recipes[start : start + options["batch"]]
            for recipe, image in zip(batch, render(batch, device=device), strict=True):
                stem = out / f"{prefix}-{recipe['seed']:04d}"
                image.save(stem.with_suffix(".png"))
                stem.with_suffix(".json").write_text(
                    json.dumps(recipe, indent=2) + "\n"
                )
                if options["sheet"]:
                    thumb = image.resize(
                        (SHEET_TILE, SHEET_TILE), Image.Resampling.LANCZOS
                    )
                    thumbs.append((f"seed {recipe['seed']}", thumb))
            self.stdout.write(
                f"Rendered {start + len(batch)}/{len(recipes)} on {device}."
            )
        if options["sheet"]:
            columns = min(8, math.ceil(math.sqrt(len(thumbs))))
            rows = [
                (title if i == 0 else "", thumbs[i : i + columns])
                for i in range(0, len(thumbs), columns)
            ]
            Path(options["sheet"]).parent.mkdir(parents=True, exist_ok=True)
            contact_sheet(rows).save(options["sheet"])
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(recipes)} images to {out}."))

    @staticmethod
    def _trained(spec: str, seeds: list[int], options: dict) -> tuple:
        """Return (render, file prefix, recipes) of a trained NAME@VERSION.

        Only this path reads the database: the registry row says where the
        weights are.
        """
        from generation import dcgan
        from generation.models import GeneratorModel
        from generation.registry import split_choice

        name, version = split_choice(spec)
        model = GeneratorModel.objects.filter(
            name=name, version=version, kind=GeneratorModel.Kind.CHECKPOINT
        ).first()
        if model is None:
            raise ValueError(
                f"There is no trained generator {spec}; train one with "
                "`manage.py train_generator --name NAME`."
            )
        recipes = [
            dcgan.make_recipe(
                name=name,
                version=version,
                weights=model.weights,
                params=model.params,
                seed=s,
                size=options["size"],
            )
            for s in seeds
        ]
        return dcgan.render, f"{name}-{version}", recipes

    @staticmethod
    def _device(name: str | None, cppn: Any) -> Any:
        if name is None:
            return cppn.pick_device()
        import torch

        if name not in ("cpu", "cuda"):
            raise CommandError(f"Unknown device {name!r}; use cpu or cuda.")
        if name == "cuda" and not torch.cuda.is_available():
            raise CommandError(
                "--device cuda was asked for, but no CUDA device is present."
            )
        return torch.device(name)
