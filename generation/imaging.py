"""Image checks and post-processing with Pillow (CPU, no torch).

`inspect_upload` decides whether an uploaded file is an image Atelier accepts
by decoding it, never by its name or declared content type.
`make_variants` builds the web variants and metadata the gallery shows.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from art_tasks.errors import FileTooLarge, InvalidImage

ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
WEB_SIZE = 1280
THUMB_SIZE = 480


@dataclass(frozen=True)
class UploadInfo:
    format: str
    extension: str
    width: int
    height: int
    size: int
    sha256: str


def sha256_of(fileobj: IO[bytes]) -> str:
    """Return the hex sha256 of a file object, leaving it rewound."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1 << 20), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def inspect_upload(
    fileobj: IO[bytes], *, max_bytes: int, max_pixels: int
) -> UploadInfo:
    """Decode `fileobj` fully and return what it is, or raise `InvalidImage`.

    Checks, in order: empty, over `max_bytes`, not a PNG/JPEG/WebP image,
    over `max_pixels` (read from the header, before decoding, so a
    decompression bomb never expands), then a full decode that catches
    truncated or corrupt data.
    """
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size == 0:
        raise InvalidImage("The file is empty. Choose a PNG, JPEG or WebP image.")
    if size > max_bytes:
        raise FileTooLarge(
            f"The file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
            fmt = image.format or ""
            width, height = image.size
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
    ) as exc:
        if isinstance(
            exc, Image.DecompressionBombError | Image.DecompressionBombWarning
        ):
            raise InvalidImage(
                f"The image has too many pixels; the limit is "
                f"{max_pixels / 1e6:.0f} megapixels."
            ) from exc
        raise InvalidImage(
            "This file is not an image Atelier can read. Upload a PNG, JPEG or WebP."
        ) from exc
    if fmt not in ACCEPTED_FORMATS:
        raise InvalidImage(
            f"{fmt or 'This'} images are not accepted. Upload a PNG, JPEG or WebP."
        )
    if width * height > max_pixels:
        raise InvalidImage(
            f"The image is {width}×{height} ({width * height / 1e6:.1f} megapixels); "
            f"the limit is {max_pixels / 1e6:.0f} megapixels."
        )
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as full:
            full.load()
    except Exception as exc:  # noqa: BLE001 - any decode failure means a bad file
        raise InvalidImage(
            "The image is damaged or truncated and cannot be decoded. "
            "Export it again and re-upload."
        ) from exc
    fileobj.seek(0)
    return UploadInfo(
        format=fmt,
        extension=ACCEPTED_FORMATS[fmt],
        width=width,
        height=height,
        size=size,
        sha256=sha256_of(fileobj),
    )


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
