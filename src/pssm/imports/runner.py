"""Runs an import job from the web: in a background process (`pssm import_job ID`) so the
page returns at once and shows the progress, or inline when PSSM_IMPORTS_INLINE is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from pssm.domain.errors import PssmError
from pssm.sites.models import StorageLocation

from . import services
from .models import ImportJob
from .readers import write_rejects


def rejects_path(job: ImportJob) -> Path:
    return Path(settings.PSSM_IMPORT_DIR) / f"job-{job.pk}-rejects.csv"


def run(job: ImportJob, *, translate=lambda s: s) -> ImportJob:
    """Run ``job`` now (its file, mapping and options are on the job)."""
    options = job.options or {}
    location = None
    if options.get("location"):
        location = StorageLocation.objects.filter(code=options["location"]).first()
    runner = services.weapons_import if job.kind == "weapons" else services.ammunition_import
    try:
        outcome = runner(
            actor=job.created_by,
            site=job.site,
            path=job.stored_path,
            file_name=job.file_name,
            mapping={int(k): v for k, v in job.mapping.items()},
            location=location,
            dry_run=bool(options.get("dry_run")),
            all_or_nothing=bool(options.get("all_or_nothing")),
            translate=translate,
            job=job,
        )
    except PssmError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, message=exc.render(translate)
        )
        return ImportJob.objects.get(pk=job.pk)
    if outcome.rejects:
        write_rejects(rejects_path(job), outcome.headers, outcome.rejects)
    return ImportJob.objects.get(pk=job.pk)


def start(job: ImportJob) -> None:
    if settings.PSSM_IMPORTS_INLINE:
        from django.utils.translation import gettext

        run(job, translate=gettext)
        return
    subprocess.Popen(  # noqa: S603 - our own command, arguments are ours
        [sys.executable, "-m", "pssm.cli", "import_job", str(job.pk)],
        start_new_session=True,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
