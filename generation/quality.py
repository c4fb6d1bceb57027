"""Figures that say whether a learned generator is fit to publish.

The trainer calls `measure` on a version's samples, real images it did not
train on (held out) and its training images, then `passes` to read the
figures against `BAR`. The checks, and what each one catches:

- KID (`kid`) and a classifier two-sample test (`c2st`): do the samples
  look like the held-out images, as a whole and to a simple classifier?
- Diversity (`diversity`): the mean pairwise perceptual distance, and the
  pairs of samples that are near-duplicates of each other (mode collapse).
- Spread within each style (`style_diversity`): a style-conditional
  generator can paint every latent of a style alike while its styles still
  differ from one another, which the near-duplicate count over all
  samples misses; each style's spread is compared with real pictures'.
- `flat_fraction` and `colourfulness`: blank, flat or static pictures and
  grey-brown mud, the usual faces of an under-trained GAN.
- Memorisation (`nearest_training`): samples that are near-copies of a
  training image, by perceptual hash and by features.

**Features.** KID and the classifier compare images through a feature
network. The usual one is Inception v3 with ImageNet weights, which cannot
be downloaded on the site's machines, so `feature_net` is a small
convolutional network with random weights drawn from a fixed seed
(`FEATURE_SEED`) that ships as code. Random convolutional features are a
known, reasonable stand-in for perceptual comparison: they respond to
colour, edges and texture at several scales, which is what separates good
samples from blur, mud and noise. The figures are comparable between
versions measured with the same `FEATURE_SEED`, and only between them: they
are not the FID/KID figures papers publish, and changing the seed or the
network changes every figure.

**The bar.** `BAR` was set from CPPN pictures (64 of each set, 64 px, the
styles in turn), measured against 64 held-out CPPN pictures of other
seeds. Fresh seeds: KID -0.003, c2st 0.45, no near-copies, colourfulness
53. The same pictures shrunk to 32 or 16 px and back (soft, still
pictures): KID 0.005 and 0.011, c2st 0.70 and 0.80. Shrunk to 4 px and
back (blobs): KID 0.033, c2st 0.92; mixed halfway toward grey as well:
KID 0.14, c2st 0.99, colourfulness 12. Per-pixel static: KID 0.036, c2st
0.98, all static. The KID bar, 0.02, sits between the soft pictures and
the blobs. Sets of one distribution score about 0 or a little under; at
16-64 images per set, the c2st of two such sets ranged 0.36-0.64.

Everything here is pure computation on tensors and PIL images, with no
Django: images come in as uint8 tensors (N, 3, H, W), square, 32 px or
more, and are resized to 64 px with an antialiased filter where a check
needs one size. Only worker code paths import this module: it imports
torch.
"""

from __future__ import annotations

import functools
import itertools
import math
import statistics
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from art_tasks.imaging import difference_hash

Tensor = torch.Tensor
Images = Tensor | Sequence[Image.Image]

FEATURE_SEED = 1729
SIZE = 64  # features are read from 64 x 64 copies
WIDTHS = (3, 32, 64, 128, 256)  # channels of the feature network's layers
BATCH = 64  # images per forward pass of the feature network

# KID (Binkowski et al. 2018, as torch-fidelity runs it).
KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000

C2ST_REPEATS = 5  # random halvings, each used both ways round
# Ridge penalty per feature dimension (standardised features): enough to keep
# a 960-d linear classifier from fitting noise in a few dozen images.
C2ST_RIDGE = 0.1

FLAT_STD = 10.0  # luminance std (0..255) at or below which a picture is flat
STATIC_RATIO = 0.3  # 4 x 4 block-mean std over pixel std; iid noise is ~0.25

# Near-duplicate samples: dHashes within 7 bits (unrelated pictures differ in
# about half of the 64) or a perceptual distance under 0.03 (a blob moved or
# turned is about 0.1 from itself, fresh CPPN pictures about 0.9 apart).
DHASH_BITS = 8
TWIN_DISTANCE = 0.03

# Near-copies of training images: a pHash within 6 of 64 bits, or features
# closer than a quarter of the distance between a training image and its
# nearest other training image (the median over the training set).
PHASH_COPY_BITS = 6
COPY_FRACTION = 0.25

BAR = {
    "near_copies": 0,  # at most
    "flat_fraction": 0.1,  # at most
    "colourfulness": 15.0,  # at least
    "near_duplicates": 2,  # at most, per 64 samples
    "c2st": 0.95,  # at most
    "kid": 0.02,  # at most; calibrated in the module docstring
    # at least, in every style: the samples' spread over the held-out images'
    "style_diversity": 0.5,
    # at least: the share of samples a nearest-centroid test puts in their
    # style. Fresh CPPN paintings (8 per style, against 8 others) score 0.72,
    # a version that ignores the style 0.23; chance is 1 / 8.
    "style_fidelity": 0.4,
}
STYLE_MIN = 8  # pictures of a style, in the samples and the held-out, to measure it


# -- images ------------------------------------------------------------------


def _check(images: Tensor) -> Tensor:
    """Return `images` if they are uint8 (N, 3, H, W), else raise ValueError."""
    if images.dtype != torch.uint8 or images.ndim != 4 or images.shape[1] != 3:
        raise ValueError(
            f"Images must be uint8 (N, 3, H, W), not {images.dtype} "
            f"{tuple(images.shape)}."
        )
    return images


def _resized(images: Tensor, size: int) -> Tensor:
    """Return `images` as float 0..255 at `size` x `size` (antialiased)."""
    x = _check(images).float()
    if x.shape[-2:] != (size, size):
        x = F.interpolate(
            x, size=(size, size), mode="bilinear", antialias=True, align_corners=False
        )
    return x


def _luminance(x: Tensor) -> Tensor:
    """Return the luma (ITU-R 601, as Pillow's "L") of float (N, 3, H, W)."""
    return 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]


def to_pil(images: Images) -> list[Image.Image]:
    """Return `images` as RGB PIL images (uint8 tensors are converted)."""
    if not isinstance(images, torch.Tensor):
        return [im.convert("RGB") for im in images]
    arrays = _check(images).permute(0, 2, 3, 1).contiguous().numpy()
    return [Image.fromarray(a, "RGB") for a in arrays]


# -- features ----------------------------------------------------------------


class FeatureNet(nn.Module):
    """Map images (B, 3, 64, 64) in -1..1 to features (B, 960).

    Four stride-2 convolutions with ReLU (64 -> 32 -> 16 -> 8 -> 4 px); the
    features are the mean and standard deviation over positions of every
    channel of every layer, 2 x (32 + 64 + 128 + 256). The early layers'
    statistics describe fine texture (noise, blur, halftone) that the last
    layer's 4 x 4 map mostly averages away: with them, noise and blurred
    blobs stand further from CPPN pictures in both KID and the classifier
    test than with the last layer alone.
    """

    def __init__(self, *, seed: int) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        layers: list[nn.Module] = []
        for cin, cout in itertools.pairwise(WIDTHS):
            # skip_init: the default initialisation would draw from (and
            # move) the global RNG the caller may be seeding.
            conv = torch.nn.utils.skip_init(nn.Conv2d, cin, cout, 4, 2, 1)
            nn.init.kaiming_normal_(
                conv.weight, nonlinearity="relu", generator=generator
            )
            nn.init.zeros_(conv.bias)
            layers += [conv, nn.ReLU()]
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        stats = []
        for layer in self.net:
            x = layer(x)
            if isinstance(layer, nn.ReLU):
                stats += [x.mean((2, 3)), x.std((2, 3))]
        return torch.cat(stats, 1)


def feature_net(seed: int = FEATURE_SEED) -> FeatureNet:
    """Return the fixed random feature network for `seed`, in eval mode.

    The weights depend on `seed` alone (Kaiming normal from a CPU
    `torch.Generator`, zero biases), so every build for one seed is the
    same network.
    """
    return FeatureNet(seed=seed).eval()


@functools.cache
def _cached_net(seed: int) -> FeatureNet:
    return feature_net(seed)


def features(images: Tensor, *, seed: int = FEATURE_SEED) -> Tensor:
    """Return the feature vectors (N, 960) of uint8 `images`, on the CPU.

    The network is built once per process and seed. The same images in the
    same batches give the same features.
    """
    net = _cached_net(seed)
    parts = []
    with torch.inference_mode():
        for chunk in _check(images).split(BATCH):
            parts.append(net(_resized(chunk, SIZE) / 127.5 - 1))
    return torch.cat(parts)  # outside inference mode: an ordinary tensor


# -- KID and the classifier two-sample test ---------------------------------


def _kernel(a: Tensor, b: Tensor) -> Tensor:
    """Return KID's cubic polynomial kernel (a.b / d + 1) ** 3, pairwise."""
    return (a @ b.T / a.shape[1] + 1) ** 3


def kid(
    real_feats: Tensor,
    fake_feats: Tensor,
    *,
    subsets: int = KID_SUBSETS,
    subset_size: int = KID_SUBSET_SIZE,
    seed: int = 0,
) -> tuple[float, float]:
    """Return the Kernel Inception Distance of two feature sets: (mean, std).

    The unbiased estimate of the squared maximum mean discrepancy with the
    kernel (x.y / d + 1) ** 3 (Binkowski et al. 2018), averaged over
    `subsets` random subsets of `subset_size` of each set, drawn without
    replacement (fewer when a set is smaller). 0 means the same
    distribution; small negative values are estimation noise. When the
    subsets are whole sets, every subset is the same and the std is 0.
    """
    x, y = real_feats.double(), fake_feats.double()
    m = min(subset_size, len(x), len(y))
    if m < 2:
        raise ValueError("KID needs at least 2 images in each set.")
    kxx, kyy, kxy = _kernel(x, x), _kernel(y, y), _kernel(x, y)
    generator = torch.Generator().manual_seed(seed)
    values = []
    for _ in range(subsets):
        i = torch.randperm(len(x), generator=generator)[:m]
        j = torch.randperm(len(y), generator=generator)[:m]
        sxx, syy = kxx[i][:, i], kyy[j][:, j]
        within = (sxx.sum() - sxx.trace() + syy.sum() - syy.trace()) / (m * (m - 1))
        values.append(within - 2 * kxy[i][:, j].mean())
    v = torch.stack(values)
    return float(v.mean()), float(v.std(correction=0))


def _ridge_accuracy(
    fit: Tensor, fit_labels: Tensor, held: Tensor, held_labels: Tensor
) -> float:
    """Return the held-out accuracy of a ridge classifier fitted on `fit`.

    Features are standardised with the fitting half's statistics; labels
    are +1 / -1 in balanced halves, so no intercept is needed. The solve is
    in the dual (n x n), since there are fewer images than features. A
    score of exactly 0 counts as half right.
    """
    mean, std = fit.mean(0), fit.std(0).clamp_min(1e-6)
    a, b = (fit - mean) / std, (held - mean) / std
    gram = a @ a.T + C2ST_RIDGE * a.shape[1] * torch.eye(len(a), dtype=a.dtype)
    scores = b @ a.T @ torch.linalg.solve(gram, fit_labels)
    right = (scores * held_labels > 0).double() + 0.5 * (scores == 0).double()
    return float(right.mean())


def _c2st(real_feats: Tensor, fake_feats: Tensor, *, seed: int) -> float:
    """Return the two-sample classifier's accuracy on features (see `c2st`)."""
    n = min(len(real_feats), len(fake_feats))
    if n < 4:
        raise ValueError("The two-sample test needs at least 4 images in each set.")
    x = torch.cat([real_feats[:n], fake_feats[:n]]).double()
    labels = torch.cat([torch.ones(n), -torch.ones(n)]).double()
    generator = torch.Generator().manual_seed(seed)
    accuracies = []
    for _ in range(C2ST_REPEATS):
        # One order for both classes: each half holds as many real as fake
        # images, and a real and fake pair of one picture never straddle it.
        order = torch.randperm(n, generator=generator)
        first, second = order[: n // 2], order[n // 2 :]
        halves = [torch.cat([first, first + n]), torch.cat([second, second + n])]
        for fit, held in (halves, halves[::-1]):
            accuracies.append(
                _ridge_accuracy(x[fit], labels[fit], x[held], labels[held])
            )
    return statistics.mean(accuracies)


def c2st(real: Tensor, fake: Tensor, *, seed: int = 0) -> float:
    """Return how well a classifier tells `real` from `fake` images, 0.5..1.

    A classifier two-sample test (Lopez-Paz and Oquab 2017): a ridge
    linear classifier on the standardised fixed features is fitted on one
    half of the images and scored on the other, both ways round, over
    several random halvings. Both sets are truncated to the smaller one's
    size, so chance is 0.5: indistinguishable sets score about 0.5,
    trivially separable ones 1.0. Deterministic given `seed`.
    """
    return _c2st(features(real), features(fake), seed=seed)


# -- perceptual distance -------------------------------------------------------

THUMB = 64  # descriptors are read from a 64 x 64 copy of each picture
LAYOUT = 4  # composition: a 4 x 4 grid of mean Lab colours
BANDS = 8  # spatial-frequency bands of the texture spectrum
PERCENTILES = (10, 50, 90)


def lab(rgb: np.ndarray) -> np.ndarray:
    """Return CIE L*a*b* (D65) of sRGB values in 0..1, shaped (..., 3)."""
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array(
        [
            [0.4124, 0.3576, 0.1805],
            [0.2126, 0.7152, 0.0722],
            [0.0193, 0.1192, 0.9505],
        ]
    )
    xyz = lin @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    e = 6 / 29
    f = np.where(xyz > e**3, np.cbrt(xyz), xyz / (3 * e * e) + 4 / 29)
    return np.stack(
        [
            116 * f[..., 1] - 16,
            500 * (f[..., 0] - f[..., 1]),
            200 * (f[..., 1] - f[..., 2]),
        ],
        -1,
    )


def _band_index() -> np.ndarray:
    """Return the frequency band of every coefficient of a THUMB x THUMB FFT."""
    k = np.fft.fftfreq(THUMB) * THUMB
    radius = np.hypot(*np.meshgrid(k, k, indexing="ij"))
    # Octave-ish bands from 1 cycle per picture up to the Nyquist limit.
    edges = np.geomspace(1, THUMB / 2, BANDS + 1)
    return np.digitize(radius, edges) - 1  # -1: the mean, BANDS: the corners


BAND_INDEX = _band_index()


def descriptor(image: Image.Image) -> dict[str, np.ndarray]:
    """Return what `perceptual_distance` compares of a picture.

    From a 64 x 64 box-filtered copy in CIE Lab: the colours (10th, 50th
    and 90th percentiles of L, a and b), the texture (the share of the
    lightness's spectral energy in each of 8 spatial-frequency bands, and
    the mean edge strength) and the composition (a 4 x 4 grid of mean
    colours). Colours and texture ignore where things are, so the same
    bright blob moved or turned stays close to itself.
    """
    small = image.convert("RGB").resize((THUMB, THUMB), Image.Resampling.BOX)
    c = lab(np.asarray(small, dtype=np.float64) / 255.0)
    cell = THUMB // LAYOUT
    layout = c.reshape(LAYOUT, cell, LAYOUT, cell, 3).mean((1, 3))
    colours = np.percentile(c.reshape(-1, 3), PERCENTILES, axis=0)
    light = c[..., 0] - c[..., 0].mean()
    power = np.abs(np.fft.fft2(light)) ** 2
    bands = np.bincount(BAND_INDEX[BAND_INDEX >= 0], power[BAND_INDEX >= 0], BANDS + 1)[
        :BANDS
    ]
    total = bands.sum()
    spectrum = bands / total if total > 1e-9 else np.full(BANDS, 1 / BANDS)
    gy, gx = np.gradient(c[..., 0])
    return {
        "colours": colours,
        "spectrum": spectrum,
        "edges": np.array(np.hypot(gx, gy).mean()),
        "layout": layout,
    }


def perceptual_distance(a: dict, b: dict) -> float:
    """Return how different two pictures look, from their `descriptor`s.

    colour + texture + composition / 2, each part about 0..1:

    - colour: the mean CIE76 delta E between the two pictures' percentile
      colours, over 50;
    - texture: half the L1 distance between their frequency spectra plus
      half the log ratio of their mean edge strengths over ln 4 (capped);
    - composition: the mean delta E between their 4 x 4 colour grids, over
      100, at half weight, so placement counts less than look.

    Two copies of one picture are 0 apart; one bright blob on black, moved
    or turned, stays near 0.1.
    """
    colour = float(np.linalg.norm(a["colours"] - b["colours"], axis=-1).mean()) / 50
    spectrum = float(np.abs(a["spectrum"] - b["spectrum"]).sum()) / 2
    edges = abs(math.log((float(a["edges"]) + 1) / (float(b["edges"]) + 1)))
    texture = (spectrum + min(1.0, edges / math.log(4))) / 2
    layout = float(np.linalg.norm(a["layout"] - b["layout"], axis=-1).mean()) / 100
    return colour + texture + layout / 2


def mean_distance(descriptors: list[dict]) -> float:
    """Return the mean perceptual distance over all pairs of `descriptors`."""
    pairs = list(itertools.combinations(descriptors, 2))
    if not pairs:
        return float("nan")
    return statistics.mean(perceptual_distance(a, b) for a, b in pairs)


def diversity(images: Images) -> dict:
    """Return how varied `images` are: mean distance and near-duplicate pairs.

    `mean_distance` is the mean pairwise `perceptual_distance`.
    `near_duplicates` counts the pairs whose difference hashes differ in
    fewer than 8 of 64 bits (`art_tasks.imaging.difference_hash`, the hash
    uploads are compared by: the same picture, slightly changed) or whose
    perceptual distance is under 0.03 (the same look, whatever the
    layout). Both thresholds sit well below what distinct pictures reach.
    """
    pictures = to_pil(images)
    if len(pictures) < 2:
        raise ValueError("Diversity needs at least 2 images.")
    looks = [descriptor(im) for im in pictures]
    hashes = [int(difference_hash(im), 16) for im in pictures]
    distances = []
    near_duplicates = 0
    for i, j in itertools.combinations(range(len(pictures)), 2):
        distance = perceptual_distance(looks[i], looks[j])
        distances.append(distance)
        bits = (hashes[i] ^ hashes[j]).bit_count()
        near_duplicates += bits < DHASH_BITS or distance < TWIN_DISTANCE
    return {
        "mean_distance": statistics.mean(distances),
        "near_duplicates": near_duplicates,
    }


# -- flat, static and muddy pictures ------------------------------------------


def flat_or_static(images: Tensor) -> Tensor:
    """Return, per image, whether it is flat (or blank) or static, as bools.

    Flat: the luminance std (0..255) is 10 or less. Static: the std of the
    4 x 4 block means is at most 0.3 of the pixel std; shapes survive the
    averaging, per-pixel noise does not (its ratio is about 0.25). Images
    over 64 px are shrunk to 64 first; smaller ones are read as they are,
    since upsampling would smooth static into blobs. With fewer blocks the
    test is less sure: 16 of 2000 pictures of 32 px static passed as
    structured, none of 2000 at 48 or 64 px.
    """
    size = min(SIZE, images.shape[-1])
    light = _luminance(_resized(images, size).double())
    spread = light.flatten(1).std(1, correction=0)
    blocks = F.avg_pool2d(light[:, None], 4).flatten(1).std(1, correction=0)
    return (spread <= FLAT_STD) | (blocks <= STATIC_RATIO * spread)


def flat_fraction(images: Tensor) -> float:
    """Return the fraction of `images` that are flat, blank or static."""
    return float(flat_or_static(images).double().mean())


def colourfulness(images: Tensor) -> float:
    """Return the mean Hasler-Suesstrunk colourfulness of `images`.

    M = sqrt(sd_rg^2 + sd_yb^2) + 0.3 sqrt(mu_rg^2 + mu_yb^2) with
    rg = R - G and yb = (R + G) / 2 - B in 0..255 (Hasler and Suesstrunk
    2003). Grey or brown mud scores under 15, "moderately colourful"
    pictures about 33, CPPN art usually more.
    """
    x = _check(images).double().flatten(2)
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    rg, yb = r - g, (r + g) / 2 - b
    spread = torch.hypot(rg.std(1, correction=0), yb.std(1, correction=0))
    tint = torch.hypot(rg.mean(1), yb.mean(1))
    return float((spread + 0.3 * tint).mean())


# -- memorisation --------------------------------------------------------------


@functools.cache
def _dct_basis(n: int) -> Tensor:
    """Return the orthonormal DCT-II matrix of size n (rows: frequencies)."""
    k = torch.arange(n, dtype=torch.float64)[:, None]
    i = torch.arange(n, dtype=torch.float64)[None]
    basis = torch.cos(math.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2 / n)
    basis[0] /= math.sqrt(2)
    return basis


def phash(images: Tensor) -> Tensor:
    """Return the 64-bit DCT perceptual hashes of `images`, as bools (N, 64).

    The classic pHash (Zauner 2010): a 32 x 32 grey copy, its 2-D DCT-II,
    the 8 x 8 lowest frequencies after the first row and column (so
    without the DC term, which only says how bright the picture is), each
    bit set where its coefficient is above the median of the 64.
    """
    grey = _luminance(_resized(images, 32).double())
    basis = _dct_basis(32)
    low = (basis @ grey @ basis.T)[:, 1:9, 1:9].flatten(1)
    return low > low.median(1, keepdim=True).values


def _hamming(a: Tensor, b: Tensor) -> Tensor:
    """Return the pairwise Hamming distances (len(a), len(b)) of bool hashes."""
    sa, sb = a.double() * 2 - 1, b.double() * 2 - 1
    return ((a.shape[1] - sa @ sb.T) / 2).round().long()


def _memorisation(
    sample_feats: Tensor, train_feats: Tensor, sample_hash: Tensor, train_hash: Tensor
) -> dict:
    """Return `nearest_training`'s figures from features and hashes."""
    if len(train_feats) < 2:
        raise ValueError("The memorisation check needs at least 2 training images.")
    hamming = _hamming(sample_hash, train_hash).min(1).values
    s, t = sample_feats.double(), train_feats.double()
    nearest = torch.cdist(s, t).min(1).values
    own = torch.cdist(t, t).fill_diagonal_(math.inf)
    typical = float(own.min(1).values.median())
    copies = (hamming <= PHASH_COPY_BITS) | (nearest < COPY_FRACTION * typical)
    return {
        "min_phash_distance": int(hamming.min()),
        "min_feature_distance": float(nearest.min()),
        "median_feature_ratio": float(nearest.median()) / typical,
        "training_nn_distance": typical,
        "near_copies": int(copies.sum()),
    }


def nearest_training(samples: Tensor, training: Tensor) -> dict:
    """Return how close `samples` come to the `training` images.

    For every sample, its nearest training image by pHash Hamming distance
    and by L2 distance of the fixed features. The figures:

    - `min_phash_distance`, `min_feature_distance`: the closest any sample
      comes;
    - `training_nn_distance`: the median over training images of the
      feature distance to their nearest other training image, the scale
      the others are read against;
    - `median_feature_ratio`: the samples' median nearest-training distance
      over that scale; about 1 or more for a generator that makes new
      pictures, well under 1 for one that reproduces its training set;
    - `near_copies`: the samples within 6 pHash bits of a training image
      (a copy, recompressed, shifted or recoloured a little: unrelated
      pictures differ in about 32 bits), or whose features are closer than
      a quarter of `training_nn_distance` (far closer than any two
      training images usually are, so a copy whatever its layout hash).
    """
    return _memorisation(
        features(samples), features(training), phash(samples), phash(training)
    )


# -- the whole measurement ------------------------------------------------------


def style_diversity(
    samples: Tensor,
    sample_labels: Sequence[int],
    held_out: Tensor,
    held_labels: Sequence[int],
    names: Sequence[str] | None = None,
) -> dict[str, float]:
    """Return, per style, the samples' spread over the held-out images' spread.

    Each spread is the `mean_distance` of a style's pictures; a style needs
    `STYLE_MIN` samples and held-out pictures to be measured, since the
    spread of fewer is mostly chance. Sets of 8 fresh CPPN paintings per
    style against 8 others scored 0.63-1.48 in every style. 1 means the
    generator varies a style as much as the real pictures do; a generator
    that paints every latent of a style alike (mode collapse within the
    class, which the near-duplicate count over all styles can miss) scores
    near 0. `names` names the styles (their indices otherwise).
    """
    sample_labels, held_labels = list(sample_labels), list(held_labels)
    looks = [descriptor(im) for im in to_pil(samples)]
    real = [descriptor(im) for im in to_pil(held_out)]
    ratios = {}
    for label in sorted(set(sample_labels) & set(held_labels)):
        mine = [d for d, y in zip(looks, sample_labels, strict=True) if y == label]
        theirs = [d for d, y in zip(real, held_labels, strict=True) if y == label]
        if len(mine) < STYLE_MIN or len(theirs) < STYLE_MIN:
            continue
        name = names[label] if names is not None else str(label)
        ratios[name] = mean_distance(mine) / max(mean_distance(theirs), 1e-9)
    return ratios


def style_fidelity(
    samples: Tensor,
    sample_labels: Sequence[int],
    reference: Tensor,
    reference_labels: Sequence[int],
) -> float | None:
    """Return the share of samples whose style a nearest-centroid test names.

    Each style's centroid is the mean feature of its `reference` pictures;
    a sample counts when its own style's centroid is the nearest. A
    generator that ignores the style it is asked for scores about one over
    the number of styles. None when fewer than two styles can be told apart.
    """
    known = sorted(set(reference_labels))
    if len(known) < 2:
        return None
    feats = features(reference)
    ref = torch.tensor(list(reference_labels))
    centroids = torch.stack([feats[ref == k].mean(0) for k in known])
    wanted = [i for i, y in enumerate(sample_labels) if y in known]
    if not wanted:
        return None
    mine = features(samples[wanted])
    nearest = torch.cdist(mine, centroids).argmin(1)
    named = torch.tensor([known[i] for i in nearest.tolist()])
    asked = torch.tensor([sample_labels[i] for i in wanted])
    return float((named == asked).float().mean())


def measure(
    samples: Tensor,
    held_out: Tensor,
    training: Tensor,
    *,
    seed: int = 0,
    labels: tuple[Sequence[int], Sequence[int]] | None = None,
    names: Sequence[str] | None = None,
) -> dict:
    """Return every figure of a version's `samples`, JSON-ready.

    KID and the two-sample test compare the samples with `held_out` real
    images the generator never trained on; memorisation compares them with
    the `training` images. `seed` draws KID's subsets and the test's
    halvings. With `labels` (the samples' styles, the held-out images'),
    each style's spread is compared with the real pictures' of that style
    (`style_diversity`, named by `names`).
    """
    sample_feats, held_feats = features(samples), features(held_out)
    kid_mean, kid_std = kid(held_feats, sample_feats, seed=seed)
    spread = diversity(samples)
    per_style = (
        style_diversity(samples, labels[0], held_out, labels[1], names)
        if labels is not None
        else {}
    )
    fidelity = (
        style_fidelity(samples, labels[0], held_out, labels[1])
        if labels is not None
        else None
    )
    return {
        "kid": kid_mean,
        "kid_std": kid_std,
        "c2st": _c2st(held_feats, sample_feats, seed=seed),
        "diversity": spread["mean_distance"],
        "near_duplicates": spread["near_duplicates"],
        "flat_fraction": flat_fraction(samples),
        "colourfulness": colourfulness(samples),
        "memorisation": _memorisation(
            sample_feats, features(training), phash(samples), phash(training)
        ),
        "style_diversity": per_style,
        "style_fidelity": fidelity,
        "feature_seed": FEATURE_SEED,
        "samples": len(samples),
        "held_out": len(held_out),
    }


def measure_generator(
    model: torch.nn.Module,
    params: dict,
    held_out: dict[str, Tensor],
    training: Tensor,
    *,
    samples: int = 64,
) -> dict:
    """Return `measure`'s figures of a `generation.fastgan` generator, and
    why it falls below the bar (``below_bar``; empty when it passes).

    It paints seeds ``0..samples-1``, walking through the styles it learned,
    on its own device; `held_out` holds the held-out images and their
    style labels, `training` the images it trained on.
    """
    from generation import fastgan

    device = next(model.parameters()).device
    seeds = list(range(samples))
    labels = [fastgan.label_of(params, None, s) for s in seeds]
    painted = fastgan.sample(model, seeds, labels, device).cpu()
    figures = measure(
        painted,
        held_out["images"],
        training,
        labels=(labels, held_out["labels"].tolist()),
        names=params["classes"],
    )
    return {**figures, "below_bar": passes(figures)}


def passes(figures: dict) -> list[str]:
    """Return why a version with `measure`'s `figures` falls below `BAR`.

    An empty list means it passes. The near-duplicate allowance is per 64
    samples and scales with the number measured.
    """
    n = figures["samples"]
    reasons = []
    copies = figures["memorisation"]["near_copies"]
    if copies > BAR["near_copies"]:
        reasons.append(f"{copies} of {n} samples are near-copies of training images.")
    flat = round(figures["flat_fraction"] * n)
    if figures["flat_fraction"] > BAR["flat_fraction"]:
        reasons.append(
            f"{flat} of {n} samples are flat, blank or static "
            f"(at most {BAR['flat_fraction']:.0%} may be)."
        )
    if figures["colourfulness"] < BAR["colourfulness"]:
        reasons.append(
            f"The samples' colourfulness is {figures['colourfulness']:.1f}, under "
            f"{BAR['colourfulness']:.0f}: they look grey or muddy."
        )
    allowed = BAR["near_duplicates"] * n / 64
    if figures["near_duplicates"] > allowed:
        reasons.append(
            f"{figures['near_duplicates']} pairs of samples are near-duplicates of "
            f"each other (at most {allowed:g} for {n} samples)."
        )
    if figures["c2st"] > BAR["c2st"]:
        reasons.append(
            f"A simple classifier tells samples from held-out images "
            f"{figures['c2st']:.0%} of the time (at most {BAR['c2st']:.0%})."
        )
    if figures["kid"] > BAR["kid"]:
        reasons.append(
            f"KID against held-out images is {figures['kid']:.4f}, over "
            f"{BAR['kid']}: the samples do not look like the real pictures."
        )
    fidelity = figures.get("style_fidelity")
    if fidelity is not None and fidelity < BAR["style_fidelity"]:
        reasons.append(
            f"Only {fidelity:.0%} of the samples look like the style they were "
            f"asked for (at least {BAR['style_fidelity']:.0%} must): the "
            "version ignores the style."
        )
    narrow = {
        style: ratio
        for style, ratio in (figures.get("style_diversity") or {}).items()
        if ratio < BAR["style_diversity"]
    }
    if narrow:
        listed = ", ".join(f"{s} {r:.0%}" for s, r in sorted(narrow.items()))
        reasons.append(
            f"Within a style the samples vary less than "
            f"{BAR['style_diversity']:.0%} as much as real pictures do ({listed}): "
            "different seeds paint nearly the same picture."
        )
    return reasons
