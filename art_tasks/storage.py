"""Where submission files live: private storage, served through a view.

A submission's original and its web variants are kept out of `MEDIA_ROOT`
(which the web server may publish as it is) in the storage named
``private`` in ``settings.STORAGES``. Their URLs point at
`gallery.views.submission_file`, which checks on every request who may see
the file, so hiding a work hides its files at once. Seed images stay in the
default, public storage.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

PRIVATE_URL = "/files/"


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


def private_storage() -> Storage:
    """Return the storage of submission files (``STORAGES["private"]``)."""
    return storages["private"]
