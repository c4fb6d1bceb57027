"""Seed images from a compositional pattern-producing network (CPPN).

A CPPN is a small randomly weighted network that maps each pixel's position
(x, y and r, the distance from the centre) plus a per-image latent vector to
a few scalar fields. A style's shader turns those fields into a picture:
palette gradients, iso-lines, bands, washes or halftone dots.

`make_recipe` returns the whole "genome" of an image as JSON-ready data and
`render` turns recipes into pixels. Rendering reads only the recipe, so the
same recipe on the same device and path (eager or compiled, below) gives
the same pixels; the presets in
`STYLES` matter only when a recipe is made. Weights come from a CPU
`torch.Generator` and then move to the device, and big images are rendered
in row bands so memory stays bounded.

On worker code paths the network runs through `torch.compile` (see
`use_compiled`): the per-pixel MLP is mostly elementwise work around small
multiplies, which compiling fuses into the loops around them.

Only worker code paths import this module: it imports torch.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from PIL import Image

from generation import evolution
from generation.evolution import random_genome
from generation.palettes import DEFAULT_STYLE as DEFAULT_STYLE
from generation.palettes import STYLES as STYLES
from generation.palettes import Style as Style
from generation.palettes import gradient, hex_to_rgb

GENERATOR_NAME = "cppn"
GENERATOR_VERSION = "1"
MIN_SIZE, MAX_SIZE = 16, 2048
LATENT_DIM = evolution.LATENT_DIM
PREVIEW = 64  # grid used to find each field's range before the real render
BAND_PIXELS = 1 << 17  # pixels of one image in one row band
CHUNK_PIXELS = 1 << 19  # pixels of all images evaluated together (CUDA)
# On a CPU, bands of several images together spill out of cache: one image's
# band at a time is 15-60% faster (docs/performance.md), with the same pixels.
CPU_CHUNK_PIXELS = 1 << 17

Tensor = torch.Tensor
Device = torch.device
DeviceLike = torch.device | str | None
Network = Callable[[Tensor, list[tuple[Tensor, Tensor]], list[str]], Tensor]
# Compiled graphs per process: one per network shape (the presets have six),
# or two where chunks of one image and of several both occur. The headroom
# keeps new shapes from silently falling back to eager.
RECOMPILE_LIMIT = 64

logger = logging.getLogger(__name__)


def list_styles() -> list[tuple[str, str]]:
    """Return (name, one-line description) for every style, sorted by name."""
    return [(name, STYLES[name].description) for name in sorted(STYLES)]


def pick_device() -> torch.device:
    """Return the CUDA device when one is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def use_compiled(on: bool | None) -> None:
    """Run the network through `torch.compile` from now on, eagerly, or as set.

    `None` goes back to ATELIER_COMPILE: "auto" (the default) compiles
    inside Celery tasks, that is on the generation worker, "on" in every
    process, "off" nowhere; `manage.py paint` asks unless it is "off".
    Compiled pixels match eager ones to within a level on a few pixels, not
    bit for bit, so web processes and tests stay eager unless asked. Each
    network shape compiles at its first render, seconds to tens of seconds
    on a small CPU; shapes are dynamic, so other image sizes and band
    heights reuse the graph. If compiling fails, painting carries on eagerly
    with a logged warning.
    """
    global _choice
    _choice = on


def compiled() -> bool:
    """Return True when `render` runs the network through `torch.compile` now."""
    return _choice if _choice is not None else _setting_asks()


def _setting_asks() -> bool:
    """Return what ATELIER_COMPILE asks for here ("auto" outside Django)."""
    from celery import current_task

    from django.conf import settings

    mode = "auto"
    if settings.configured:
        mode = getattr(settings, "ATELIER_COMPILE", mode)
    return mode == "on" or (mode == "auto" and bool(current_task))


_choice: bool | None = None  # use_compiled's; None follows ATELIER_COMPILE
_compiled_forward: Network | None = None


def _network() -> Network:
    """Return the network function `render` uses: compiled or eager."""
    return _forward_compiled if compiled() else _forward


def _forward_compiled(
    x: Tensor, layers: list[tuple[Tensor, Tensor]], acts: list[str]
) -> Tensor:
    global _compiled_forward
    if _compiled_forward is None:
        config = torch._dynamo.config
        config.recompile_limit = max(config.recompile_limit, RECOMPILE_LIMIT)
        _compiled_forward = torch.compile(_forward, dynamic=True)
    try:
        return _compiled_forward(x, layers, acts)
    except Exception:
        logger.warning(
            "Compiling the CPPN network failed; painting eagerly.", exc_info=True
        )
        use_compiled(False)
        return _forward(x, layers, acts)


def make_recipe(*, style: str, seed: int, size: int) -> dict:
    """Return the full JSON-ready recipe for image `seed` of `style` at `size`.

    Everything `render` needs is in the recipe; the same arguments always
    give the same recipe. Raise `ValueError` for an unknown style, a seed
    that is not an integer or a size outside 16..2048.
    """
    if style not in STYLES:
        known = ", ".join(sorted(STYLES))
        raise ValueError(f"Unknown style {style!r}; known styles: {known}.")
    _check_size(size)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"Seed must be an integer, not {seed!r}.")
    return random_genome(style=style, seed=seed, size=size)


def render_one(recipe: dict, *, device: DeviceLike = None) -> Image.Image:
    """Render one recipe to an RGB image."""
    return render([recipe], device=device)[0]


def render(recipes: list[dict], *, device: DeviceLike = None) -> list[Image.Image]:
    """Render `recipes` to RGB images, in the same order.

    Recipes of the same size and network shape run through the network as
    one batched tensor computation, in row bands of a height that depends
    only on the size, so a recipe's pixels do not depend on its neighbours.
    """
    dev = torch.device(device) if device is not None else pick_device()
    for recipe in recipes:
        _check_recipe(recipe)
    groups: dict[tuple, list[int]] = {}
    for i, recipe in enumerate(recipes):
        arch = recipe["architecture"]
        key = (recipe["size"], arch["width"], tuple(arch["activations"]))
        groups.setdefault(key, []).append(i)
    images: list[Image.Image | None] = [None] * len(recipes)
    with torch.inference_mode():
        for (size, _, _), indexes in groups.items():
            band = max(1, min(size, BAND_PIXELS // (size + 1)))
            budget = CHUNK_PIXELS if dev.type == "cuda" else CPU_CHUNK_PIXELS
            per_chunk = max(1, budget // ((band + 1) * (size + 1)))
            for start in range(0, len(indexes), per_chunk):
                chunk = indexes[start : start + per_chunk]
                pixels = _render_chunk([recipes[i] for i in chunk], size, band, dev)
                for i, array in zip(chunk, pixels, strict=True):
                    images[i] = Image.fromarray(array.numpy())
    return images  # type: ignore[return-value]


def _check_size(size: object) -> None:
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValueError(f"Size must be an integer, not {size!r}.")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"Size {size} is outside {MIN_SIZE}..{MAX_SIZE} pixels.")


def _check_recipe(recipe: dict) -> None:
    if recipe.get("generator") != GENERATOR_NAME:
        raise ValueError(f"Recipe is for generator {recipe.get('generator')!r}.")
    if recipe.get("version") != GENERATOR_VERSION:
        raise ValueError(f"Recipe version {recipe.get('version')!r} is not supported.")
    required = "size palette architecture latent weights_seed transform shader params"
    missing = [key for key in required.split() if key not in recipe]
    if missing:
        raise ValueError(f"Recipe lacks {', '.join(missing)}.")
    _check_size(recipe["size"])
    if recipe["shader"] not in SHADERS:
        raise ValueError(f"Unknown shader {recipe['shader']!r}.")


# -- network -------------------------------------------------------------------

# In place: each overwrites its block of the layer's output.
ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "tanh": torch.Tensor.tanh_,
    "sin": torch.Tensor.sin_,
    "gauss": lambda h: h.mul_(h).neg_().exp_(),  # exp(-h * h)
}


def _weights(recipe: dict) -> list[tuple[Tensor, Tensor]]:
    """Draw the layer weights on the CPU; the latent is folded into bias 0."""
    arch = recipe["architecture"]
    gen = torch.Generator().manual_seed(int(recipe["weights_seed"]))
    width, depth = arch["width"], len(arch["activations"])
    dims = [3 + arch["latent_dim"]] + [width] * depth + [arch["outputs"]]
    layers = []
    for i, (d_in, d_out) in enumerate(zip(dims, dims[1:], strict=False)):
        std = 1.0 if i == 0 else arch["gain"] / math.sqrt(d_in)
        w = torch.randn(d_in, d_out, generator=gen) * std
        b = torch.randn(d_out, generator=gen) * (0.5 if i == 0 else std)
        layers.append((w, b))
    w0, b0 = layers[0]
    z = torch.tensor(recipe["latent"], dtype=torch.float32)
    layers[0] = (w0[:3].contiguous(), b0 + z @ w0[3:])
    return layers


def _forward(x: Tensor, layers: list[tuple[Tensor, Tensor]], acts: list[str]) -> Tensor:
    """Run the stacked network: x (B, N, 3) -> fields (B, N, outputs).

    Activations overwrite the layer's output block by block: the same
    values as activating each block apart and joining them with `torch.cat`,
    without the copies.
    """
    for (w, b), spec in zip(layers, [*acts, ""], strict=True):
        x = torch.baddbmm(b.unsqueeze(1), x, w)
        if spec:
            names = spec.split("+")
            for name, block in zip(names, x.tensor_split(len(names), -1), strict=True):
                ACTIVATIONS[name](block)
    return x


def _coords(transform: dict, size: int, row0: int, rows: int, dev: Device) -> Tensor:
    """Return network inputs (N, 3) for rows row0..row0+rows, plus one row and column.

    The extra row and column let shaders take forward differences, so line
    widths are measured in pixels without seams between bands.
    """
    ys = (torch.arange(row0, row0 + rows + 1, device=dev) + 0.5) / size * 2 - 1
    xs = (torch.arange(size + 1, device=dev) + 0.5) / size * 2 - 1
    y, x = torch.meshgrid(ys, xs, indexing="ij")
    c, s = math.cos(transform["rotation"]), math.sin(transform["rotation"])
    u, v = c * x - s * y, s * x + c * y
    if transform["symmetry"] == "mirror":
        u = u.abs()
    elif transform["symmetry"] == "radial":
        wedge = 2 * math.pi / transform["folds"]
        theta = torch.remainder(torch.atan2(v, u), wedge)
        theta = (theta - wedge / 2).abs()
        rad = torch.hypot(u, v)
        u, v = rad * torch.cos(theta), rad * torch.sin(theta)
    zoom = transform["zoom"]
    ox, oy = transform["offset"]
    return torch.stack([u * zoom + ox, v * zoom + oy, torch.hypot(u, v) * zoom], -1)


def _inputs(recipes: list[dict], size: int, r0: int, rows: int, dev: Device) -> Tensor:
    """Return the stacked network inputs (B, N, 3) of a row band."""
    batch = [_coords(r["transform"], size, r0, rows, dev) for r in recipes]
    return torch.stack(batch).flatten(1, 2)


def _render_chunk(recipes: list[dict], size: int, band: int, dev: Device) -> list:
    """Return (size, size, 3) uint8 CPU tensors for recipes sharing one network shape.

    Each field is scaled so its 2nd..98th percentile, measured on a fixed
    preview grid, spans 0..1: every seed gets full contrast, and the look
    does not change with the image size.
    """
    acts = recipes[0]["architecture"]["activations"]
    per_item = [_weights(r) for r in recipes]
    layers = [
        (
            torch.stack([w for w, _ in layer]).to(dev),
            torch.stack([b for _, b in layer]).to(dev),
        )
        for layer in zip(*per_item, strict=True)
    ]
    network = _network()
    preview = network(_inputs(recipes, PREVIEW, 0, PREVIEW, dev), layers, acts)
    lo, hi = torch.quantile(preview, torch.tensor([0.02, 0.98], device=dev), dim=1)
    span = torch.where(hi - lo > 1e-6, hi - lo, torch.ones_like(hi))
    stops = [
        torch.tensor([hex_to_rgb(h) for h in r["palette"]], device=dev) for r in recipes
    ]
    out = [torch.empty(size, size, 3, dtype=torch.uint8) for _ in recipes]
    for row0 in range(0, size, band):
        rows = min(band, size - row0)
        raw = network(_inputs(recipes, size, row0, rows, dev), layers, acts)
        fields = raw.sub_(lo[:, None]).div_(span[:, None]).unflatten(1, (rows + 1, -1))
        for k, recipe in enumerate(recipes):
            f = fields[k].permute(2, 0, 1)
            ctx = Ctx(f, stops[k], recipe["params"], size, row0, recipe["seed"])
            rgb = SHADERS[recipe["shader"]](ctx).clamp(0, 1).mul_(255).add_(0.5)
            out[k][row0 : row0 + rows] = rgb.to(torch.uint8).permute(1, 2, 0).cpu()
    return out


# -- shaders -------------------------------------------------------------------


@dataclass
class Ctx:
    """What a shader sees: normalised fields (C, h+1, w+1) and the recipe bits."""

    f: Tensor
    stops: Tensor
    p: dict
    size: int
    row0: int
    seed: int

    @property
    def scale(self) -> float:
        """Pixels per pixel of a 512-px image, so widths follow the size."""
        return self.size / 512

    def field(self, k: int) -> Tensor:
        """Return field `k` cropped to the band's own pixels."""
        return self.f[k, :-1, :-1]

    def slope(self, f: Tensor) -> tuple[Tensor, Tensor]:
        """Return forward differences per pixel (x, y) of an uncropped field."""
        return f[:-1, 1:] - f[:-1, :-1], f[1:, :-1] - f[:-1, :-1]

    def grad(self, f: Tensor) -> Tensor:
        """Return |grad f| per pixel of an uncropped field."""
        return torch.hypot(*self.slope(f)) + 1e-7

    def pixels(self) -> tuple[Tensor, Tensor]:
        """Return pixel-centre coordinates (x, y) of the uncropped field grid."""
        rows = torch.arange(self.f.shape[1], device=self.f.device) + self.row0 + 0.5
        cols = torch.arange(self.f.shape[2], device=self.f.device) + 0.5
        return torch.meshgrid(cols, rows, indexing="xy")

    def colour(self, i: int) -> Tensor:
        """Return palette colour `i` shaped (3, 1, 1) to broadcast over pixels."""
        return self.stops[i].view(3, 1, 1)

    def noise(self, salt: int) -> Tensor:
        """Return a per-pixel uniform hash in 0..1, stable across devices."""
        x, y = (t[:-1, :-1].long() for t in self.pixels())
        key = (self.seed * 83492791 + salt) & 0xFFFFFFFF
        v = ((y * 73856093) ^ (x * 19349663) ^ key) & 0xFFFFFFFF
        for _ in range(2):
            v = (((v >> 16) ^ v) * 0x45D9F3B) & 0xFFFFFFFF
        return ((v >> 16) ^ v).float() / 4294967296.0


def _smooth(e0: float, e1: float, x: Tensor) -> Tensor:
    t = ((x - e0) / (e1 - e0)).clamp(0, 1)
    return t * t * (3 - 2 * t)


def _iso_distance(f: Tensor, g: Tensor, levels: float) -> Tensor:
    """Return the distance in pixels to the nearest iso-line f = k / levels."""
    scaled = f * levels
    return (scaled - scaled.round()).abs() / (levels * g)


def _cover(dist: Tensor, width: float | Tensor) -> Tensor:
    """Return antialiased coverage of a line `width` px wide at `dist` px."""
    return (width * 0.5 - dist + 0.5).clamp(0, 1)


def _lerp(a: Tensor, b: Tensor, t: Tensor) -> Tensor:
    return a + (b - a) * t


def _nebula(c: Ctx) -> Tensor:
    f0, f1, f2 = c.field(0), c.field(1), c.field(2)
    gas = _smooth(0.0, 1.0, f1) ** c.p["contrast"]
    dust = _smooth(0.55, 1.0, f2) * 0.8
    light = gas * (1 - dust) * (0.6 + 0.6 * f0.clamp(0, 1))
    col = gradient(c.stops, 0.25 * f0.clamp(0, 1) + 0.75 * light) * (0.3 + 1.6 * light)
    col = 1 - torch.exp(-1.4 * col)  # soft highlights instead of flat white
    star = (c.noise(1) < c.p["stars"]).float() * c.noise(2) ** 2 * (1 - 0.7 * gas)
    return col + star


def _ink(c: Ctx) -> Tensor:
    f0, f1, f2 = c.field(0), c.field(1), c.field(2)
    width = c.p["stroke"] * c.scale * (0.08 + 1.2 * f2.clamp(0, 1) ** 2)
    strokes = _cover(_iso_distance(f0, c.grad(c.f[0]), c.p["levels"]), width)
    wash = _smooth(c.p["wash"], c.p["wash"] + 0.15, f1) * (0.22 + 0.1 * c.noise(1))
    blot = _smooth(0.9, 0.95, f0)
    amount = (strokes + wash + blot).clamp(0, 1)
    col = _lerp(c.colour(0), c.colour(1), amount)
    seal = _smooth(0.95, 0.97, f2) * (1 - amount)
    col = _lerp(col, c.colour(2), seal * 0.85)
    return col * (0.96 + 0.04 * c.noise(2))


def _stained_glass(c: Ctx) -> Tensor:
    n0, n1 = c.p["bands0"], c.p["bands1"]
    a = (c.field(0).clamp(0, 0.9999) * n0).floor().long()
    b = (c.field(1).clamp(0, 0.9999) * n1).floor().long()
    panes = c.stops.shape[0] - 1
    idx = (a * 3 + b * 5 + c.p["shift"]) % panes + 1
    col = c.stops[idx].permute(2, 0, 1)
    col = col * (0.7 + 0.45 * c.field(2).clamp(0, 1)) * (0.93 + 0.07 * c.noise(1))
    width = c.p["lead"] * c.scale
    lead = torch.maximum(
        _cover(_iso_distance(c.field(0), c.grad(c.f[0]), n0), width),
        _cover(_iso_distance(c.field(1), c.grad(c.f[1]), n1), width),
    )
    return _lerp(col, c.colour(0), lead)


def _topographic(c: Ctx) -> Tensor:
    sea, levels = c.p["sea"], c.p["levels"]
    e = c.field(0)
    g = c.grad(c.f[0])
    t = ((e - sea) / (1 - sea) * 0.85).clamp(0, 0.9999)
    terrace = (t * levels).floor() / levels
    land = gradient(c.stops[2:-1], 0.3 * t + 0.7 * terrace)
    fx, fy = (d * c.size * c.p["relief"] for d in c.slope(c.f[0]))
    shade = (fx * 0.6 + fy * 0.6 + 1.0) / torch.sqrt(fx * fx + fy * fy + 1.0)
    land = land * (0.7 + 0.3 * shade.clamp(0, 1.3))
    gt = g / (1 - sea) * 0.85
    minor = _cover(_iso_distance(t, gt, levels), 0.9 * c.scale) * 0.45
    major = _cover(_iso_distance(t, gt, levels / 5), 1.8 * c.scale) * 0.7
    ink = c.colour(-1)
    land = _lerp(land, ink, torch.maximum(minor, major))
    water = _lerp(c.colour(0), c.colour(1), _smooth(sea - 0.25, sea, e))
    depth = _cover(_iso_distance(e - sea, g, levels / 2), 0.8 * c.scale)
    water = _lerp(water, c.colour(1), depth * 0.3)
    is_land = _smooth(sea - 0.002, sea + 0.002, e)
    col = _lerp(water, land, is_land)
    coast = _cover((e - sea).abs() / g, 1.6 * c.scale)
    return _lerp(col, ink, coast * 0.8)


def _watercolour(c: Ctx) -> Tensor:
    col = c.colour(0).expand(3, *c.field(0).shape).clone()
    covered = torch.zeros_like(c.field(0))
    for k in range(3):
        fk = c.field(k)
        th = c.p[f"t{k}"]
        mask = _smooth(th - 0.02, th + 0.02, fk)
        edge = torch.exp(-(((fk - th) / 0.06) ** 2)) * mask
        body = 0.5 + 0.5 * c.field((k + 1) % 3).clamp(0, 1)
        dens = c.p["alpha"] * mask * body * (0.92 + 0.16 * c.noise(k + 1)) + 0.3 * edge
        dens = dens.clamp(0, 1) * (1 - 0.45 * covered)  # keeps glazes from mud
        covered = torch.maximum(covered, mask)
        col = col * (1 - dens * (1 - c.colour(k + 1)))
    return col * (0.97 + 0.03 * c.noise(7))


def _neon(c: Ctx) -> Tensor:
    levels = c.p["levels"]
    tube, glow = c.p["tube"] * c.scale, c.p["glow"] * c.scale
    col = c.colour(0).expand(3, *c.field(0).shape).clone()
    tubes = c.stops.shape[0] - 1
    for k in range(2):
        fk = c.field(k)
        dist = _iso_distance(fk, c.grad(c.f[k]), levels + k)
        idx = ((fk * (levels + k)).round().long() + k) % tubes + 1
        hue = c.stops[idx].permute(2, 0, 1)
        core = _cover(dist, tube)
        col = col + hue * (torch.exp(-dist / glow) * 0.6 + core) + core * 0.6
    return col


def _marble(c: Ctx) -> Tensor:
    base = gradient(c.stops[:-2], _smooth(0.0, 1.0, c.field(2)))
    a = math.radians(c.p["angle"])
    x, y = (t / c.size * 2 - 1 for t in c.pixels())
    across = (x * math.cos(a) + y * math.sin(a)) * c.p["bands"]
    v_full = across + c.p["warp"] * c.f[0]
    v, g = v_full[:-1, :-1], c.grad(v_full)
    dist = _iso_distance(v, g, 1)
    width = c.p["vein"] * c.scale * (0.05 + 1.6 * c.field(1).clamp(0, 1) ** 3)
    cloud = torch.exp(-dist / (20 * c.scale)) * 0.25
    col = _lerp(base, c.colour(-2), cloud + _cover(dist, width) * 0.9)
    web = _iso_distance(v + 0.4 * c.field(2), g, 3)
    web_alpha = 0.3 * _smooth(0.3, 0.8, c.field(1))
    col = _lerp(col, c.colour(-2), _cover(web, 0.8 * c.scale) * web_alpha)
    seam = _iso_distance(v + 0.5, g, 1)
    seam_w = 1.5 * c.scale * _smooth(0.6, 0.9, c.field(2))
    return _lerp(col, c.colour(-1), _cover(seam, seam_w) * 0.8)


def _riso(c: Ctx) -> Tensor:
    cell = max(3.0, c.p["cell"] * c.scale)
    x, y = (t[:-1, :-1] for t in c.pixels())
    col = c.colour(0).expand(3, *x.shape).clone()
    for k, (angle, shift) in enumerate(((c.p["angle"], 0.0), (c.p["angle"] + 45, 1.5))):
        a = math.radians(angle)
        xs, ys = x + shift * c.scale, y + shift * c.scale
        u = (xs * math.cos(a) + ys * math.sin(a)) / cell
        v = (-xs * math.sin(a) + ys * math.cos(a)) / cell
        d = torch.hypot(u - u.round(), v - v.round()) * cell
        tone = _smooth(0.15, 1.0, c.field(k)) ** c.p["gamma"]
        if k == 0:  # a flat solid shape printed with the first ink
            tone = torch.maximum(
                tone * 0.8, _smooth(-0.01, 0.01, c.field(2) - c.p["shape"])
            )
        dots = _cover(d, 2 * cell * torch.sqrt(tone / math.pi) * 1.1)
        dots = dots * (0.8 + 0.2 * c.noise(k + 1))
        col = col * (1 - dots * (1 - c.colour(k + 1)))
    return col


SHADERS: dict[str, Callable[[Ctx], Tensor]] = {
    fn.__name__[1:]: fn
    for fn in (_nebula, _ink, _stained_glass, _topographic, _watercolour, _neon)
    + (_marble, _riso)
}
