"""Profile edits: display name, bio and avatar."""

from __future__ import annotations

import hashlib
import io
from typing import IO

from PIL import Image, ImageOps

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from accounts.uploads import inspect_upload
from core.errors import NotAllowed


def _square_webp(fileobj: IO[bytes], side: int) -> bytes:
    """Return the centre square of the image, `side` pixels, as WebP."""
    with Image.open(fileobj) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def _store_avatar(fileobj: IO[bytes]) -> str:
    """Check the upload like a submission, then store its square WebP by hash.

    Raises `InvalidImage` or `FileTooLarge` (accounts.errors) with a message
    the person can act on; nothing is stored then.
    """
    inspect_upload(
        fileobj,
        max_bytes=settings.ATELIER_MAX_UPLOAD_BYTES,
        max_pixels=settings.ATELIER_MAX_UPLOAD_PIXELS,
    )
    data = _square_webp(fileobj, settings.ATELIER_AVATAR_SIZE)
    digest = hashlib.sha256(data).hexdigest()
    name = f"avatars/{digest[:2]}/{digest}.webp"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    avatar: IO[bytes] | None = None,
    remove_avatar: bool = False,
) -> User:
    """Change what `user` shows others; arguments left as None stay as they are.

    The avatar goes through the same checks as submitted work, is cropped
    to a square and stored as a small WebP under its content hash.
    """
    if not user.is_authenticated:
        raise NotAllowed("Sign in to edit your profile.")
    user = User.objects.select_for_update().get(pk=user.pk)
    fields = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if bio is not None:
        user.bio = bio.strip()
        fields.append("bio")
    others = [
        f.name for f in User._meta.fields if f.name not in ("display_name", "bio")
    ]
    user.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    if avatar is not None:
        user.avatar.name = _store_avatar(avatar)
        fields.append("avatar")
    elif remove_avatar and user.avatar:
        user.avatar.name = ""
        fields.append("avatar")
    if fields:
        user.save(update_fields=fields)
    return user
