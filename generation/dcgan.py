"""A small DCGAN: the learned generator trained on the accepted gallery.

The generator maps a latent vector to a square image of its training size
(16, 32, 64 or 128 px) with transposed convolutions; the discriminator mirrors
it with strided convolutions (Radford et al., 2015). `generation.training`
trains the pair; this module builds, saves, loads and renders.

A recipe names a registered version and a seed::

    {"generator": "gallery", "version": "3", "seed": 17, "size": 512,
     "weights": "gallery/3/generator.pt", "train_size": 64, "nz": 100, ...}

The latent comes from a CPU `torch.Generator` seeded with the recipe's seed,
and the generator runs in eval mode, so the same recipe gives the same
pixels on the same device (on the CPU, whatever else is in the batch). Weights load once
per process and device (from the bucket, when object storage is configured,
they are downloaded once per process too); CUDA renders in half precision
(autocast), the CPU in fp32. Output larger than the training size is
upsampled with Pillow's Lanczos filter.

Only worker code paths import this module: it imports torch.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch import nn

from generation.registry import DCGAN, DCGAN_SIZES

FORMAT = 1
GENERATOR_FILE = "generator.pt"
CHECKPOINT_FILE = "checkpoint.pt"
DEFAULTS = {"nz": 100, "ngf": 64, "ndf": 64}
MAX_BATCH = 64  # latents per forward pass; bounds memory for big requests
MIN_SIZE, MAX_SIZE = 16, 2048
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SAFE_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$")

Tensor = torch.Tensor
DeviceLike = torch.device | str | None


# -- networks ------------------------------------------------------------------


def check_size(size: object) -> int:
    """Return `size` if the networks can be built for it, else raise ValueError."""
    if isinstance(size, bool) or size not in DCGAN_SIZES:
        sizes = ", ".join(str(s) for s in DCGAN_SIZES)
        raise ValueError(f"A DCGAN trains at {sizes} px, not {size!r}.")
    return int(size)  # type: ignore[call-overload]


def model_params(*, size: int, **overrides: Any) -> dict:
    """Return the full network parameters: `size` plus nz, ngf and ndf."""
    params = {"architecture": DCGAN, "size": check_size(size), **DEFAULTS}
    params.update({k: int(v) for k, v in overrides.items() if k in DEFAULTS})
    return params


def _upsamplings(size: int) -> int:
    """Return how many times a 4 x 4 map doubles to reach `size`."""
    return int(math.log2(check_size(size) // 4))


class Generator(nn.Module):
    """Map latents (B, nz, 1, 1) to images (B, 3, size, size) in -1..1."""

    def __init__(self, *, size: int, nz: int, ngf: int) -> None:
        super().__init__()
        steps = _upsamplings(size)
        channels = ngf * 2 ** (steps - 1)
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(nz, channels, 4, 1, 0, bias=False),
            nn.BatchNorm2d(channels),
            nn.ReLU(inplace=True),
        ]
        for _ in range(steps - 1):
            layers += [
                nn.ConvTranspose2d(channels, channels // 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(channels // 2),
                nn.ReLU(inplace=True),
            ]
            channels //= 2
        layers += [nn.ConvTranspose2d(channels, 3, 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.size, self.nz, self.ngf = size, nz, ngf

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """Score images (B, 3, size, size): a high logit means "looks real"."""

    def __init__(self, *, size: int, ndf: int) -> None:
        super().__init__()
        steps = _upsamplings(size)
        channels = ndf
        layers: list[nn.Module] = [
            nn.Conv2d(3, channels, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
        ]
        for _ in range(steps - 1):
            layers += [
                nn.Conv2d(channels, channels * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(channels * 2),
                nn.LeakyReLU(0.2, inplace=True),
            ]
            channels *= 2
        layers.append(nn.Conv2d(channels, 1, 4, 1, 0, bias=False))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x).flatten()


def build_generator(params: dict, *, seed: int | None = None) -> Generator:
    """Return a generator for `params`, initialised from `seed` when given."""
    model = Generator(size=params["size"], nz=params["nz"], ngf=params["ngf"])
    if seed is not None:
        init_weights(model, torch.Generator().manual_seed(seed))
    return model


def build_discriminator(params: dict, *, seed: int | None = None) -> Discriminator:
    """Return a discriminator for `params`, initialised from `seed` when given."""
    model = Discriminator(size=params["size"], ndf=params["ndf"])
    if seed is not None:
        init_weights(model, torch.Generator().manual_seed(seed))
    return model


def init_weights(model: nn.Module, generator: torch.Generator) -> None:
    """Draw DCGAN's initial weights: N(0, 0.02) convolutions, N(1, 0.02) norms."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Conv2d | nn.ConvTranspose2d):
                nn.init.normal_(module.weight, 0.0, 0.02, generator=generator)
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.normal_(module.weight, 1.0, 0.02, generator=generator)
                nn.init.zeros_(module.bias)


def calibrate_batchnorm(
    model: Generator,
    *,
    seed: int,
    device: torch.device,
    batches: int = 16,
    batch_size: int = 64,
) -> Generator:
    """Recompute BatchNorm's running statistics for the final weights.

    Rendering runs in eval mode, so each image depends only on its own
    latent; eval mode then uses the running statistics, which lag behind
    the weights (momentum 0.1) and are far off after a short training.
    A cumulative average over fresh latents fixes that. Return `model` in
    eval mode.
    """
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    rng = torch.Generator().manual_seed(seed)
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            z = torch.randn(batch_size, model.nz, 1, 1, generator=rng)
            model(z.to(device))
    for m, momentum in zip(norms, momenta, strict=True):
        m.momentum = momentum
    return model.eval()


def layer_flops(params: dict) -> list[tuple[str, int, int, int]]:
    """Return (name, rows, inner, cols) of the matrix multiply behind each layer.

    A transposed convolution is one GEMM per image, (H_in * W_in, c_in) by
    (c_in, c_out * k * k), followed by a scatter-add (col2im); its FLOPs are
    2 * rows * inner * cols per image. Norms and activations are left out.
    """
    shapes = []
    model = Generator(size=params["size"], nz=params["nz"], ngf=params["ngf"])
    side = 1
    for i, layer in enumerate(
        m for m in model.net if isinstance(m, nn.ConvTranspose2d)
    ):
        k = layer.kernel_size[0]
        shapes.append(
            (
                f"deconv{i + 1}",
                side * side,
                layer.in_channels,
                layer.out_channels * k * k,
            )
        )
        side = 4 if i == 0 else side * 2
    return shapes


# -- files ---------------------------------------------------------------------


def models_dir() -> Path:
    """Return the folder that holds trained weights (``ATELIER_MODELS_DIR``)."""
    from django.conf import settings

    return Path(settings.ATELIER_MODELS_DIR)


def version_dir(name: str, version: str) -> Path:
    """Return ``<models dir>/<name>/<version>``; refuse names that escape it."""
    if not SAFE_NAME.match(name) or not SAFE_VERSION.match(version):
        raise ValueError(f"Unsafe generator name or version {name!r}@{version!r}.")
    return models_dir() / name / version


def weights_path(weights: str, sha256: str = "") -> Path:
    """Return the local file a recipe's ``weights`` names.

    An absolute path is used as it is. A relative name is in the models dir,
    or, with object storage configured, in the bucket: then this process
    downloads it once (checked against `sha256` when given) and answers the
    local copy (`core.storage.local_weights`).
    """
    from core import storage

    path = Path(weights)
    if path.is_absolute():
        return path
    if storage.s3_enabled():
        return storage.local_weights(weights, sha256)
    return models_dir() / path


def publish_weights(weights: str, path: Path) -> None:
    """Copy the local weights file `path` to the bucket as `weights`, if one is set."""
    from core import storage

    storage.store_weights(weights, path)


def _atomic_save(obj: object, path: Path) -> None:
    """Write `obj` with torch.save so a crash never leaves a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def save_generator(model: Generator, path: Path) -> str:
    """Save the generator's weights and shape to `path`; return their sha256."""
    state = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    params = {"architecture": DCGAN, "size": model.size, "nz": model.nz}
    params["ngf"] = model.ngf
    _atomic_save({"format": FORMAT, "params": params, "state_dict": state}, path)
    return file_sha256(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_generator(path: Path | str, *, device: DeviceLike = "cpu") -> Generator:
    """Load a fresh generator in eval mode from a file `save_generator` wrote."""
    data = torch.load(path, map_location="cpu", weights_only=True)
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a generator file of format {FORMAT}.")
    model = build_generator(data["params"])
    model.load_state_dict(data["state_dict"])
    return model.to(device).eval()


def save_checkpoint(path: Path, **state: Any) -> None:
    """Save a training checkpoint: networks, optimisers, epoch, losses, RNGs."""
    _atomic_save({"format": FORMAT, **state}, path)


def load_checkpoint(path: Path) -> dict:
    """Load a checkpoint written by `save_checkpoint` onto the CPU."""
    data = torch.load(path, map_location="cpu", weights_only=True)
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a checkpoint of format {FORMAT}.")
    return data


@functools.lru_cache(maxsize=8)
def _cached_generator(path: str, stamp: int, device: str) -> Generator:
    """Load weights once per process, device and file version (`stamp`)."""
    return load_generator(path, device=device)


def _loaded(path: Path, device: torch.device) -> Generator:
    return _cached_generator(str(path), path.stat().st_mtime_ns, str(device))


# -- rendering -----------------------------------------------------------------


def make_recipe(
    *, name: str, version: str, weights: str, params: dict, seed: int, size: int
) -> dict:
    """Return the JSON-ready recipe for image `seed` of a registered version.

    `weights` and `params` are the `GeneratorModel` row's; the recipe keeps
    what rendering needs, so painting it again needs no database.
    """
    check_seed_and_size(seed, size)
    recipe = {
        "generator": name,
        "version": version,
        "architecture": DCGAN,
        "seed": seed,
        "size": size,
        "train_size": int(params["size"]),
        "nz": int(params["nz"]),
        "weights": weights,
        "upsample": "lanczos",
    }
    if params.get("weights_sha256"):
        recipe["weights_sha256"] = params["weights_sha256"]
    return recipe


def latent(seed: int, nz: int) -> Tensor:
    """Return the latent vector (nz,) of `seed`, drawn on the CPU."""
    return torch.randn(nz, generator=torch.Generator().manual_seed(seed))


def pick_device() -> torch.device:
    """Return the CUDA device when one is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def render(recipes: list[dict], device: DeviceLike = None) -> list[Image.Image]:
    """Render `recipes` to RGB images, in the same order, batched per weights file."""
    dev = torch.device(device) if device is not None else pick_device()
    for recipe in recipes:
        _check_recipe(recipe)
    groups: dict[Path, list[int]] = {}
    for i, recipe in enumerate(recipes):
        path = weights_path(recipe["weights"], recipe.get("weights_sha256", ""))
        groups.setdefault(path, []).append(i)
    images: list[Image.Image | None] = [None] * len(recipes)
    with torch.inference_mode():
        for path, indexes in groups.items():
            model = _loaded(path, dev)
            for start in range(0, len(indexes), MAX_BATCH):
                chunk = indexes[start : start + MAX_BATCH]
                pixels = generate(model, [recipes[i]["seed"] for i in chunk], dev)
                for i, array in zip(chunk, pixels, strict=True):
                    images[i] = _resize(Image.fromarray(array), recipes[i]["size"])
    return images  # type: ignore[return-value]


def generate(model: Generator, seeds: Iterable[int], device: torch.device) -> Any:
    """Return (B, size, size, 3) uint8 numpy pixels for `seeds` at training size.

    On CUDA the convolutions run in half precision under autocast, which
    keeps BatchNorm and other precision-sensitive ops in fp32; the CPU
    stays in fp32 throughout.
    """
    z = torch.stack([latent(s, model.nz) for s in seeds])[:, :, None, None]
    half = device.type == "cuda"
    with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=half):
        out = model(z.to(device)).float()
    rgb = ((out + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
    return rgb.permute(0, 2, 3, 1).cpu().numpy()


def _resize(image: Image.Image, size: int) -> Image.Image:
    if image.width == size:
        return image
    return image.resize((size, size), Image.Resampling.LANCZOS)


def check_seed_and_size(seed: object, size: object) -> None:
    """Raise ValueError unless `seed` is a non-negative int and `size` paintable."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"Seed must be a non-negative integer, not {seed!r}.")
    _check_output_size(size)


def _check_output_size(size: object) -> None:
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValueError(f"Size must be an integer, not {size!r}.")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"Size {size} is outside {MIN_SIZE}..{MAX_SIZE} pixels.")


def _check_recipe(recipe: dict) -> None:
    if recipe.get("architecture") != DCGAN:
        raise ValueError(f"Recipe is not for a DCGAN: {recipe.get('generator')!r}.")
    missing = [k for k in ("seed", "size", "weights", "nz") if k not in recipe]
    if missing:
        raise ValueError(f"Recipe lacks {', '.join(missing)}.")
    _check_output_size(recipe["size"])
