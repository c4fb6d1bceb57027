"""A data-efficient GAN: the learned generator trained on the crowd's taste.

The networks follow two papers about training a GAN on a few hundred
images rather than a million:

- FastGAN (Liu et al., 2021): a light generator whose low-resolution
  features gate the channels of the high-resolution ones ("skip-layer
  excitation", `Excite`), and a discriminator that must also rebuild the
  real image from its own 8 x 8 features, whole and one random quarter at a
  time, which keeps it from memorising the few images it sees
  (`Discriminator.decode`).
- DiffAugment (Zhao et al., 2020): both real and generated images pass
  through the same differentiable colour, translation and cutout changes
  before the discriminator sees them (`generation.diffaug`).

Both networks are conditional on the style (an integer class: the CPPN
styles plus one class for gallery work of no known style): the generator
reads a learned style embedding beside its latent; the discriminator scores
with a projection term, the inner product of its features with the style's
embedding (Miyato and Koyama, 2018).

Every normalisation works per image (group norm in the generator, spectral
norm in the discriminator), so a batch split over processes computes what
one process computes on the whole batch: distributed training
(`generation.gan_train`) matches a single process.

Sampling uses the exponential moving average of the generator's weights and
runs in eval mode; output larger than the training size is upsampled on the
device (`F.interpolate`, bicubic with antialiasing), not in Pillow.

A recipe names a registered version, a style and a seed::

    {"generator": "atelier", "version": "1", "architecture": "fastgan",
     "seed": 17, "style": "ink", "label": 1, "size": 512, "train_size": 64,
     "nz": 64, "weights": "atelier/1/generator.pt"}

The latent comes from a CPU `torch.Generator` seeded with the recipe's seed,
so the same recipe paints the same pixels on the same device.

Only worker code paths import this module: it imports torch.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from generation.registry import FASTGAN as FASTGAN
from generation.registry import FASTGAN_SIZES as SIZES

FORMAT = 2
GALLERY_CLASS = "gallery"  # accepted work whose style is unknown
DEFAULTS = {"nz": 64, "ngf": 16, "ndf": 16, "embed": 32}
MAX_BATCH = 64

Tensor = torch.Tensor


def check_size(size: object) -> int:
    """Return `size` if the networks can be built for it, else raise ValueError."""
    if isinstance(size, bool) or size not in SIZES:
        sizes = ", ".join(str(s) for s in SIZES)
        raise ValueError(f"The learned generator trains at {sizes} px, not {size!r}.")
    return int(size)  # type: ignore[call-overload]


def model_params(*, size: int, classes: Iterable[str] = (), **overrides: Any) -> dict:
    """Return the full network parameters: size, classes, nz, ngf, ndf, embed."""
    names = list(classes) or default_classes()
    params: dict[str, Any] = {
        "architecture": FASTGAN,
        "size": check_size(size),
        "classes": names,
        **DEFAULTS,
    }
    params.update({k: int(v) for k, v in overrides.items() if k in DEFAULTS})
    return params


def default_classes() -> list[str]:
    """Return the style classes: every CPPN style, then gallery work."""
    from generation.palettes import STYLES

    return [*sorted(STYLES), GALLERY_CLASS]


def _channels(base: int, side: int) -> int:
    """Channels at a `side` x `side` feature map: wide when small, thin when big."""
    widths = {4: 8, 8: 8, 16: 4, 32: 2, 64: 1, 128: 1, 256: 1}
    return max(8, base * widths[side] // (2 if side >= 128 else 1))


def _groups(channels: int) -> int:
    return max(1, min(8, channels // 4))


class Up(nn.Module):
    """Double the side: nearest upsampling, a 3 x 3 convolution, group norm, GLU."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out * 2, 3, 1, 1, bias=False)
        self.norm = nn.GroupNorm(_groups(c_out * 2), c_out * 2)

    def forward(self, x: Tensor) -> Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.glu(self.norm(self.conv(x)), dim=1)


class Excite(nn.Module):
    """Skip-layer excitation: a small map's summary gates a big map's channels."""

    def __init__(self, c_small: int, c_big: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.AdaptiveAvgPool2d(4),
            nn.Conv2d(c_small, c_big, 4, 1, 0, bias=False),
            nn.LeakyReLU(0.1),
            nn.Conv2d(c_big, c_big, 1, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, small: Tensor, big: Tensor) -> Tensor:
        return big * self.net(small)


class Generator(nn.Module):
    """Map latents (B, nz) and style labels (B,) to images (B, 3, S, S) in -1..1."""

    def __init__(
        self, *, size: int, nz: int, ngf: int, embed: int, classes: int
    ) -> None:
        super().__init__()
        self.size, self.nz, self.ngf, self.embed_dim = size, nz, ngf, embed
        self.classes = classes
        self.embed = nn.Embedding(classes, embed)
        c4 = _channels(ngf, 4)
        self.init = nn.Sequential(
            nn.ConvTranspose2d(nz + embed, c4 * 2, 4, 1, 0, bias=False),
            nn.GroupNorm(_groups(c4 * 2), c4 * 2),
            nn.GLU(dim=1),
        )
        sides = [2**i for i in range(3, int(math.log2(size)) + 1)]
        self.sides = sides
        self.ups = nn.ModuleList()
        c = c4
        for side in sides:
            self.ups.append(Up(c, _channels(ngf, side)))
            c = _channels(ngf, side)
        # Skip-layer excitation from an eighth of the side: 8 -> 64, 16 -> 128 ...
        self.excites = nn.ModuleDict(
            {
                str(big): Excite(_channels(ngf, big // 8), _channels(ngf, big))
                for big in sides
                if big >= 64
            }
        )
        self.to_rgb = nn.Conv2d(c, 3, 3, 1, 1)

    def forward(self, z: Tensor, labels: Tensor) -> Tensor:
        x = torch.cat([z, self.embed(labels)], dim=1)[:, :, None, None]
        x = self.init(x)
        maps: dict[int, Tensor] = {4: x}
        for side, up in zip(self.sides, self.ups, strict=True):
            x = up(x)
            if str(side) in self.excites:
                x = self.excites[str(side)](maps[side // 8], x)
            maps[side] = x
        return torch.tanh(self.to_rgb(x))


def _down(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        spectral_norm(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False)),
        nn.LeakyReLU(0.2),
    )


def _decoder(c_in: int) -> nn.Sequential:
    """Rebuild a 32 x 32 RGB image from an 8 x 8 feature map."""
    layers: list[nn.Module] = []
    c = c_in
    for _ in range(2):
        out = max(16, c // 2)
        layers += [
            nn.Upsample(scale_factor=2.0, mode="nearest"),
            nn.Conv2d(c, out, 3, 1, 1, bias=False),
            nn.GroupNorm(_groups(out), out),
            nn.LeakyReLU(0.2),
        ]
        c = out
    layers += [nn.Conv2d(c, 3, 3, 1, 1), nn.Tanh()]
    return nn.Sequential(*layers)


class Discriminator(nn.Module):
    """Score images (B, 3, size, size) for labels (B,): a high logit means "real"."""

    def __init__(self, *, size: int, ndf: int, classes: int) -> None:
        super().__init__()
        self.size = size
        sides = [2**i for i in range(int(math.log2(size)), 3, -1)]  # size .. 16
        layers: list[nn.Module] = []
        c = 3
        for side in sides:
            out = _channels(ndf, side // 2)
            layers.append(_down(c, out))
            c = out
        self.body = nn.Sequential(*layers)  # -> 8 x 8
        self.c8 = c
        c4 = _channels(ndf, 4)
        self.head = _down(c, c4)  # -> 4 x 4
        self.linear = spectral_norm(nn.Linear(c4, 1))
        self.project = spectral_norm(nn.Embedding(classes, c4))
        self.decode_whole = _decoder(c)
        self.decode_part = _decoder(c)

    def forward(
        self, x: Tensor, labels: Tensor, quarters: Tensor | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor] | None]:
        """Return the logits; with `quarters`, the first images' reconstructions.

        `quarters` (one index 0-3 per image, for the first ``len(quarters)``
        images of `x`) asks for the self-supervised part: each of those images
        rebuilt whole and one quarter of it, at 32 px, from its 8 x 8 features.
        """
        f8 = self.body(x)
        h = self.head(f8).sum(dim=(2, 3))
        logit = self.linear(h).flatten() + (self.project(labels) * h).sum(dim=1)
        if quarters is None:
            return logit, None
        mine = f8[: quarters.shape[0]]
        part = F.interpolate(quarter(mine, quarters), scale_factor=2.0, mode="nearest")
        return logit, (self.decode_whole(mine), self.decode_part(part))


def quarter(x: Tensor, quarters: Tensor) -> Tensor:
    """Return quarter `quarters[i]` (0 top left .. 3 bottom right) of map `x[i]`."""
    half = x.shape[-1] // 2
    idx = torch.arange(half, device=x.device)
    rows = ((quarters // 2) * half)[:, None] + idx[None, :]
    cols = ((quarters % 2) * half)[:, None] + idx[None, :]
    b = torch.arange(x.shape[0], device=x.device)[:, None, None, None]
    ch = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    return x[b, ch, rows[:, None, :, None], cols[:, None, None, :]]


def reconstruction_targets(real: Tensor, quarters: Tensor) -> tuple[Tensor, Tensor]:
    """Return the real images at 32 px, and each image's chosen quarter at 32 px."""
    whole = F.interpolate(real, size=(32, 32), mode="bilinear", antialias=True)
    part = quarter(real, quarters)
    if part.shape[-1] != 32:
        part = F.interpolate(part, size=(32, 32), mode="bilinear", antialias=True)
    return whole, part


def build_generator(params: dict, *, seed: int | None = None) -> Generator:
    """Return a generator for `params`, initialised from `seed` when given."""
    with _seeded(seed):
        model = Generator(
            size=params["size"],
            nz=params["nz"],
            ngf=params["ngf"],
            embed=params["embed"],
            classes=len(params["classes"]),
        )
    if seed is not None:
        _init(model, seed)
    return model


def build_discriminator(params: dict, *, seed: int | None = None) -> Discriminator:
    """Return a discriminator for `params`, initialised from `seed` when given."""
    with _seeded(seed):  # spectral norm draws its starting vectors here
        model = Discriminator(
            size=params["size"], ndf=params["ndf"], classes=len(params["classes"])
        )
    if seed is not None:
        _init(model, seed)
    return model


@contextlib.contextmanager
def _seeded(seed: int | None) -> Iterator[None]:
    """Seed torch's global generator for the block (given a `seed`), then restore it."""
    if seed is None:
        yield
        return
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _init(model: nn.Module, seed: int) -> None:
    """Draw initial weights from `seed`: N(0, 0.02) convolutions and embeddings."""
    rng = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or p.dim() == 1:
                continue
            p.copy_(torch.randn(p.shape, generator=rng) * 0.02)


# -- sampling ------------------------------------------------------------------


def latent(seed: int, nz: int) -> Tensor:
    """Return the latent vector (nz,) of `seed`, drawn on the CPU."""
    return torch.randn(nz, generator=torch.Generator().manual_seed(seed))


def label_of(params: dict, style: str | None, seed: int) -> int:
    """Return the class index of `style`; without one, a style picked by the seed."""
    classes = params["classes"]
    if style in classes:
        return classes.index(style)
    painted = [c for c in classes if c != GALLERY_CLASS] or classes
    return classes.index(painted[seed % len(painted)])


@torch.inference_mode()
def sample(
    model: Generator,
    seeds: Iterable[int],
    labels: Iterable[int],
    device: torch.device,
    *,
    size: int | None = None,
) -> Tensor:
    """Return (B, 3, size, size) uint8 pixels for `seeds` and `labels`, on `device`.

    Upsampling to `size` runs on the device (bicubic, antialiased). CUDA
    runs batches of up to `MAX_BATCH` in bfloat16 under autocast; the CPU
    paints one image per pass in fp32.
    """
    seeds, labels = list(seeds), list(labels)
    z = torch.stack([latent(s, model.nz) for s in seeds]).to(device)
    y = torch.tensor(labels, dtype=torch.long, device=device)
    cuda = device.type == "cuda"
    # On the CPU, oneDNN picks its convolution kernels by batch size, so a
    # seed painted in a batch could differ by a level from the same seed
    # alone; one image per pass keeps a recipe's pixels fixed.
    chunk = MAX_BATCH if cuda else 1
    out = []
    for start in range(0, len(seeds), chunk):
        part = slice(start, start + chunk)
        with torch.autocast(
            device_type=device.type, dtype=torch.bfloat16, enabled=cuda
        ):
            images = model(z[part], y[part]).float()
        if size is not None and size != images.shape[-1]:
            images = F.interpolate(
                images, size=(size, size), mode="bicubic", antialias=True
            )
        out.append(((images + 1) * 127.5).round_().clamp_(0, 255).to(torch.uint8))
    return torch.cat(out)
