"""Coarse colour names for the gallery's colour filter.

A submission's palette (hex colours, most common first) is reduced to the
family of its dominant colour, so "blue work" is one indexed equality filter
rather than a colour-distance search.
"""

from __future__ import annotations

import colorsys

FAMILIES: list[tuple[str, str]] = [
    ("red", "Red"),
    ("orange", "Orange"),
    ("yellow", "Yellow"),
    ("green", "Green"),
    ("cyan", "Cyan"),
    ("blue", "Blue"),
    ("purple", "Purple"),
    ("pink", "Pink"),
    ("brown", "Brown"),
    ("grey", "Grey"),
    ("black", "Black"),
    ("white", "White"),
]
FAMILY_NAMES = {name for name, _label in FAMILIES}

# Upper hue bounds in degrees, checked in order (red wraps around 360).
_HUES = [
    (15, "red"),
    (40, "orange"),
    (70, "yellow"),
    (165, "green"),
    (195, "cyan"),
    (255, "blue"),
    (290, "purple"),
    (340, "pink"),
    (360, "red"),
]


def _rgb(hex_colour: str) -> tuple[float, float, float] | None:
    value = hex_colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        return None
    try:
        r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    return r, g, b


def family_of(hex_colour: str) -> str:
    """Return the family name of one hex colour, or "" if it is not one."""
    rgb = _rgb(hex_colour)
    if rgb is None:
        return ""
    hue, sat, val = colorsys.rgb_to_hsv(*rgb)
    degrees = hue * 360
    if val < 0.18:
        return "black"
    if sat < 0.15 or (sat < 0.25 and val < 0.35):
        return "white" if val > 0.88 else "grey"
    if 15 <= degrees < 45 and val < 0.6:
        return "brown"
    for bound, name in _HUES:
        if degrees < bound:
            if name == "red" and sat < 0.45 and val > 0.75:
                return "pink"  # light, washed-out reds read as pink
            return name
    return "red"


def colour_family(palette: list[str]) -> str:
    """Return the family of a palette's dominant (first) colour."""
    for colour in palette or []:
        name = family_of(str(colour))
        if name:
            return name
    return ""
