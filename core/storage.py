"""Where stored files live: local disk, or an S3-compatible bucket.

With ``AWS_STORAGE_BUCKET_NAME`` unset, files stay on disk as they always
have: public media under ``MEDIA_ROOT``, submission files under
``PRIVATE_MEDIA_ROOT`` (served by a view that checks who asks), trained
weights under ``ATELIER_MODELS_DIR``. With it set, ``config.settings``
points three storages at the bucket (docs/operations.md, "Object storage"):

- ``default`` (prefix ``media/``): seeds, avatars, sample sheets; written
  ``public-read``.
- ``private`` (prefix ``private/``): submission originals, drafts and web
  variants; written ``private``. A variant's ACL follows its work: it is
  made ``public-read`` while the work is accepted (`sync_variant_acl`) and
  carries ``Cache-Control: public, max-age=31536000, immutable``, which is
  safe because a variant is named by the hash of its own bytes.
- ``weights`` (prefix ``models/``): trained generator weights; private.
  Workers copy a file to local disk once per process (`local_weights`).

`public_url` is the one place that builds the public address of a variant.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.utils.functional import cached_property

IMMUTABLE = "public, max-age=31536000, immutable"
# Seeds, avatars and sample sheets keep their names but may be replaced.
SHORT_PUBLIC = "public, max-age=3600"
VARIANT_PREFIXES = ("web/", "thumbs/")
# Submission files' URLs: the view that checks who asks (gallery.views).
PRIVATE_URL = "/files/"


def object_acls() -> bool:
    """Return whether the bucket takes per-object ACLs (``AWS_S3_OBJECT_ACLS``).

    AWS with ACLs enabled and moto do; MinIO does not, and then a bucket
    policy publishes the public prefixes instead (docs/operations.md).
    """
    return bool(getattr(settings, "AWS_S3_OBJECT_ACLS", True))


def s3_enabled() -> bool:
    """Return whether stored files go to an S3 bucket (``AWS_STORAGE_BUCKET_NAME``)."""
    return bool(getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""))


def is_variant(name: str) -> bool:
    """Return whether `name` is a submission's web variant or thumbnail."""
    return name.startswith(VARIANT_PREFIXES)


class _BucketStorage(S3Storage):
    """An S3 storage whose names are never overwritten and whose base is known."""

    file_overwrite = False

    @cached_property
    def public_base_url(self) -> str:
        """Return the unsigned URL prefix of this storage's objects."""
        domain = getattr(settings, "AWS_S3_CUSTOM_DOMAIN", "") or ""
        if domain:
            base = f"{self.url_protocol}//{domain}"
        else:
            endpoint = (self.endpoint_url or "").rstrip("/")
            if not endpoint:
                region = self.region_name or "us-east-1"
                endpoint = f"https://s3.{region}.amazonaws.com"
            base = f"{endpoint}/{self.bucket_name}"
        location = self.location.strip("/")
        return f"{base}/{location}/" if location else f"{base}/"


class PublicMediaS3Storage(_BucketStorage):
    """Public media in the bucket: unsigned URLs, ``public-read`` objects."""

    def get_default_settings(self) -> dict[str, Any]:
        return {
            **super().get_default_settings(),
            "location": "media",
            "default_acl": "public-read" if object_acls() else None,
            "querystring_auth": False,
        }

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        return {"CacheControl": SHORT_PUBLIC, **super().get_object_parameters(name)}

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        return self.public_base_url + name


class PrivateS3Storage(_BucketStorage):
    """Submission files in the bucket: ``private`` objects, signed URLs.

    `url` answers the permission-checking view's address (as on disk), so
    templates and the API never hand out a signed URL of their own; the view
    redirects to `signed_url` or `public_url` once it has checked the viewer.
    """

    def get_default_settings(self) -> dict[str, Any]:
        return {
            **super().get_default_settings(),
            "location": "private",
            "default_acl": "private" if object_acls() else None,
            "querystring_auth": True,
            "querystring_expire": settings.ATELIER_SIGNED_URL_SECONDS,
            # Signed URLs go to the bucket itself: a CDN in front of the
            # public objects (AWS_S3_CUSTOM_DOMAIN) cannot check a signature.
            "custom_domain": None,
        }

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params = super().get_object_parameters(name)
        # django-storages passes the key, with this storage's prefix.
        location = self.location.strip("/")
        if location:
            name = name.removeprefix(location + "/")
        if is_variant(name):
            params.setdefault("CacheControl", IMMUTABLE)
        else:
            params.setdefault("CacheControl", "private, no-store")
        return params

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        return PRIVATE_URL + name

    def signed_url(self, name: str, **params: Any) -> str:
        """Return a URL to `name` that works for ``ATELIER_SIGNED_URL_SECONDS``."""
        return super().url(name, parameters=params or None)

    def set_public(self, name: str, public: bool) -> None:
        """Make one object readable by anyone, or by the bucket's owner only."""
        acl = "public-read" if public else "private"
        key = self._normalize_name(clean_name(name))
        self.bucket.Object(key).Acl().put(ACL=acl)


class WeightsS3Storage(PrivateS3Storage):
    """Trained weights in the bucket: private, read by workers only."""

    def get_default_settings(self) -> dict[str, Any]:
        return {**super().get_default_settings(), "location": "models"}

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        return self.signed_url(name)


# -- public URLs -----------------------------------------------------------------


def public_url(name: str) -> str:
    """Return the URL anyone may fetch the published variant `name` at.

    A string join, no I/O and no signing: the bucket's (or CDN's) base URL
    for S3, the private storage's base (``/files/``, the view that serves
    accepted work to everyone) on disk. Names are content hashes, so they
    need no quoting.
    """
    storage = storages["private"]
    base = getattr(storage, "public_base_url", None) or storage.base_url
    return base + name


def signed_url(name: str, *, filename: str = "") -> str | None:
    """Return an expiring URL to private file `name`, or None on local disk."""
    storage = storages["private"]
    if not isinstance(storage, PrivateS3Storage):
        return None
    params = {}
    if filename:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    return storage.signed_url(name, **params)


def set_public(name: str, public: bool) -> None:
    """Set the ACL of private-storage object `name`; nothing to do on disk."""
    storage = storages["private"]
    if isinstance(storage, PrivateS3Storage) and object_acls():
        storage.set_public(name, public)


# -- trained weights ---------------------------------------------------------------

_fetched: dict[tuple[str, str], Path] = {}
_fetch_lock = threading.Lock()


def weights_storage() -> Storage | None:
    """Return the bucket storage of trained weights, or None when on disk."""
    return storages["weights"] if s3_enabled() else None


def store_weights(name: str, local: Path) -> None:
    """Upload the weights file `local` as `name` when weights live in a bucket."""
    storage = weights_storage()
    if storage is None:
        return
    if storage.exists(name):
        storage.delete(name)
    with open(local, "rb") as fh:
        storage.save(name, fh)


def local_weights(name: str, sha256: str = "") -> Path:
    """Return a local copy of weights `name`, downloaded once per process.

    Keyed on the stored name and its checksum: a new version (a new name or
    checksum) is fetched again, the same one never. The copy is checked
    against `sha256` when one is given, and written atomically into
    ``ATELIER_WEIGHTS_CACHE_DIR`` (a temporary folder unless set).
    """
    key = (name, sha256)
    found = _fetched.get(key)
    if found is not None and found.exists():
        return found
    with _fetch_lock:
        found = _fetched.get(key)
        if found is not None and found.exists():
            return found
        storage = weights_storage()
        if storage is None:
            raise RuntimeError("Weights are on local disk; no bucket is configured.")
        folder = Path(
            settings.ATELIER_WEIGHTS_CACHE_DIR
            or Path(tempfile.gettempdir()) / "atelier-weights"
        )
        target = folder / (sha256 or hashlib.sha256(name.encode()).hexdigest())
        target = target / Path(name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        digest = hashlib.sha256()
        with storage.open(name, "rb") as src, open(tmp, "wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                dst.write(block)
        if sha256 and digest.hexdigest() != sha256:
            tmp.unlink(missing_ok=True)
            raise ValueError(f"Weights {name} do not match their checksum.")
        os.replace(tmp, target)
        _fetched[key] = target
        return target


def forget_fetched_weights() -> None:
    """Drop this process's record of downloaded weights (tests, settings changes)."""
    _fetched.clear()
