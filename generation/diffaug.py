"""Differentiable augmentation for GAN training (Zhao et al., 2020).

With a few hundred training images a discriminator soon memorises them and
its gradients stop teaching the generator anything. DiffAugment changes
every image the discriminator sees, real and generated alike, with the same
kinds of random colour, translation and cutout changes; since the changes
are differentiable, the generator still learns through them, and since both
sides are changed the same way, the generator is not taught to paint the
changes themselves.

The random draws are passed in (`draws`, one row of uniform numbers per
image) rather than taken inside, so the trainer can draw a whole global
batch once and give each process its share: a batch split over processes is
augmented exactly as one process would augment it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

Tensor = torch.Tensor

DRAWS = 7  # uniform numbers per image: 3 colour, 2 translation, 2 cutout
POLICY = ("colour", "translation", "cutout")
TRANSLATION = 0.125  # of the side, either way
CUTOUT = 0.5  # side of the cut square, as a fraction of the image's side


def draw(batch: int, generator: torch.Generator) -> Tensor:
    """Return the (batch, DRAWS) uniform numbers that `augment` consumes."""
    return torch.rand(batch, DRAWS, generator=generator)


def augment(x: Tensor, draws: Tensor, policy: tuple[str, ...] = POLICY) -> Tensor:
    """Return images `x` (B, 3, H, W) in -1..1, changed by `policy` using `draws`."""
    draws = draws.to(x.device, x.dtype)
    if "colour" in policy:
        x = _colour(x, draws[:, 0:3])
    if "translation" in policy:
        x = _translation(x, draws[:, 3:5])
    if "cutout" in policy:
        x = _cutout(x, draws[:, 5:7])
    return x


def _colour(x: Tensor, u: Tensor) -> Tensor:
    """Random brightness (+-0.5), saturation (0..2x) and contrast (0.5..1.5x)."""
    x = x + (u[:, 0] - 0.5)[:, None, None, None]
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (u[:, 1] * 2)[:, None, None, None] + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (u[:, 2] + 0.5)[:, None, None, None] + mean


def _translation(x: Tensor, u: Tensor) -> Tensor:
    """Shift each image by up to an eighth of its side, filling with zeros."""
    b, _, h, w = x.shape
    sy, sx = int(h * TRANSLATION + 0.5), int(w * TRANSLATION + 0.5)
    dy = (u[:, 0] * (2 * sy + 1)).floor().long() - sy
    dx = (u[:, 1] * (2 * sx + 1)).floor().long() - sx
    rows = torch.arange(h, device=x.device)[None, :] + dy[:, None] + 1
    cols = torch.arange(w, device=x.device)[None, :] + dx[:, None] + 1
    rows, cols = rows.clamp(0, h + 1), cols.clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])
    batch = torch.arange(b, device=x.device)[:, None, None]
    # (B, H, W, C) gathered, then back to (B, C, H, W)
    out = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2)


def _cutout(x: Tensor, u: Tensor) -> Tensor:
    """Blank a square of half the side at a random place in each image."""
    b, _, h, w = x.shape
    ch, cw = int(h * CUTOUT + 0.5), int(w * CUTOUT + 0.5)
    top = (u[:, 0] * (h + 1 - ch % 2)).floor().long() - ch // 2
    left = (u[:, 1] * (w + 1 - cw % 2)).floor().long() - cw // 2
    rows = torch.arange(h, device=x.device)[None, :]
    cols = torch.arange(w, device=x.device)[None, :]
    inside_r = (rows >= top[:, None]) & (rows < (top + ch)[:, None])
    inside_c = (cols >= left[:, None]) & (cols < (left + cw)[:, None])
    keep = ~(inside_r[:, :, None] & inside_c[:, None, :])
    return x * keep[:, None, :, :].to(x.dtype)
