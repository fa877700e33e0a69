"""From a dry run to the import: the values a dry run could not recognise (to be mapped),
and "import now", which imports the same uploaded file with the same column mapping."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, gettext_noop

from . import mappings, parsing
from .models import ImportJob
from .runner import rejects_path, start

MAX_VALUES = 50


def job_import_now(*, actor, job: ImportJob) -> ImportJob:
    """A new import of ``job``'s file with its mapping and options, for real, started now
    (or put in line). ``job`` must be a finished dry run whose file is still there.

    Raises PermissionDeniedError without the import right at the site, ConflictError when
    ``job`` is not a finished dry run or its file is gone."""
    authz.check(actor, Action.DATA_IMPORT, job.site)
    if job.state != ImportJob.State.CHECKED or not (job.options or {}).get("dry_run"):
        raise ConflictError(gettext_noop("Only a finished dry run can be imported now."))
    if not job.stored_path or not Path(job.stored_path).exists():
        raise ConflictError(
            gettext_noop("The uploaded file is no longer kept: upload it again to import it.")
        )
    real = ImportJob.objects.create(
        kind=job.kind,
        site=job.site,
        file_name=job.file_name,
        stored_path=job.stored_path,
        created_by=actor,
        size_bytes=job.size_bytes,
        mapping=dict(job.mapping),
        options={**job.options, "dry_run": False, "checked_by": job.pk},
        preview=job.preview,
    )
    start(real)
    real.refresh_from_db()
    return real


def unrecognised_values(job: ImportJob) -> list[tuple[str, int]]:
    """The weapon-type values of the rows ``job`` rejected that name no single type (even
    with the country's mappings), with how many rows have each, most frequent first."""
    if job.kind != ImportJob.Kind.WEAPONS:
        return []
    column = next((int(k) for k, v in (job.mapping or {}).items() if v == "weapon_type"), None)
    path = rejects_path(job)
    if column is None or not path.exists():
        return []
    index = mappings.type_index(mappings.weapon_type_overrides(job.site.organisation.country))
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader, None)
        for row in reader:
            value = row[column].strip() if column < len(row) else ""
            if value:
                counts[value] += 1
    unknown = []
    for value, n in counts.most_common():
        try:
            index.find(value)
        except parsing.RowError:
            unknown.append((value, n))
        if len(unknown) >= MAX_VALUES:
            break
    return unknown
