"""Errors of the accounts floor: uploads Atelier refuses."""

from core.errors import AtelierError


class InvalidImage(AtelierError):
    """An upload that is not an image Atelier accepts (see `uploads.py`)."""

    code = "invalid_image"


class FileTooLarge(InvalidImage):
    status = 413
    code = "file_too_large"
