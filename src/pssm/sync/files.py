"""Photos travel with the rows that refer to them, by their SHA-256: a bundle carries the file
of each photo row it carries, once whatever the number of rows naming it, and the receiving
node stores it under its hash (PSSM_PHOTO_DIR) after checking the hash. A photo row whose file
is neither in the bundle nor already held refuses the bundle: nothing is lost on the way."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile

from django.conf import settings

from pssm.domain.errors import ConflictError, gettext_noop

from . import tables

PHOTO_TABLES = ("registry.WeaponPhoto", "inspections.InspectionPhoto", "movements.DestructionPhoto")
SHA = re.compile(r"[0-9a-f]{64}")


def _refused(message: str, **params) -> ConflictError:
    return ConflictError(message, code="bundle_files", params=params)


def _hashes(records) -> set[str]:
    photo_tables = {tables.table(label) for label in PHOTO_TABLES}
    return {
        values["sha256"]
        for tbl, _gid, values in records
        if tbl in photo_tables and values and SHA.fullmatch(str(values.get("sha256", "")))
    }


def collect(records) -> dict[str, str]:
    """The files (base64) of the photo rows among ``records`` that this node holds."""
    folder = settings.PSSM_PHOTO_DIR
    out = {}
    for sha in sorted(_hashes(records)):
        path = folder / sha
        if path.is_file():
            out[sha] = base64.b64encode(path.read_bytes()).decode("ascii")
    return out


def store(files, records) -> int:
    """Store the bundle's files (checked against their hash); refuse when a photo row's file
    is missing. Returns how many files were new here."""
    if not isinstance(files, dict):
        raise _refused(gettext_noop("The bundle's files are not readable."))
    folder = settings.PSSM_PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    new = 0
    for sha, text in files.items():
        if not SHA.fullmatch(str(sha)) or not isinstance(text, str):
            raise _refused(gettext_noop("The bundle carries a file under a name that is no hash."))
        try:
            content = base64.b64decode(text, validate=True)
        except ValueError:
            raise _refused(
                gettext_noop("The file %(sha)s of the bundle is damaged."), sha=sha
            ) from None
        if hashlib.sha256(content).hexdigest() != sha:
            raise _refused(
                gettext_noop("The file %(sha)s of the bundle does not match its hash."), sha=sha
            )
        target = folder / sha
        if target.exists():
            continue
        fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(temp, target)
        new += 1
    for sha in _hashes(records):
        if not (folder / sha).is_file():
            raise _refused(
                gettext_noop(
                    "The bundle carries a photo whose file (%(sha)s) is neither in it nor held "
                    "here. Nothing was applied."
                ),
                sha=sha[:12],
            )
    return new
