"""Post-processing of accepted uploads (CPU, no torch).

`make_variants` builds the web variants and metadata the gallery shows. The
upload check itself (`inspect_upload`) is `accounts.uploads`.

Decoding and resizing go through libvips (pyvips) when it loads: it
streams the file, shrinks a JPEG while decoding it, and never holds a
40-megapixel image in memory at once, so a large upload costs a fraction of
the time and memory Pillow needs (figures in docs/performance.md, from
`bench/imaging.py`). Where pyvips cannot load, Pillow does the same work:
a JPEG is decoded at the smallest DCT scale that still covers the web size,
and the thumbnail is made from the web size, not the original. Both paths
give the same variants: the web size and thumbnail as WebP with no
metadata at all, EXIF orientation applied, pixels converted from an
embedded colour profile to sRGB; the hash and palette are computed (by the
same Pillow code) from the thumbnail.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass, field
from typing import IO

from PIL import ExifTags, Image, ImageCms

try:  # libvips ships in the pyvips-binary wheel
    import pyvips
except (ImportError, OSError):  # no wheel for this platform, or no libvips
    pyvips = None
else:
    # Every upload is a new file: cached operations would only hold memory.
    pyvips.cache_set_max(0)

logger = logging.getLogger(__name__)

WEB_SIZE = 1280
THUMB_SIZE = 480
WEB_QUALITY = 85
THUMB_QUALITY = 80
WEBP_EFFORT = 4  # libwebp's `method`

# The loaders the worker lets libvips use: the formats uploads accept.
VIPS_LOADERS = {"jpegload_source", "pngload_source", "webpload_source"}

PILLOW_FORMATS = ["JPEG", "PNG", "WEBP"]

# EXIF orientation -> the transpose that shows the image upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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


def _webp(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp=: Pillow writes no metadata chunk.
    image.save(out, format="WEBP", quality=quality, method=WEBP_EFFORT)
    return out.getvalue()


@dataclass(frozen=True)
class Variants:
    web: bytes
    thumbnail: bytes
    phash: str
    palette: list[str]
    width: int
    height: int
    engine: str = field(default="pillow", compare=False)


def make_variants(fileobj: IO[bytes], *, engine: str = "auto") -> Variants:
    """Open an accepted image and build its web variants and metadata.

    EXIF orientation is applied, an embedded colour profile is converted to
    sRGB, and all metadata is dropped from the variants (the original is
    kept untouched for download). `width` and `height` are the original's,
    upright. `engine` is "auto" (libvips when it loads), "vips" or "pillow".
    """
    if engine == "vips" and pyvips is None:
        raise RuntimeError("pyvips is not available")
    fileobj.seek(0)
    if engine != "pillow" and pyvips is not None:
        return _vips_variants(fileobj)
    return _pillow_variants(fileobj)


def _metadata(thumb: Image.Image) -> tuple[str, list[str]]:
    return difference_hash(thumb), dominant_palette(thumb)


# libvips ----------------------------------------------------------------------


def _vips_source(fileobj: IO[bytes]):
    """A libvips source for `fileobj`, read from its start.

    A local file is read by libvips through its descriptor; anything else
    (a storage object) is streamed through Python's `read` and `seek`.
    """
    try:
        descriptor = fileobj.fileno()
    except (AttributeError, OSError, ValueError):
        descriptor = None
    if descriptor is not None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        return pyvips.Source.new_from_descriptor(descriptor)
    fileobj.seek(0)
    source = pyvips.SourceCustom()
    source.on_read(fileobj.read)
    source.on_seek(fileobj.seek)
    return source


def _vips_to_srgb(image):
    """8-bit sRGB (with alpha if any), converted from an embedded profile."""
    if image.get_typeof("icc-profile-data"):
        try:
            image = image.icc_transform("srgb", embedded=True, intent="relative")
        except pyvips.Error:
            logger.warning("unusable colour profile; pixels kept as they are")
    if image.interpretation != "srgb" or image.format != "uchar":
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    return image


def _vips_variants(fileobj: IO[bytes]) -> Variants:
    # The source objects must outlive the pixels read through them.
    source = _vips_source(fileobj)
    header = pyvips.Image.new_from_source(source, "", access="sequential")
    loader = header.get("vips-loader")
    if loader not in VIPS_LOADERS:
        raise ValueError(f"not an accepted image format ({loader})")
    width, height = header.width, header.height
    orientation = header.get("orientation") if header.get_typeof("orientation") else 1
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    del header
    # One decode: shrink-on-load for JPEG and WebP, streamed box + Lanczos
    # for PNG, orientation applied. The thumbnail is made from the web size.
    source = _vips_source(fileobj)
    web = pyvips.Image.thumbnail_source(source, WEB_SIZE, size="down")
    web = _vips_to_srgb(web).copy_memory()
    del source
    thumb = web.thumbnail_image(THUMB_SIZE, size="down").copy_memory()
    small = Image.frombytes(
        "RGBA" if thumb.bands == 4 else "RGB",
        (thumb.width, thumb.height),
        thumb.write_to_memory(),
    )
    phash, palette = _metadata(small)
    return Variants(
        web=web.webpsave_buffer(Q=WEB_QUALITY, effort=WEBP_EFFORT, keep="none"),
        thumbnail=thumb.webpsave_buffer(
            Q=THUMB_QUALITY, effort=WEBP_EFFORT, keep="none"
        ),
        phash=phash,
        palette=palette,
        width=width,
        height=height,
        engine="vips",
    )


# Pillow -----------------------------------------------------------------------


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """`size` scaled down (never up) to fit a `max_side` square."""
    width, height = size
    scale = max_side / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _pillow_to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB or RGBA in sRGB, converted from the embedded profile `icc`."""
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        try:
            return ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                outputMode=out_mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.warning("unusable colour profile; pixels kept as they are")
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


def _pillow_variants(fileobj: IO[bytes]) -> Variants:
    with Image.open(fileobj, formats=PILLOW_FORMATS) as opened:
        orientation = opened.getexif().get(ExifTags.Base.Orientation, 1)
        icc = opened.info.get("icc_profile")
        width, height = opened.size
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers
        # the web size (libvips's shrink-on-load); other formats in full.
        opened.draft(None, _fit(opened.size, WEB_SIZE))
        image = opened
        if image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        web = image.resize(
            _fit((width, height), WEB_SIZE),
            Image.Resampling.LANCZOS,
            reducing_gap=2.0,
        )
        del image
    if orientation in _TRANSPOSE:
        web = web.transpose(_TRANSPOSE[orientation])
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    web = _pillow_to_srgb(web, icc)
    thumb = web.resize(_fit(web.size, THUMB_SIZE), Image.Resampling.LANCZOS)
    phash, palette = _metadata(thumb)
    return Variants(
        web=_webp(web, quality=WEB_QUALITY),
        thumbnail=_webp(thumb, quality=THUMB_QUALITY),
        phash=phash,
        palette=palette,
        width=width,
        height=height,
        engine="pillow",
    )
