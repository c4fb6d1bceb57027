"""Behaviour of `manage.py paint`, which needs no database."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from django.core.management import CommandError, call_command

from generation import cppn
from generation.management.commands.paint import parse_seeds


def paint(command: str, *extra: str) -> str:
    """Run `manage.py paint` with the words of `command`, then `extra` as given."""
    out = io.StringIO()
    call_command("paint", *command.split(), *extra, stdout=out)
    return out.getvalue()


def test_paint_writes_one_png_and_one_recipe_per_seed(tmp_path):
    command = "--generator cppn --style ink --seeds 0-3 --size 48 --device cpu --out"
    paint(command, str(tmp_path))

    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == [f"cppn-ink-000{i}.png" for i in range(4)]
    assert len(list(tmp_path.glob("*.json"))) == 4
    for seed in range(4):
        stem = tmp_path / f"cppn-ink-{seed:04d}"
        with Image.open(stem.with_suffix(".png")) as image:
            assert image.size == (48, 48)
            assert image.mode == "RGB"
        recipe = json.loads(stem.with_suffix(".json").read_text())
        assert recipe == cppn.make_recipe(style="ink", seed=seed, size=48)


def test_painted_recipe_rerenders_the_same_pixels(tmp_path):
    paint("--style neon --seeds 9 --size 32 --device cpu --out", str(tmp_path))

    recipe = json.loads((tmp_path / "cppn-neon-0009.json").read_text())
    with Image.open(tmp_path / "cppn-neon-0009.png") as saved:
        rerendered = cppn.render_one(recipe, device="cpu")
        assert np.array_equal(np.asarray(saved), np.asarray(rerendered))


def test_paint_also_writes_a_contact_sheet_when_asked(tmp_path):
    sheet = tmp_path / "sheets" / "riso.png"

    paint(
        "--style riso --seeds 1,4 --size 32 --sheet", str(sheet), "--out", str(tmp_path)
    )

    with Image.open(sheet) as image:
        assert image.width > 2 * 32
        assert image.mode == "RGB"


def test_list_styles_prints_every_style_with_its_description():
    lines = paint("--list-styles").splitlines()

    assert lines == [f"{name}\t{text}" for name, text in cppn.list_styles()]
    assert {line.split("\t")[0] for line in lines} == set(cppn.STYLES)


@pytest.mark.parametrize("seeds", ["a-b", "5-2", "", "1,,2", "-3", "1.5"])
def test_bad_seeds_are_refused(tmp_path, seeds):
    with pytest.raises(CommandError, match="[Ss]eed"):
        paint("--seeds", seeds, "--out", str(tmp_path))
    assert not list(tmp_path.glob("*.png"))


def test_unknown_generator_is_refused_naming_the_known_ones(tmp_path):
    with pytest.raises(CommandError, match="Unknown generator 'gan'.*cppn"):
        paint("--generator", "gan", "--out", str(tmp_path))


def test_unknown_style_and_bad_size_are_refused(tmp_path):
    with pytest.raises(CommandError, match="Unknown style 'cubism'"):
        paint("--style", "cubism", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="outside 16..2048"):
        paint("--size", "4096", "--out", str(tmp_path))


def test_missing_out_folder_is_refused():
    with pytest.raises(CommandError, match="--out"):
        paint("--seeds", "0")


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("5", [5]), ("0-3", [0, 1, 2, 3]), ("3,7,9", [3, 7, 9]), ("0-2,9", [0, 1, 2, 9])],
)
def test_seed_lists_accept_numbers_ranges_and_commas(text, seeds):
    assert parse_seeds(text) == seeds
