"""Where submission files live: private storage, served through a view.

A submission's original and its web variants are kept out of `MEDIA_ROOT`
(which the web server may publish as it is) in the storage named
``private`` in ``settings.STORAGES``. Their URLs point at
`gallery.views.submission_file`, which checks on every request who may see
the file, so hiding a work hides its files at once. Seed images stay in the
default, public storage. With a bucket configured the same names live in
S3 instead (`core.storage`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, cached_property, empty

from core.storage import PRIVATE_URL

__all__ = ["PRIVATE_URL", "PrivateFileSystemStorage", "private_storage"]


class PrivateFileSystemStorage(FileSystemStorage):
    """Local disk under ``PRIVATE_MEDIA_ROOT``, with URLs under ``/files/``."""

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self) -> str:
        url = self._base_url or PRIVATE_URL
        return url if url.endswith("/") else url + "/"

    def _clear_cached_properties(self, setting: str, **kwargs: object) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class _PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up on first use (as `default_storage` is).

    Model fields keep the object their ``storage`` callable returned at
    import; this one follows ``STORAGES`` when a test or a deployment
    changes it, so the same fields write to disk or to the bucket.
    """

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private = _PrivateStorage()


def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


setting_changed.connect(_storages_changed, dispatch_uid="art_tasks_private_storage")


def private_storage() -> Storage:
    """Return the storage of submission files (``STORAGES["private"]``)."""
    return _private  # type: ignore[return-value]
