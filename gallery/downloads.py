"""Downloads of an original with its licence and attribution embedded.

The stored original is never changed. On request, its bytes are copied with
the metadata chunks of its own container replaced, so the pixels are
bit-for-bit the artist's upload (no re-encoding):

* PNG — ``iTXt`` chunks Title, Author, Description, Copyright and the XMP
  packet (``XML:com.adobe.xmp``), and ``tEXt`` chunks License and Source;
  existing text and ``eXIf`` chunks are dropped.
* JPEG — an APP1 EXIF segment (ImageDescription, Artist, Copyright,
  Software, and the original's Orientation) and an APP1 XMP segment; the
  original's APP1 segments are dropped (they may hold a camera's location).
* WebP — ``EXIF`` and ``XMP `` chunks, with a ``VP8X`` header added or
  updated to announce them.

The XMP packet carries Dublin Core, XMP Rights and Creative Commons terms,
which image editors and search engines read as the licence.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
XMP_JPEG_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_HEADER = b"Exif\x00\x00"
ORIENTATION = 0x0112


@dataclass(frozen=True)
class Attribution:
    """What a downloaded file says about itself."""

    title: str
    artist: str
    attribution: str
    license: str  # noqa: A003 - the domain's word
    license_url: str
    work_url: str
    public_domain: bool = False

    @property
    def copyright(self) -> str:
        return f"{self.attribution}. {self.license_url}".strip()


def _ascii(text: str) -> str:
    """Fold `text` to ASCII for EXIF, whose strings are ASCII only."""
    folded = unicodedata.normalize("NFKD", text)
    folded = folded.replace("“", '"').replace("”", '"').replace("—", "-")
    return folded.encode("ascii", "ignore").decode()


def xmp_packet(meta: Attribution) -> bytes:
    """Return an XMP packet with title, creator, rights and licence."""

    def alt(text: str) -> str:
        return (
            f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'
        )

    marked = "False" if meta.public_domain else "True"
    terms = f"{meta.license}: {meta.license_url}"
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    xmlns:cc="http://creativecommons.org/ns#">
   <dc:title>{alt(meta.title)}</dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(meta.artist)}</rdf:li></rdf:Seq></dc:creator>
   <dc:rights>{alt(meta.attribution)}</dc:rights>
   <dc:source>{escape(meta.work_url)}</dc:source>
   <xmpRights:Marked>{marked}</xmpRights:Marked>
   <xmpRights:WebStatement>{escape(meta.license_url)}</xmpRights:WebStatement>
   <xmpRights:UsageTerms>{alt(terms)}</xmpRights:UsageTerms>
   <cc:license rdf:resource={quoteattr(meta.license_url)}/>
   <cc:attributionName>{escape(meta.artist)}</cc:attributionName>
   <cc:attributionURL rdf:resource={quoteattr(meta.work_url)}/>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""
    return body.encode("utf-8")


def exif_bytes(meta: Attribution, *, orientation: int | None = None) -> bytes:
    """Return a TIFF-structured EXIF block (without the ``Exif`` prefix)."""
    exif = Image.Exif()
    exif[0x010E] = _ascii(meta.title)  # ImageDescription
    exif[0x013B] = _ascii(meta.artist)  # Artist
    exif[0x8298] = _ascii(meta.copyright)  # Copyright
    exif[0x0131] = "Atelier"  # Software
    if orientation:
        exif[ORIENTATION] = orientation
    data = exif.tobytes()
    return data[len(EXIF_HEADER) :] if data.startswith(EXIF_HEADER) else data


def _orientation(data: bytes) -> int | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(ORIENTATION)
    except Exception:  # noqa: BLE001 - unreadable EXIF: keep none
        return None
    return int(value) if value and value != 1 else None


# PNG --------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _itxt(keyword: str, text: str) -> bytes:
    data = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00"
    return _png_chunk(b"iTXt", data + text.encode("utf-8"))


def _text(keyword: str, text: str) -> bytes:
    data = keyword.encode("latin-1") + b"\x00" + _ascii(text).encode("latin-1")
    return _png_chunk(b"tEXt", data)


def embed_png(data: bytes, meta: Attribution) -> bytes:
    """Return the PNG `data` with attribution chunks after its header."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    chunks = []
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("truncated PNG chunk")
        chunks.append((kind, data[pos:end]))
        pos = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise ValueError("PNG without a header chunk")
    ours = b"".join(
        [
            _itxt("Title", meta.title),
            _itxt("Author", meta.artist),
            _itxt("Description", meta.attribution),
            _itxt("Copyright", meta.copyright),
            _text("License", meta.license_url),
            _text("Source", meta.work_url),
            _itxt("XML:com.adobe.xmp", xmp_packet(meta).decode("utf-8")),
        ]
    )
    dropped = {b"tEXt", b"zTXt", b"iTXt", b"eXIf"}
    kept = [raw for kind, raw in chunks[1:] if kind not in dropped]
    return PNG_SIGNATURE + chunks[0][1] + ours + b"".join(kept)


# JPEG -------------------------------------------------------------------------


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("metadata too large for one JPEG segment")
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def embed_jpeg(data: bytes, meta: Attribution) -> bytes:
    """Return the JPEG `data` with fresh EXIF and XMP APP1 segments."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG file")
    orientation = _orientation(data)
    head, rest = [], b""
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("damaged JPEG segment")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan / end: copy as is
            rest = data[pos:]
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos : pos + 2 + length]
        head.append((marker, segment))
        pos += 2 + length
    app0 = [seg for marker, seg in head if marker == 0xE0]
    others = [seg for marker, seg in head if marker not in (0xE0, 0xE1)]
    ours = _jpeg_segment(
        0xE1, EXIF_HEADER + exif_bytes(meta, orientation=orientation)
    ) + _jpeg_segment(0xE1, XMP_JPEG_HEADER + xmp_packet(meta))
    return b"\xff\xd8" + b"".join(app0) + ours + b"".join(others) + rest


# WebP -------------------------------------------------------------------------


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    pad = b"\x00" if len(data) % 2 else b""
    return kind + struct.pack("<I", len(data)) + data + pad


def _vp8l_has_alpha(data: bytes) -> bool:
    if len(data) < 5 or data[0] != 0x2F:
        return False
    (bits,) = struct.unpack("<I", data[1:5])
    return bool((bits >> 28) & 1)


def embed_webp(data: bytes, meta: Attribution) -> bytes:
    """Return the WebP `data` with EXIF and XMP chunks announced in VP8X."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP file")
    orientation = _orientation(data)
    chunks = []
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        payload = data[pos + 8 : pos + 8 + length]
        chunks.append((kind, payload))
        pos += 8 + length + (length % 2)
    kinds = [kind for kind, _ in chunks]
    body = [(k, p) for k, p in chunks if k not in (b"EXIF", b"XMP ", b"VP8X")]
    if b"VP8X" in kinds:
        vp8x = bytearray(dict(chunks)[b"VP8X"])
    else:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        alpha = any(k == b"VP8L" and _vp8l_has_alpha(p) for k, p in chunks)
        vp8x = bytearray(10)
        vp8x[0] = 0x10 if alpha else 0
        vp8x[4:7] = (width - 1).to_bytes(3, "little")
        vp8x[7:10] = (height - 1).to_bytes(3, "little")
    vp8x[0] |= 0x08 | 0x04  # EXIF and XMP present
    out = _riff_chunk(b"VP8X", bytes(vp8x))
    out += b"".join(_riff_chunk(k, p) for k, p in body)
    out += _riff_chunk(b"EXIF", exif_bytes(meta, orientation=orientation))
    out += _riff_chunk(b"XMP ", xmp_packet(meta))
    return b"RIFF" + struct.pack("<I", len(out) + 4) + b"WEBP" + out


EMBEDDERS = {"PNG": embed_png, "JPEG": embed_jpeg, "WEBP": embed_webp}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def embed_attribution(data: bytes, *, image_format: str, meta: Attribution) -> bytes:
    """Return `data` (a stored original) with `meta` embedded in its container."""
    try:
        embed = EMBEDDERS[image_format.upper()]
    except KeyError as exc:
        raise ValueError(f"cannot embed metadata in {image_format} files") from exc
    return embed(data, meta)


def attributed_original(submission, *, work_url: str) -> tuple[bytes, str, str]:  # noqa: ANN001 - a Submission
    """Return a work's original with its attribution embedded.

    Gives the bytes, their content type and a download file name; the
    stored file is only read.
    """
    from django.utils.text import slugify

    from art_tasks.models import LICENSE_URLS, License

    fmt = submission.format.upper()
    meta = Attribution(
        title=submission.title,
        artist=submission.artist.shown_name,
        attribution=submission.attribution,
        license=submission.license,
        license_url=LICENSE_URLS.get(submission.license, ""),
        work_url=work_url,
        public_domain=submission.license == License.CC0,
    )
    with submission.original.open("rb") as fh:
        data = fh.read()
    body = embed_attribution(data, image_format=fmt, meta=meta)
    name = slugify(submission.title)[:60] or "artwork"
    artist = slugify(submission.artist.username) or "artist"
    filename = f"{name}-by-{artist}.{EXTENSIONS[fmt]}"
    return body, CONTENT_TYPES[fmt], filename
