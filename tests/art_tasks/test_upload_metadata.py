"""Uploads are checked as the imaging worker will read them, metadata too.

Real bad files (a zTXt chunk that inflates past 1 MB, damaged EXIF blocks,
damaged XBM and EPS bytes) are refused with a 4xx and nothing is stored; a
good upload is stored without its personal metadata and with its pixels
untouched.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageOps

from django.core.files.uploadedfile import SimpleUploadedFile

from art_tasks.models import Claim, Submission
from art_tasks.services import claim_task
from art_tasks.tasks import process_submission_task

pytestmark = pytest.mark.django_db

GPS = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _picture(mode: str = "RGB") -> Image.Image:
    image = Image.effect_noise((48, 32), 80).convert(mode)
    image.putpixel((0, 0), (255, 0, 0, 255)[: len(mode)])
    return image


def _png_with(*chunks: bytes) -> bytes:
    out = io.BytesIO()
    _picture().save(out, format="PNG")
    data = out.getvalue()
    return data[:33] + b"".join(chunks) + data[33:]  # after IHDR


def _personal_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x013B] = "Jane Private"  # Artist
    exif[0x010F] = "PhoneCo"  # Make
    exif[GPS] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.0)}
    exif[EXIF_IFD] = {0xA431: "SN-123456", 0xA430: "Jane Private", 0x927C: b"maker"}
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/'
    b'1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/'
    b'exif/1.0/" exif:GPSLatitude="51,30.2N"/></rdf:RDF></x:xmpmeta>'
)
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _post(client, claim, content: bytes, name: str):
    return client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": claim.task.seeds.first().pk,
            "title": "My work",
            "license": "CC-BY-4.0",
            "image": SimpleUploadedFile(name, content, content_type="image/png"),
        },
        format="multipart",
    )


def _webp_with_exif(exif: bytes) -> bytes:
    out = io.BytesIO()
    _picture().save(out, format="WEBP", lossless=True, exif=exif)
    return out.getvalue()


def _ztxt_bomb() -> bytes:
    text = zlib.compress(b"a" * (2 * 1024 * 1024), 9)  # 2 KB that inflate to 2 MB
    return _png_with(_chunk(b"zTXt", b"Comment\x00\x00" + text))


DAMAGED_XBM = (
    b"#define im_width 8\n#define im_height 8\n#define im_x_hot zz\n"
    b"static char im_bits[] = { 0x01, 0x02 };\n"
)
DAMAGED_EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    b'%ImageData: 10 10 8 3 0 1 1 "beginimage"\n%%EndComments\n\x00\xff'
)


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (_ztxt_bomb, "bomb.png", "text chunk"),
        (lambda: _webp_with_exif(b"garbage, not a TIFF block"), "w.webp", "EXIF"),
        (lambda: _png_with(_chunk(b"eXIf", b"garbage, not TIFF")), "e.png", "EXIF"),
        (lambda: DAMAGED_XBM, "damaged.xbm", "not an image Atelier can read"),
        (lambda: DAMAGED_EPS, "damaged.eps", "not an image Atelier can read"),
    ],
    ids=["ztxt-over-1mb", "webp-bad-exif", "png-bad-exif", "xbm", "eps"],
)
def test_files_the_worker_could_not_read_are_refused_at_upload(
    claimed, make, name, message, media_root, settings
):
    client, claim = claimed
    response = _post(client, claim, make(), name)
    assert 400 <= response.status_code < 500
    assert message in response.json()["detail"]
    assert Submission.objects.count() == 0
    claim.refresh_from_db()
    assert claim.state == Claim.State.ACTIVE
    private = settings.PRIVATE_MEDIA_ROOT
    assert not private.exists() or not [p for p in private.rglob("*") if p.is_file()]


def test_an_eps_is_refused_without_running_the_eps_decoder(claimed, monkeypatch):
    from PIL import EpsImagePlugin

    def explode(self):  # noqa: ANN001, ANN202
        raise RuntimeError("the EPS decoder (and Ghostscript) must not run")

    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", explode)
    client, claim = claimed
    response = _post(client, claim, DAMAGED_EPS, "drawing.eps")
    assert response.status_code == 400
    assert "PNG, JPEG or WebP" in response.json()["detail"]


def _jpeg_with_everything() -> tuple[bytes, bytes]:
    """A phone-like JPEG: EXIF with GPS, XMP, a comment, ICC, a trailer."""
    out = io.BytesIO()
    _picture().save(
        out,
        format="JPEG",
        quality=90,
        exif=_personal_exif().tobytes(),
        icc_profile=ICC,
        comment=b"taken at home, 12 Elm Street",
        xmp=XMP,
    )
    plain = io.BytesIO()
    _picture().save(plain, format="JPEG", quality=90)
    return (
        out.getvalue() + b"TRAILER: second picture with its own GPS",
        plain.getvalue(),
    )


def _stored(submission: Submission) -> bytes:
    with submission.original.open("rb") as fh:
        return fh.read()


def _pixels(data: bytes, *, upright: bool = False) -> tuple:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if upright:
            image = ImageOps.exif_transpose(image)
        return image.size, image.tobytes()


def test_a_jpeg_is_stored_without_location_or_personal_exif_and_same_pixels(
    claimed,
):
    client, claim = claimed
    upload, _ = _jpeg_with_everything()
    response = _post(client, claim, upload, "phone.jpg")
    assert response.status_code == 201, response.json()
    submission = Submission.objects.get()
    stored = _stored(submission)
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert dict(exif) == {ORIENTATION: 6}  # only the orientation is kept
        assert exif.get_ifd(GPS) == {}
        assert exif.get_ifd(EXIF_IFD) == {}
        assert image.info.get("icc_profile") == ICC  # colour profile kept
        assert "xmp" not in image.info
        assert "comment" not in image.info
    for secret in (b"Jane Private", b"SN-123456", b"Elm Street", b"GPSLatitude"):
        assert secret not in stored
    assert b"TRAILER" not in stored
    assert _pixels(stored) == _pixels(upload)  # decoded pixels identical
    assert _pixels(stored, upright=True) == _pixels(upload, upright=True)
    assert _pixels(stored, upright=True)[0] == (32, 48)  # orientation 6 applies
    assert submission.file_size == len(stored)
    assert submission.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_png_is_stored_without_text_or_exif_chunks_and_same_pixels(claimed):
    client, claim = claimed
    exif = _personal_exif().tobytes()[6:]  # PNG's eXIf holds TIFF data only
    upload = _png_with(
        _chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(ICC)),
        _chunk(b"eXIf", exif),
        _chunk(b"tEXt", b"Author\x00Jane Private"),
        _chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP),
    )
    response = _post(client, claim, upload, "scan.png")
    assert response.status_code == 201, response.json()
    stored = _stored(Submission.objects.get())
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {ORIENTATION: 6}
        assert image.info.get("icc_profile") == ICC
        assert not getattr(image, "text", {})
    assert b"Jane Private" not in stored
    assert b"GPSLatitude" not in stored
    assert _pixels(stored) == _pixels(upload)
    assert _pixels(stored, upright=True) == _pixels(upload, upright=True)


def test_a_webp_is_stored_without_exif_or_xmp_and_same_pixels(claimed):
    client, claim = claimed
    out = io.BytesIO()
    _picture("RGBA").save(
        out,
        format="WEBP",
        lossless=True,
        exif=_personal_exif().tobytes(),
        xmp=XMP,
        icc_profile=ICC,
    )
    upload = out.getvalue()
    response = _post(client, claim, upload, "w.webp")
    assert response.status_code == 201, response.json()
    stored = _stored(Submission.objects.get())
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {ORIENTATION: 6}
        assert image.info.get("icc_profile") == ICC
        assert "xmp" not in image.info
    assert b"Jane Private" not in stored
    assert b"GPSLatitude" not in stored
    assert _pixels(stored) == _pixels(upload)


def test_a_file_without_metadata_is_stored_byte_for_byte(claimed, make_png):
    client, claim = claimed
    upload = make_png((80, 60))
    assert _post(client, claim, upload, "plain.png").status_code == 201
    assert _stored(Submission.objects.get()) == upload


def test_a_stripped_jpeg_goes_through_the_worker_to_review(claimed):
    client, claim = claimed
    upload, _ = _jpeg_with_everything()
    body = _post(client, claim, upload, "phone.jpg").json()
    process_submission_task.run(body["id"])
    submission = Submission.objects.get(pk=body["id"])
    assert submission.state == Submission.State.IN_REVIEW
    with submission.web.open("rb") as fh, Image.open(fh) as web:
        assert web.size == (32, 48)  # upright
        assert not web.getexif()


def test_the_submit_page_shows_the_reason_instead_of_a_server_error(
    client, open_task, artist
):
    claim = claim_task(task=open_task, user=artist)
    client.force_login(artist)
    response = client.post(
        f"/claims/{claim.pk}/submit/",
        {
            "seed": open_task.seeds.first().pk,
            "title": "Bomb",
            "license": "CC-BY-4.0",
            "image": SimpleUploadedFile("bomb.png", _ztxt_bomb()),
        },
    )
    assert response.status_code == 400
    assert "expands to more than 1 MB" in response.content.decode()
    assert Submission.objects.count() == 0


def test_a_phone_jpeg_with_a_second_picture_keeps_only_the_first(claimed):
    first, second = _picture(), Image.new("RGB", (48, 32), (0, 0, 255))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    upload = out.getvalue()
    with Image.open(io.BytesIO(upload)) as opened:
        assert opened.format == "MPO"
        assert opened.n_frames == 2
    client, claim = claimed
    response = _post(client, claim, upload, "phone.jpg")
    assert response.status_code == 201, response.json()
    assert response.json()["format"] == "JPEG"
    stored = _stored(Submission.objects.get())
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
    assert _pixels(stored) == _pixels(upload)
