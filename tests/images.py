"""Small images for tests: uploads, seeds and avatars."""

from __future__ import annotations

import io

from PIL import Image


def png_bytes(size: tuple[int, int] = (64, 48), colour: tuple = (200, 80, 40)) -> bytes:
    """Return a PNG of `size` in `colour`, with a blue diagonal so it has detail."""
    image = Image.new("RGB", size, colour)
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (20, 40, 220))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
