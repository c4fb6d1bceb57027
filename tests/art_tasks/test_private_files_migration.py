"""Migration art_tasks 0004 moves old public submission files and strips them."""

from __future__ import annotations

import hashlib
import importlib
import io

import pytest
from PIL import Image

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from art_tasks.models import Submission
from tests.art_tasks.helpers import submitted_work

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "art_tasks.migrations.0004_private_submission_files"
)


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    exif[0x0112] = 3
    out = io.BytesIO()
    Image.effect_noise((40, 30), 50).convert("RGB").save(
        out, format="JPEG", exif=exif.tobytes()
    )
    return out.getvalue()


def test_old_public_files_move_to_private_storage_and_lose_their_location(
    open_task, artist, media_root
):
    work = submitted_work(task=open_task, artist=artist)
    public, private = storages["default"], storages["private"]
    legacy = _gps_jpeg()
    digest = hashlib.sha256(legacy).hexdigest()
    old_name = f"originals/{digest[:2]}/{digest}.jpg"
    public.save(old_name, ContentFile(legacy))
    for name in (work.web.name, work.thumbnail.name):
        with private.open(name, "rb") as fh:
            public.save(name, ContentFile(fh.read()))
        private.delete(name)
    Submission.objects.filter(pk=work.pk).update(
        original=old_name, sha256=digest, format="JPEG", file_size=len(legacy)
    )

    migration.secure_existing_files(apps, None)
    migration.secure_existing_files(apps, None)  # a second run changes nothing

    work.refresh_from_db()
    for name in (old_name, work.web.name, work.thumbnail.name):
        assert not public.exists(name)
    assert private.exists(work.web.name)
    assert work.original.name != old_name
    assert not private.exists(old_name)
    with work.original.open("rb") as fh:
        stored = fh.read()
    assert work.sha256 == hashlib.sha256(stored).hexdigest()
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {0x0112: 3}
        stored_pixels = image.tobytes()
    with Image.open(io.BytesIO(legacy)) as image:
        assert stored_pixels == image.tobytes()
