"""The worker's web variants: the same from libvips and from the Pillow fallback.

Every check runs on both engines: libvips (pyvips, what the worker uses
when it loads) and Pillow (what it falls back to where pyvips cannot load).
"""

import io

import pytest
import pyvips
from PIL import Image, ImageCms

from art_tasks import imaging
from art_tasks.models import Submission
from art_tasks.tasks import process_submission_task
from tests.art_tasks.test_uploads import _post

ENGINES = ["vips", "pillow"]


def _encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _variants(data: bytes, engine: str) -> imaging.Variants:
    return imaging.make_variants(io.BytesIO(data), engine=engine)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _halves(size, left, right) -> Image.Image:
    """An image whose left half is `left` and right half `right`."""
    image = Image.new("RGB", size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def _close(pixel, colour, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


@pytest.mark.parametrize(
    "size",
    [(4000, 3000), (3000, 4000), (2000, 1333), (1000, 333), (481, 479), (300, 200)],
)
def test_both_engines_make_webp_variants_of_the_same_sizes(size):
    data = _encode(_halves(size, (200, 40, 40), (40, 40, 200)), "JPEG", quality=90)
    made = {engine: _variants(data, engine) for engine in ENGINES}
    sizes = {
        engine: (_open(v.web).size, _open(v.thumbnail).size)
        for engine, v in made.items()
    }
    assert sizes["vips"] == sizes["pillow"]
    web, thumb = sizes["vips"]
    assert max(web) == min(imaging.WEB_SIZE, max(size))
    assert max(thumb) == min(imaging.THUMB_SIZE, max(size))
    for v in made.values():
        assert (v.width, v.height) == size
        assert _open(v.web).format == _open(v.thumbnail).format == "WEBP"
        assert len(v.phash) == 16
        assert len(v.palette) >= 2


def test_the_worker_uses_libvips_and_falls_back_to_pillow(monkeypatch, make_png):
    assert imaging.make_variants(io.BytesIO(make_png((60, 40)))).engine == "vips"
    monkeypatch.setattr(imaging, "pyvips", None)
    fallback = imaging.make_variants(io.BytesIO(make_png((60, 40))))
    assert fallback.engine == "pillow"
    assert _open(fallback.web).size == (60, 40)
    with pytest.raises(RuntimeError):
        imaging.make_variants(io.BytesIO(make_png((60, 40))), engine="vips")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_orientation_is_applied_and_no_metadata_is_kept(engine, fmt):
    # Stored sideways (EXIF orientation 6: turn 90° clockwise to view):
    # the left half, red, is the top of the upright picture.
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Camera maker"
    sideways = _halves((1600, 900), (220, 30, 30), (30, 30, 220))
    data = _encode(sideways, fmt, exif=exif.tobytes(), quality=92)
    v = _variants(data, engine)
    assert (v.width, v.height) == (900, 1600)
    for variant in (v.web, v.thumbnail):
        image = _open(variant).convert("RGB")
        assert image.width < image.height
        top = image.getpixel((image.width // 2, image.height // 8))
        bottom = image.getpixel((image.width // 2, image.height * 7 // 8))
        assert _close(top, (220, 30, 30)), top
        assert _close(bottom, (30, 30, 220)), bottom
        assert not _open(variant).getexif()
        assert not {"exif", "icc_profile", "xmp"} & set(_open(variant).info)
        assert b"Camera maker" not in variant


def _p3_profile() -> bytes:
    return (
        pyvips.Image.black(1, 1, bands=3)
        .icc_export(output_profile="p3")
        .get("icc-profile-data")
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_an_embedded_colour_profile_is_converted_to_srgb(engine):
    profile = _p3_profile()
    colour = (40, 170, 60)  # a Display P3 green, far from the same numbers in sRGB
    tagged = Image.new("RGB", (64, 48), colour)
    expected = ImageCms.profileToProfile(
        tagged,
        ImageCms.ImageCmsProfile(io.BytesIO(profile)),
        ImageCms.createProfile("sRGB"),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    ).getpixel((0, 0))
    assert not _close(expected, colour, tolerance=20)
    v = _variants(_encode(tagged, "PNG", icc_profile=profile), engine)
    web = _open(v.web)
    assert "icc_profile" not in web.info  # sRGB, so untagged
    assert _close(web.convert("RGB").getpixel((32, 24)), expected, tolerance=6)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("mode", "expected_mode"),
    [("RGBA", "RGBA"), ("LA", "RGBA"), ("L", "RGB"), ("P", "RGB"), ("I;16", "RGB")],
)
def test_every_png_mode_becomes_an_rgb_webp_keeping_alpha(engine, mode, expected_mode):
    if mode == "I;16":
        image = Image.new("I;16", (40, 30), 30000)
    elif mode == "P":
        image = Image.new("RGB", (40, 30), (10, 120, 200)).convert("P")
    else:
        image = Image.new(mode, (40, 30), {"L": 90, "LA": (90, 128)}.get(mode))
        if mode == "RGBA":
            image = Image.new("RGBA", (40, 30), (10, 120, 200, 128))
    v = _variants(_encode(image, "PNG"), engine)
    web = _open(v.web)
    assert (web.size, web.mode) == ((40, 30), expected_mode)
    if expected_mode == "RGBA":
        assert 110 <= web.getpixel((20, 15))[3] <= 146


@pytest.mark.parametrize("engine", ENGINES)
def test_formats_uploads_do_not_accept_are_refused(engine):
    tiff = _encode(Image.new("RGB", (20, 20), (1, 2, 3)), "TIFF")
    with pytest.raises((ValueError, OSError, pyvips.Error)):
        _variants(tiff, engine)


@pytest.mark.django_db
def test_the_pillow_fallback_takes_a_work_to_review(monkeypatch, claimed):
    monkeypatch.setattr(imaging, "pyvips", None)
    client, claim = claimed
    sideways = _halves((90, 60), (220, 30, 30), (30, 30, 220))
    exif = Image.Exif()
    exif[0x0112] = 8
    upload = _encode(sideways, "JPEG", exif=exif.tobytes(), quality=92)
    body = _post(client, claim, upload, "w.jpg", content_type="image/jpeg").json()
    process_submission_task.run(body["id"])
    submission = Submission.objects.get(pk=body["id"])
    assert submission.state == Submission.State.IN_REVIEW
    with submission.web.open("rb") as fh, Image.open(fh) as web:
        assert (web.format, web.size) == ("WEBP", (60, 90))
    with submission.thumbnail.open("rb") as fh, Image.open(fh) as thumb:
        assert thumb.size == (60, 90)
    assert len(submission.phash) == 16
    assert submission.palette


def test_a_local_file_and_a_stream_give_the_same_variants(tmp_path):
    data = _encode(_halves((2000, 1500), (200, 90, 10), (10, 90, 200)), "JPEG")
    path = tmp_path / "work.jpg"
    path.write_bytes(data)
    streamed = _variants(data, "vips")
    with path.open("rb") as fh:
        fh.read(100)  # wherever the file's position is, it is read from its start
        local = imaging.make_variants(fh, engine="vips")
    assert local == streamed
