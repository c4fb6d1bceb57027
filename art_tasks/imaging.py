"""Post-processing of accepted uploads with Pillow (CPU, no torch).

`make_variants` builds the web variants and metadata the gallery shows. The
upload check itself (`inspect_upload`) is `accounts.uploads`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps

WEB_SIZE = 1280
THUMB_SIZE = 480


def difference_hash(image: Image.Image, *, size: int = 8) -> str:
    """Return a 64-bit difference hash as 16 hex digits (near-duplicate finder)."""
    small = image.convert("L").resize((size + 1, size), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    bits = 0
    for row in range(size):
        for col in range(size):
            left = pixels[row * (size + 1) + col]
            right = pixels[row * (size + 1) + col + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def dominant_palette(image: Image.Image, *, colours: int = 5) -> list[str]:
    """Return the image's main colours as hex strings, most common first."""
    small = image.convert("RGB")
    small.thumbnail((128, 128))
    quantised = small.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    counts = sorted(quantised.getcolors() or [], reverse=True)
    result = []
    for _count, index in counts:
        r, g, b = palette[index * 3 : index * 3 + 3]
        result.append(f"#{r:02x}{g:02x}{b:02x}")
    return result


def encode_webp(image: Image.Image, *, max_side: int, quality: int = 85) -> bytes:
    """Return `image` scaled to fit `max_side` as WebP bytes, without metadata."""
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="WEBP", quality=quality, method=4)
    return out.getvalue()


def encode_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


@dataclass(frozen=True)
class Variants:
    web: bytes
    thumbnail: bytes
    phash: str
    palette: list[str]
    width: int
    height: int


def make_variants(fileobj: IO[bytes]) -> Variants:
    """Open an accepted image and build its web variants and metadata.

    EXIF orientation is applied and all metadata is dropped from the
    variants (the original is kept untouched for download).
    """
    fileobj.seek(0)
    with Image.open(fileobj) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        return Variants(
            web=encode_webp(image, max_side=WEB_SIZE),
            thumbnail=encode_webp(image, max_side=THUMB_SIZE, quality=80),
            phash=difference_hash(image),
            palette=dominant_palette(image),
            width=image.width,
            height=image.height,
        )
