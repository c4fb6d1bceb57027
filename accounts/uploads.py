"""Upload checks with Pillow (CPU, no torch): is this an image Atelier accepts?

`inspect_upload` decides by decoding the file, never by its name or declared
content type, and returns the original to store with its personal metadata
removed (`strip_metadata`). It sits on the floor of the layers because every
upload goes through it: submissions (art_tasks) and avatars (accounts).
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.errors import FileTooLarge, InvalidImage

ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
# Pillow reports a JPEG with a second picture (a phone's depth map or
# preview, announced in an MPF segment) as MPO; only the first picture is
# kept, which is a plain JPEG.
FORMAT_ALIASES = {"MPO": "JPEG"}
ORIENTATION = 0x0112


@dataclass(frozen=True)
class UploadInfo:
    """What an accepted upload is; `content` is the original to store."""

    format: str
    extension: str
    width: int
    height: int
    size: int
    sha256: str
    content: bytes


def sha256_of(fileobj: IO[bytes]) -> str:
    """Return the hex sha256 of a file object, leaving it rewound."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1 << 20), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


NOT_READABLE = "This file is not an image Atelier can read. Upload a PNG, JPEG or WebP."
DAMAGED = (
    "The image is damaged or truncated and cannot be decoded. "
    "Export it again and re-upload."
)


def _text_chunk_error(exc: ValueError) -> InvalidImage:
    # Pillow refuses PNG text chunks that inflate past
    # PngImagePlugin.MAX_TEXT_CHUNK (1 MB) with a ValueError.
    if "decompressed data too large" in str(exc).lower():
        return InvalidImage(
            "The PNG carries a text chunk (a comment or metadata) that expands to "
            "more than 1 MB. Export it again without the metadata and re-upload."
        )
    return InvalidImage(DAMAGED)


def _open(data: bytes, formats: list[str]) -> Image.Image:
    """Open `data` with only the plugins of `formats` (no EPS, no Ghostscript)."""
    return Image.open(io.BytesIO(data), formats=formats)


def _orientation(image: Image.Image) -> int:
    """Return the EXIF orientation (1 when there is none), or raise InvalidImage.

    Decoding the EXIF block here is what makes a damaged one ("not a TIFF
    file") a refusal at upload instead of a failure in the imaging worker.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = image.getexif().get(ORIENTATION, 1)
    except ValueError as exc:
        if "decompressed data too large" in str(exc).lower():
            raise _text_chunk_error(exc) from exc
        raise _exif_error(exc) from exc
    except OSError as exc:  # a PNG reads on to its end for the EXIF chunk
        raise InvalidImage(DAMAGED) from exc
    except Exception as exc:  # noqa: BLE001 - any EXIF parse failure
        raise _exif_error(exc) from exc
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 1
    return value if 1 <= value <= 8 else 1


def _exif_error(exc: Exception) -> InvalidImage:
    return InvalidImage(
        f"The image's EXIF metadata is damaged ({exc}). Export the image "
        "again (or remove its metadata) and re-upload."
    )


def inspect_upload(
    fileobj: IO[bytes], *, max_bytes: int, max_pixels: int
) -> UploadInfo:
    """Check `fileobj` as the imaging worker will read it; return what to store.

    Checks, in order: empty, over `max_bytes`, not a PNG/JPEG/WebP image
    (only those three decoders ever see the bytes), over `max_pixels` (read
    from the header, before decoding, so a decompression bomb never
    expands), text chunks past Pillow's limit, a damaged EXIF block; then
    the personal metadata is removed (`strip_metadata`) and the result is
    decoded in full, orientation applied, exactly as the worker will.
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
    data = fileobj.read()
    fileobj.seek(0)
    pixel_limit = InvalidImage(
        f"The image has too many pixels; the limit is "
        f"{max_pixels / 1e6:.0f} megapixels."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open(data, list(ACCEPTED_FORMATS))
            fmt = FORMAT_ALIASES.get(image.format or "", image.format or "")
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise pixel_limit from exc
    except ValueError as exc:
        raise _text_chunk_error(exc) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, struct.error) as exc:
        raise InvalidImage(NOT_READABLE) from exc
    if fmt not in ACCEPTED_FORMATS:
        raise InvalidImage(
            f"{fmt or 'This'} images are not accepted. Upload a PNG, JPEG or WebP."
        )
    if width * height > max_pixels:
        raise InvalidImage(
            f"The image is {width}×{height} ({width * height / 1e6:.1f} megapixels); "
            f"the limit is {max_pixels / 1e6:.0f} megapixels."
        )
    orientation = _orientation(image)
    try:
        content = strip_metadata(
            data, image_format=fmt, orientation=orientation, size=(width, height)
        )
    except ValueError as exc:
        raise InvalidImage(DAMAGED) from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(content, [fmt]) as full:
                full.load()
                if full.size != (width, height):
                    raise ValueError("size changed on decoding")
                _orientation(full)
                ImageOps.exif_transpose(full, in_place=True)
    except InvalidImage:
        raise
    except ValueError as exc:
        raise _text_chunk_error(exc) from exc
    except Exception as exc:  # noqa: BLE001 - any decode failure means a bad file
        raise InvalidImage(DAMAGED) from exc
    return UploadInfo(
        format=fmt,
        extension=ACCEPTED_FORMATS[fmt],
        width=width,
        height=height,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


# Personal metadata ------------------------------------------------------------
#
# The stored original keeps its pixels exactly: the compressed image data
# is copied byte for byte, only metadata containers are dropped. What stays:
# the colour profile and colour-rendering information, and the EXIF
# orientation (as the only EXIF tag), so the original still shows upright
# wherever EXIF is honoured. What goes: the rest of EXIF (GPS position,
# camera and lens serial numbers, owner name, maker notes, dates), XMP
# (which may repeat the location), IPTC/Photoshop blocks, comments, text
# chunks, embedded previews and anything after the end of the image.

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary PNG chunks that describe how to render the pixels; every other
# ancillary chunk (text, eXIf, tIME, private chunks) is dropped.
PNG_KEPT_ANCILLARY = {
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV",
    b"cLLI", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
EXIF_HEADER = b"Exif\x00\x00"
ICC_JPEG_HEADER = b"ICC_PROFILE\x00"


def orientation_exif(orientation: int) -> bytes:
    """Return a TIFF-structured EXIF block holding only `orientation`."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    data = exif.tobytes()
    return data[len(EXIF_HEADER) :] if data.startswith(EXIF_HEADER) else data


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def strip_png(data: bytes, *, orientation: int = 1) -> bytes:
    """Return PNG `data` without text, EXIF, time or private chunks."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    exif_written = orientation == 1
    while True:
        if pos + 12 > len(data):
            raise ValueError("truncated PNG chunk")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("truncated PNG chunk")
        if kind in (b"IDAT", b"fdAT") and not exif_written:
            out.append(_png_chunk(b"eXIf", orientation_exif(orientation)))
            exif_written = True
        critical = not kind[0] & 0x20
        if critical or kind in PNG_KEPT_ANCILLARY:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _jpeg_keeps(marker: int, payload: bytes) -> bool:
    """Return whether an APPn or COM segment is kept in a stripped JPEG."""
    if marker == 0xE0:  # APP0: JFIF header (its JFXX thumbnail goes)
        return payload.startswith(b"JFIF\x00")
    if marker == 0xE2:  # APP2: the ICC profile, not MPF or FlashPix
        return payload.startswith(ICC_JPEG_HEADER)
    if marker == 0xEE:  # APP14: Adobe colour transform, needed to decode
        return payload.startswith(b"Adobe")
    return False  # APP1 EXIF/XMP, APP13 IPTC, other APPn, COM


def strip_jpeg(data: bytes, *, orientation: int = 1) -> bytes:
    """Return JPEG `data` without EXIF, XMP, IPTC, comments or trailing data.

    The frame, tables and entropy-coded scans are copied unchanged, so the
    decoded pixels are the upload's. Everything after the end-of-image
    marker (a phone's second picture, appended data) is dropped.
    """
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG file")
    head: list[bytes] = []
    body: list[bytes] = []
    pos, n = 2, len(data)
    in_head = True
    while True:
        if pos >= n:
            raise ValueError("JPEG ends before its end-of-image marker")
        if data[pos] != 0xFF:
            raise ValueError("damaged JPEG segment")
        while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 1 >= n:
            raise ValueError("JPEG ends inside a marker")
        marker = data[pos + 1]
        if marker == 0xD9:  # end of image
            body.append(b"\xff\xd9")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            body.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > n:
            raise ValueError("truncated JPEG segment")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > n:
            raise ValueError("truncated JPEG segment")
        segment = data[pos:end]
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            if _jpeg_keeps(marker, segment[4:]):
                (head if in_head else body).append(segment)
            pos = end
            continue
        in_head = False
        body.append(segment)
        pos = end
        if marker == 0xDA:  # start of scan: copy the entropy-coded data
            scan = pos
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= n:
                    raise ValueError("JPEG scan runs past the end of the file")
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2  # a stuffed 0xFF or a restart marker
                    continue
                if following == 0xFF:  # fill byte before a marker
                    pos += 1
                    continue
                break
            body.append(data[scan:pos])
    app0 = [s for s in head if s[1] == 0xE0]
    rest = [s for s in head if s[1] != 0xE0]
    exif = []
    if orientation != 1:
        exif = [_jpeg_segment(0xE1, EXIF_HEADER + orientation_exif(orientation))]
    return b"\xff\xd8" + b"".join(app0 + exif + rest + body)


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    pad = b"\x00" if len(data) % 2 else b""
    return kind + struct.pack("<I", len(data)) + data + pad


WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ICCP", b"ANIM", b"ANMF"}


def strip_webp(
    data: bytes, *, orientation: int = 1, size: tuple[int, int] = (0, 0)
) -> bytes:
    """Return WebP `data` without EXIF, XMP or unknown chunks.

    The VP8X header's flags are updated to match; one is added when an
    orientation has to be kept in a simple-format file.
    """
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP file")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_riff = min(len(data), 8 + riff_size)
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= end_of_riff:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + length > len(data):
            raise ValueError("truncated WebP chunk")
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length % 2)
    if not chunks:
        raise ValueError("WebP without image data")
    kept = [(k, p) for k, p in chunks if k in WEBP_KEPT]
    vp8x = next((bytearray(p) for k, p in kept if k == b"VP8X"), None)
    body = [(k, p) for k, p in kept if k != b"VP8X"]
    if vp8x is None and orientation != 1:
        width, height = size
        alpha = any(
            k == b"VP8L" and len(p) >= 5 and (struct.unpack("<I", p[1:5])[0] >> 28) & 1
            for k, p in body
        ) or any(k == b"ALPH" for k, _ in body)
        vp8x = bytearray(10)
        vp8x[0] = 0x10 if alpha else 0
        vp8x[4:7] = (width - 1).to_bytes(3, "little")
        vp8x[7:10] = (height - 1).to_bytes(3, "little")
    out = b""
    if vp8x is not None:
        if len(vp8x) < 10:
            raise ValueError("damaged VP8X chunk")
        vp8x[0] &= ~(0x08 | 0x04) & 0xFF  # no EXIF, no XMP
        if orientation != 1:
            vp8x[0] |= 0x08
        out += _riff_chunk(b"VP8X", bytes(vp8x))
    out += b"".join(_riff_chunk(k, p) for k, p in body)
    if orientation != 1:
        out += _riff_chunk(b"EXIF", orientation_exif(orientation))
    return b"RIFF" + struct.pack("<I", len(out) + 4) + b"WEBP" + out


def strip_metadata(
    data: bytes, *, image_format: str, orientation: int = 1, size: tuple[int, int]
) -> bytes:
    """Return `data` with its personal metadata removed and its pixels intact.

    Raises ValueError when the container is malformed.
    """
    fmt = image_format.upper()
    if fmt == "PNG":
        return strip_png(data, orientation=orientation)
    if fmt == "JPEG":
        return strip_jpeg(data, orientation=orientation)
    if fmt == "WEBP":
        return strip_webp(data, orientation=orientation, size=size)
    raise ValueError(f"cannot strip metadata from {image_format} files")
