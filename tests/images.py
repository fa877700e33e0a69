"""Real images for the tests, made by Pillow (a photo is decoded whole before it is kept)."""

import io

from PIL import Image


def image_bytes(fmt="PNG", size=(16, 12), color=(120, 80, 40), mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **options)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG", color=(30, 60, 90))
WEBP = image_bytes("WEBP", color=(200, 10, 10))
