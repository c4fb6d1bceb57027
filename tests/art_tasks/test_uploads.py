"""Submitting work: real bad files are refused with a message, nothing stored."""

import io

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from art_tasks.models import Claim, Submission
from art_tasks.services import claim_task
from art_tasks.tasks import process_submission_task

pytestmark = pytest.mark.django_db


def _post(client, claim, content: bytes, name: str, content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": claim.task.seeds.first().pk,
            "title": "My work",
            "license": "CC-BY-4.0",
            "image": upload,
        },
        format="multipart",
    )


def _big_png_header(width: int, height: int) -> bytes:
    """A valid PNG whose header claims a huge canvas (a decompression bomb)."""
    image = Image.new("1", (width, height))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _truncated_png() -> bytes:
    image = Image.effect_noise((256, 256), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()[: len(out.getvalue()) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><rect width="10" height="10" fill="red"/></svg>'
)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"hello, I am only text", "text.png", "not an image Atelier can read"),
        (None, "truncated.png", "damaged or truncated"),
        (SVG, "drawing.svg", "not an image Atelier can read"),
        ("bomb", "huge.png", "megapixels"),
        (b"", "empty.png", "empty"),
    ],
    ids=["text-named-png", "truncated-png", "svg", "over-pixel-limit", "zero-bytes"],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(
    claimed, content, name, message, media_root
):
    client, claim = claimed
    if content is None:
        content = _truncated_png()
    elif content == "bomb":
        content = _big_png_header(8000, 6000)  # 48 megapixels > 40
    response = _post(client, claim, content, name)
    assert 400 <= response.status_code < 500
    assert message in response.json()["detail"]
    assert Submission.objects.count() == 0
    claim.refresh_from_db()
    assert claim.state == Claim.State.ACTIVE  # the contributor can try again
    stored = (
        list((media_root / "originals").rglob("*"))
        if (media_root / "originals").exists()
        else []
    )
    assert [p for p in stored if p.is_file()] == []


def test_a_file_over_the_size_limit_is_refused_with_413(claimed, settings, make_png):
    settings.ATELIER_MAX_UPLOAD_BYTES = 1000
    client, claim = claimed
    response = _post(client, claim, make_png((200, 200)) + b"\0" * 2000, "big.png")
    assert response.status_code == 413
    assert "the limit is" in response.json()["detail"]
    assert Submission.objects.count() == 0


def test_a_good_png_is_stored_under_its_hash_and_queued_for_imaging(
    claimed, make_png, django_capture_on_commit_callbacks
):
    client, claim = claimed
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(client, claim, make_png((120, 80)), "../../etc/passwd.png")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "processing"
    submission = Submission.objects.get(pk=body["id"])
    assert submission.original.name.startswith("originals/")
    assert submission.sha256 in submission.original.name
    assert "passwd" not in submission.original.name
    assert (submission.width, submission.height, submission.format) == (120, 80, "PNG")
    claim.refresh_from_db()
    assert claim.state == Claim.State.SUBMITTED
    assert len(callbacks) == 1


def test_imaging_makes_web_variants_and_sends_the_work_to_review(claimed, make_png):
    client, claim = claimed
    body = _post(client, claim, make_png((300, 200)), "work.png").json()
    process_submission_task.run(body["id"])
    submission = Submission.objects.get(pk=body["id"])
    assert submission.state == Submission.State.IN_REVIEW
    with submission.web.open("rb") as fh:
        web = Image.open(fh)
        assert web.format == "WEBP"
        assert web.size == (300, 200)
    assert len(submission.phash) == 16
    assert submission.palette
    assert submission.palette[0].startswith("#")
    process_submission_task.run(body["id"])  # a redelivery changes nothing
    submission.refresh_from_db()
    assert submission.state == Submission.State.IN_REVIEW


def test_a_jpeg_and_a_webp_are_accepted(open_task, artist):
    client = APIClient()
    client.force_authenticate(artist)
    for fmt, name in [("JPEG", "w.jpg"), ("WEBP", "w.webp")]:
        claim = claim_task(task=open_task, user=artist)
        out = io.BytesIO()
        Image.new("RGB", (50, 40), (10, 200, 30)).save(out, format=fmt)
        response = _post(client, claim, out.getvalue(), name, content_type="image/x")
        assert response.status_code == 201, response.json()
        assert response.json()["format"] == fmt
        Submission.objects.all().delete()
        Claim.objects.all().delete()


def test_submitting_on_a_released_claim_is_refused(claimed, make_png):
    from art_tasks.services import release_claim

    client, claim = claimed
    release_claim(claim=claim, user=claim.contributor)
    response = _post(client, claim, make_png(), "w.png")
    assert response.status_code == 409
    assert "released" in response.json()["detail"]
