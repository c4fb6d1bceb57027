"""Object storage against a real S3 server: moto's server mode on loopback.

`moto_server` runs as a separate process speaking the S3 HTTP API; boto3,
django-storages and anonymous HTTP clients talk to it over a socket, as
they would to AWS or MinIO. Set ATELIER_TEST_S3_URL to use a server that is
already running instead.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from art_tasks.models import Submission
from art_tasks.services import claim_task
from core import storage as object_storage
from curation.services import decide_submission
from moderation.services import hide_work

KEY, SECRET = "atelier-test", "atelier-test-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The URL of an S3 server: ATELIER_TEST_S3_URL, or a moto_server we start."""
    given = os.environ.get("ATELIER_TEST_S3_URL")
    if given:
        yield given
        return
    port = _free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1"]
        + ["-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)  # noqa: S310
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(
                    "moto_server did not start:\n" + log.read()
                ) from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """Point every media storage at a fresh bucket on the S3 server."""
    name = f"atelier-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    settings.AWS_STORAGE_BUCKET_NAME = name
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_ACCESS_KEY_ID = KEY
    settings.AWS_SECRET_ACCESS_KEY = SECRET
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_CUSTOM_DOMAIN = None
    settings.ATELIER_WEIGHTS_CACHE_DIR = str(tmp_path / "weights-cache")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.PublicMediaS3Storage"},
        "private": {"BACKEND": "core.storage.PrivateS3Storage"},
        "weights": {"BACKEND": "core.storage.WeightsS3Storage"},
    }
    object_storage.forget_fetched_weights()
    yield client, name
    object_storage.forget_fetched_weights()


def anonymous_get(url: str) -> tuple[int, Message, bytes]:
    """GET `url` with no credentials, as a browser or a CDN would."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def plain(url: str) -> str:
    """The object's address without its signature."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def upload(open_task, artist, image: bytes, eager, callbacks) -> Submission:
    """Claim and upload through the API; imaging runs as the Celery task."""
    claim = claim_task(task=open_task, user=artist)
    client = APIClient()
    client.force_authenticate(artist)
    with callbacks(execute=True):
        response = client.post(
            f"/api/v1/claims/{claim.pk}/submission/",
            {
                "seed": open_task.seeds.first().pk,
                "title": "Stored far away",
                "license": "CC-BY-4.0",
                "image": SimpleUploadedFile("w.png", image, content_type="image/png"),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    return Submission.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
def test_an_upload_keeps_its_original_private_and_publishes_variants_on_acceptance(
    bucket,
    open_task,
    artist,
    staff,
    make_png,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    client, name = bucket
    original = make_png((160, 120))
    work = upload(
        open_task, artist, original, eager_celery, django_capture_on_commit_callbacks
    )
    assert work.state == Submission.State.IN_REVIEW  # the worker's code ran

    keys = {o["Key"] for o in client.list_objects_v2(Bucket=name)["Contents"]}
    assert f"private/{work.original.name}" in keys
    assert f"private/{work.web.name}" in keys
    assert f"private/{work.thumbnail.name}" in keys

    # The original: refused to anyone without a signature, ever.
    signed = object_storage.signed_url(work.original.name)
    status, _, _ = anonymous_get(plain(signed))
    assert status == 403
    status, headers, body = anonymous_get(signed)
    assert (status, body) == (200, original)
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["300"]  # ATELIER_SIGNED_URL_SECONDS
    assert "X-Amz-Signature" in query

    # In review, the variants are private too.
    assert anonymous_get(object_storage.public_url(work.web.name))[0] == 403

    with django_capture_on_commit_callbacks(execute=True):
        decide_submission(submission=work, by=staff, accept=True, reason="Lovely.")
    work.refresh_from_db()
    for variant in (work.web.name, work.thumbnail.name):
        status, headers, body = anonymous_get(object_storage.public_url(variant))
        assert status == 200
        assert body[:4] == b"RIFF"  # WebP
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Still private: the original of an accepted work.
    assert anonymous_get(plain(signed))[0] == 403

    # Hidden by a moderator: the bucket refuses the variants again.
    with django_capture_on_commit_callbacks(execute=True):
        hide_work(submission=work, actor=staff, reason="Reported, checked.")
    for variant in (work.web.name, work.thumbnail.name):
        assert anonymous_get(object_storage.public_url(variant))[0] == 403


@pytest.mark.django_db
def test_file_views_redirect_to_the_bucket_after_checking_the_viewer(
    bucket,
    open_task,
    artist,
    staff,
    make_png,
    eager_celery,
    django_capture_on_commit_callbacks,
    client,
):
    original = make_png((100, 80))
    work = upload(
        open_task, artist, original, eager_celery, django_capture_on_commit_callbacks
    )
    web_url = work.web.url
    assert web_url == f"/files/{work.web.name}"  # the checking view, as on disk

    # A stranger learns nothing of work in review.
    assert client.get(web_url).status_code == 404
    assert client.get(f"/files/{work.original.name}").status_code == 404

    client.force_login(artist)
    response = client.get(f"/files/{work.original.name}")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Amz-Signature=" in response["Location"]
    assert anonymous_get(response["Location"])[2] == original

    with django_capture_on_commit_callbacks(execute=True):
        decide_submission(submission=work, by=staff, accept=True, reason="Lovely.")
    client.logout()
    response = client.get(web_url)
    assert response.status_code == 302
    assert response["Location"] == object_storage.public_url(work.web.name)
    assert "Signature" not in response["Location"]
    assert anonymous_get(response["Location"])[0] == 200

    # The attributed download reads the original from the bucket.
    download = client.get(f"/art/{work.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")


def test_public_url_is_the_bucket_base_joined_to_the_name(bucket, settings):
    _, name = bucket
    url = object_storage.public_url("web/ab/abc.webp")
    assert url == f"{settings.AWS_S3_ENDPOINT_URL}/{name}/private/web/ab/abc.webp"
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.atelier.example"
    settings.STORAGES = {**settings.STORAGES}  # a fresh storage reads the setting
    assert object_storage.public_url("web/ab/abc.webp") == (
        "https://cdn.atelier.example/private/web/ab/abc.webp"
    )


def test_public_url_on_local_disk_is_the_checking_view():
    assert object_storage.public_url("web/ab/abc.webp") == "/files/web/ab/abc.webp"


@pytest.mark.django_db
def test_trained_weights_go_to_the_bucket_and_are_fetched_once_per_process(
    bucket, staff, settings, tmp_path
):
    from generation import dcgan
    from generation.services import create_training_run
    from generation.training import train_generator
    from tests.art_tasks.factories import OpenTaskFactory

    client, name = bucket
    settings.ATELIER_MODELS_DIR = tmp_path / "models"
    OpenTaskFactory(created_by=staff, seed_count=12)  # seeds, in the bucket too
    run = create_training_run(
        name="far",
        size=16,
        epochs=1,
        batch_size=4,
        params={"nz": 8, "ngf": 8, "ndf": 8, "seed": 4},
    )
    model = train_generator(run=run, device="cpu").result

    stored = client.head_object(Bucket=name, Key=f"models/{model.weights}")
    assert stored["ContentLength"] > 0
    samples = anonymous_get(model.samples.url)
    assert samples[0] == 200  # the contact sheet is public media
    # Another machine: nothing on its disk but what it downloads.
    (tmp_path / "models" / model.weights).unlink()
    recipe = dcgan.make_recipe(
        name=model.name,
        version=model.version,
        weights=model.weights,
        params=model.params,
        seed=3,
        size=16,
    )
    first = dcgan.render([recipe], device="cpu")[0]

    client.delete_object(Bucket=name, Key=f"models/{model.weights}")
    again = dcgan.render([recipe], device="cpu")[0]  # no second download
    assert again.tobytes() == first.tobytes()

    object_storage.forget_fetched_weights()  # a new process
    (tmp_path / "weights-cache").rename(tmp_path / "elsewhere")
    with pytest.raises(FileNotFoundError):
        dcgan.render([recipe], device="cpu")


@pytest.mark.django_db
def test_weights_that_do_not_match_their_checksum_are_refused(bucket):
    from django.core.files.base import ContentFile

    object_storage.weights_storage().save("odd/1/generator.pt", ContentFile(b"junk"))
    with pytest.raises(ValueError, match="checksum"):
        object_storage.local_weights("odd/1/generator.pt", "0" * 64)


@pytest.mark.django_db
def test_without_object_acls_a_bucket_policy_publishes_variants_but_not_originals(
    bucket,
    open_task,
    artist,
    settings,
    make_png,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    """The MinIO set-up of docs/operations.md: prefixes published by policy."""
    client, name = bucket
    settings.AWS_S3_OBJECT_ACLS = False
    settings.STORAGES = {**settings.STORAGES}  # fresh storages read the setting
    public = ["media/*", "private/web/*", "private/thumbs/*"]
    client.put_bucket_policy(
        Bucket=name,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ["*"]},
                        "Action": ["s3:GetObject"],
                        "Resource": [f"arn:aws:s3:::{name}/{p}" for p in public],
                    }
                ],
            }
        ),
    )
    work = upload(
        open_task,
        artist,
        make_png((90, 60)),
        eager_celery,
        django_capture_on_commit_callbacks,
    )

    assert anonymous_get(object_storage.public_url(work.web.name))[0] == 200
    signed = object_storage.signed_url(work.original.name)
    assert anonymous_get(plain(signed))[0] == 403
    assert anonymous_get(signed)[0] == 200
