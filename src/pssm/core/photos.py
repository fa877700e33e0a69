"""Photos kept as evidence (inspections, weapons and their markings): checked by their first
bytes and size, then decoded whole by Pillow and written again (so a file that only starts
like a JPEG, or an image built to exhaust the decoder, is refused, and nothing but the
pixels is kept), stored once by their SHA-256 in PSSM_PHOTO_DIR."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass

from django.conf import settings

from pssm.domain import photos
from pssm.domain.errors import gettext_noop

from .services import invalid


@dataclass(frozen=True)
class Stored:
    sha256: str
    content_type: str
    size: int
    name: str

    def fields(self, actor) -> dict:
        """The columns every photo model shares, for ``Model.objects.create(**...)``."""
        return {
            "sha256": self.sha256,
            "content_type": self.content_type,
            "size": self.size,
            "name": self.name,
            "uploaded_by": actor if getattr(actor, "pk", None) else None,
        }


def store_photo(upload, field: str = "photo") -> Stored:
    """Check ``upload`` (a JPEG, PNG or WebP image no larger than PSSM_PHOTO_MAX_MB) and keep
    it; ValidationError naming ``field`` otherwise. The file is written under its digest, so
    the same photo sent twice is kept once."""
    limit = settings.PSSM_PHOTO_MAX_MB * 1024 * 1024
    if upload is None or not getattr(upload, "size", 0):
        raise invalid(gettext_noop("Choose the photo to attach."), field)
    if upload.size > limit:
        raise invalid(
            gettext_noop("The photo is too large: %(size)s MB, at most %(max)s MB."),
            field,
            size=round(upload.size / 1024 / 1024, 1),
            max=settings.PSSM_PHOTO_MAX_MB,
        )
    upload.seek(0)
    kind = photos.sniff(upload.read(16))
    if kind is None:
        raise invalid(
            gettext_noop("This file is not a photo: send a JPEG, PNG or WebP image."), field
        )
    upload.seek(0)
    raw = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    content = reencode(raw, kind, field)
    sha = hashlib.sha256(content).hexdigest()
    folder = settings.PSSM_PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(temp, folder / sha)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    return Stored(sha, kind, len(content), name)


# Pillow's name of each format we keep, and how it is written again.
FORMATS = {
    "image/jpeg": ("JPEG", {"quality": 90, "optimize": True}),
    "image/png": ("PNG", {"optimize": True}),
    "image/webp": ("WEBP", {"quality": 90}),
}
MAX_PIXELS = 50_000_000  # 50 megapixels: more than any camera of the depots takes


def reencode(raw: bytes, kind: str, field: str = "photo") -> bytes:
    """``raw`` decoded whole and written again in its own format (``kind``), turned upright
    and without metadata; ValidationError naming ``field`` when it does not decode as that
    image, or holds more than MAX_PIXELS pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    pillow_format, options = FORMATS[kind]
    not_a_photo = gettext_noop(
        "This file is not a photo that can be read: send a JPEG, PNG or WebP image."
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw), formats=[pillow_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Image.DecompressionBombError(image.size)
                image.load()
                upright = ImageOps.exif_transpose(image)
                if pillow_format == "JPEG" and upright.mode not in {"RGB", "L"}:
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, format=pillow_format, **options)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise invalid(
                gettext_noop("The photo has too many pixels: at most %(max)s megapixels."),
                field,
                max=MAX_PIXELS // 1_000_000,
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise invalid(not_a_photo, field) from None
    return out.getvalue()


def photo_response(photo):
    """The stored file of ``photo`` (a model with sha256 and content_type) as a private
    response, or 404 when the row or its file is missing."""
    from django.http import FileResponse, Http404

    path = settings.PSSM_PHOTO_DIR / photo.sha256 if photo is not None else None
    if path is None or not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
