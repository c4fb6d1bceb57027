"""The studio's recipe of steps: which operations exist and what they accept.

A recipe is a list of steps, each `{"op": name, "params": {...}}`, applied
in order to a seed (see `studio_render.py` for what each one does to the
pixels and `docs/studio.md` for the guide). `clean_steps` checks a recipe
strictly -- known operations, known parameters, values in range, at most
`MAX_STEPS` steps -- and returns it in canonical form (every parameter
present, numbers as the renderer reads them), so the stored recipe is
exactly what the render used. The same table drives the page's controls
(`static/js/studio-tools.js` reads it from the page as JSON).
"""

from __future__ import annotations

import re
from typing import Any

from art_tasks.errors import InvalidRecipe

MAX_STEPS = 40
RATIOS = {"free": None, "1:1": (1, 1), "4:5": (4, 5), "3:2": (3, 2), "16:9": (16, 9)}
BLEND_MODES = ("normal", "multiply", "screen", "overlay", "soft_light", "difference")
MASKS = ("none", "upload", "linear", "radial")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _num(lo: float, hi: float, default: float) -> dict[str, Any]:
    return {"kind": "num", "min": lo, "max": hi, "default": default}


def _int(lo: int, hi: int, default: int) -> dict[str, Any]:
    return {"kind": "int", "min": lo, "max": hi, "default": default}


def _choice(choices: tuple[str, ...] | list[str], default: str) -> dict[str, Any]:
    return {"kind": "choice", "choices": list(choices), "default": default}


def _bool(default: bool) -> dict[str, Any]:
    return {"kind": "bool", "default": default}


def _colour(default: str) -> dict[str, Any]:
    return {"kind": "colour", "default": default}


# Sizes that depend on the picture (blur radius, halftone cell) are
# fractions of its shorter side, so the downscaled preview and the
# full-size render agree.
OPS: dict[str, dict[str, dict[str, Any]]] = {
    "crop": {
        "ratio": _choice(list(RATIOS), "free"),
        "x": _num(0, 1, 0),
        "y": _num(0, 1, 0),
        "w": _num(0.02, 1, 1),
        "h": _num(0.02, 1, 1),
    },
    "rotate": {"quarter": _int(0, 3, 0), "angle": _num(-45, 45, 0)},
    "flip": {"axis": _choice(("h", "v"), "h")},
    "levels": {
        "black": _int(0, 254, 0),
        "white": _int(1, 255, 255),
        "gamma": _num(0.1, 10, 1),
    },
    "curves": {"points": {"kind": "points", "default": [[0, 0], [255, 255]]}},
    "duotone": {"shadow": _colour("#1f1d1a"), "highlight": _colour("#f3efe8")},
    "gradient_map": {"colours": {"kind": "colours", "default": ["#000000", "#ffffff"]}},
    "halftone": {
        "size": _num(0.005, 0.1, 0.02),
        "angle": _num(0, 90, 45),
        "mix": _num(0, 1, 1),
    },
    "grain": {
        "amount": _num(0, 1, 0.2),
        "seed": _int(0, 2**31 - 1, 0),
        "mono": _bool(True),
    },
    "blur": {"radius": _num(0, 0.05, 0.005)},
    "sharpen": {"amount": _num(0, 5, 1), "radius": _num(0.001, 0.02, 0.004)},
    "posterise": {"levels": _int(2, 32, 4)},
    "colour_balance": {
        "r": _int(-100, 100, 0),
        "g": _int(-100, 100, 0),
        "b": _int(-100, 100, 0),
    },
    "blend": {
        "mode": _choice(BLEND_MODES, "normal"),
        "opacity": _num(0, 1, 1),
        "mask": _choice(MASKS, "none"),
        "angle": _num(0, 360, 90),
        "cx": _num(0, 1, 0.5),
        "cy": _num(0, 1, 0.5),
        "radius": _num(0.05, 2, 0.5),
        "invert": _bool(False),
    },
}


def _bad(index: int, op: str, message: str) -> InvalidRecipe:
    return InvalidRecipe(f"Step {index + 1} ({op}): {message}")


def _clean_value(spec: dict[str, Any], value: Any, where: str) -> Any:  # noqa: ANN401, C901, PLR0911, PLR0912
    """Return `value` checked against `spec`, or raise ValueError saying why."""
    kind = spec["kind"]
    if kind in ("num", "int"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{where} must be a number")
        if kind == "int" and value != int(value):
            raise ValueError(f"{where} must be a whole number")
        if not spec["min"] <= value <= spec["max"]:
            raise ValueError(f"{where} must be between {spec['min']} and {spec['max']}")
        return int(value) if kind == "int" else round(float(value), 6)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false")
        return value
    if kind == "choice":
        if value not in spec["choices"]:
            raise ValueError(f"{where} must be one of {', '.join(spec['choices'])}")
        return value
    if kind == "colour":
        if not isinstance(value, str) or not _HEX.match(value):
            raise ValueError(f"{where} must be a colour like #a1b2c3")
        return value.lower()
    if kind == "colours":
        if not isinstance(value, list) or not 2 <= len(value) <= 8:
            raise ValueError(f"{where} must list 2 to 8 colours")
        return [_clean_value(_colour(""), v, where) for v in value]
    if kind == "points":
        if not isinstance(value, list) or not 2 <= len(value) <= 16:
            raise ValueError(f"{where} must list 2 to 16 points [x, y]")
        points = []
        for point in value:
            if not (isinstance(point, list) and len(point) == 2):
                raise ValueError(f"{where} must be pairs [x, y]")
            points.append([_clean_value(_int(0, 255, 0), v, where) for v in point])
        xs = [x for x, _ in points]
        if any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
            raise ValueError(f"{where}: x must increase from point to point")
        return points
    raise ValueError(f"{where} is of an unknown kind")  # pragma: no cover


def _outside(crop: dict[str, Any]) -> bool:
    """Return whether a crop box leaves the picture.

    A preset ratio derives the height from the width (and shrinks to fit),
    so only a free crop's height is checked.
    """
    if crop["x"] + crop["w"] > 1.000001 or crop["y"] >= 1:
        return True
    return crop["ratio"] == "free" and crop["y"] + crop["h"] > 1.000001


def _clean_step(index: int, step: Any) -> dict[str, Any]:  # noqa: ANN401
    if not isinstance(step, dict) or set(step) - {"op", "params"}:
        raise InvalidRecipe(f"Step {index + 1} must be an object with op and params.")
    op = step.get("op")
    if op not in OPS:
        raise InvalidRecipe(
            f"Step {index + 1}: unknown operation {str(op)[:40]!r}; "
            f"known: {', '.join(OPS)}."
        )
    params = step.get("params") or {}
    if not isinstance(params, dict):
        raise _bad(index, op, "params must be an object.")
    table = OPS[op]
    unknown = sorted(set(params) - set(table))
    if unknown:
        raise _bad(index, op, f"unknown parameter {unknown[0][:40]!r}.")
    clean = {}
    for name, spec in table.items():
        value = params.get(name, spec["default"])
        try:
            clean[name] = _clean_value(spec, value, name)
        except ValueError as exc:
            raise _bad(index, op, f"{exc}.") from None
    if op == "crop" and _outside(clean):
        raise _bad(index, op, "the box must lie inside the picture.")
    if op == "levels" and clean["white"] <= clean["black"]:
        raise _bad(index, op, "white must be above black.")
    return {"op": op, "params": clean}


def clean_steps(
    steps: Any,  # noqa: ANN401 - whatever the request held
    *,
    has_layer: bool = False,
    has_mask: bool = False,
) -> list[dict[str, Any]]:
    """Return the recipe `steps` checked and in canonical form.

    Raises `InvalidRecipe` (a 400) naming the first step at fault. A blend
    step needs the uploaded layer, and a blend step masked by an upload
    needs the uploaded mask.
    """
    if not isinstance(steps, list):
        raise InvalidRecipe("The recipe must be a list of steps.")
    if len(steps) > MAX_STEPS:
        raise InvalidRecipe(f"A recipe has at most {MAX_STEPS} steps.")
    clean = [_clean_step(i, step) for i, step in enumerate(steps)]
    for i, step in enumerate(clean):
        if step["op"] != "blend":
            continue
        if not has_layer:
            raise _bad(i, "blend", "upload the layer to blend with the seed.")
        if step["params"]["mask"] == "upload" and not has_mask:
            raise _bad(i, "blend", "upload the mask it uses.")
    return clean


def ops_table() -> dict[str, Any]:
    """Return the operations, their parameters and the limits, for the page."""
    return {"ops": OPS, "max_steps": MAX_STEPS, "ratios": RATIOS}
