"""Photos kept as evidence (inspections, weapons and their markings): checked by their first
bytes and size, stored once by their SHA-256 in PSSM_PHOTO_DIR."""

from __future__ import annotations

import hashlib
import os
import tempfile
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
    digest = hashlib.sha256()
    folder = settings.PSSM_PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        os.replace(temp, folder / sha)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    return Stored(sha, kind, upload.size, name)


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
