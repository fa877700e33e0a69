"""What every import shares: the job (opened, resumed, finished), its outcome and report,
the file's digest, and the receipt voucher of a chunk."""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import PssmError, Text, gettext_noop
from pssm.movements import bulk
from pssm.sites.models import Site

from . import columns, readers, sandbox
from .models import ImportJob
from .parsing import RowError

CHUNK = 10000
REPORT_LIMIT = 500

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    job: ImportJob
    imported: int = 0
    rejected: int = 0
    skipped: int = 0
    rows: int = 0
    rejects: list = field(default_factory=list)  # (row, cells, reason)
    headers: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "job": self.job.pk,
            "state": self.job.state,
            "rows": self.rows,
            "imported": self.imported,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "rejects": self.report(self.rejects),
        }

    @staticmethod
    def report(rejects: list) -> list[dict]:
        """The rejects a job keeps: the first REPORT_LIMIT rows and their reasons."""
        return [{"row": row, "reason": reason} for row, _cells, reason in rejects[:REPORT_LIMIT]]


class ReadingStopped(PssmError):
    """The reading process of an import stopped before the end of the file, for a reason
    other than the file itself (killed, out of memory, a fault in the program)."""

    code = "import_reader"
    default_message = gettext_noop(
        "The file could not be read to the end: the reading process stopped (%(reason)s). "
        "The rows committed before are kept; run the import again to resume."
    )


def node_limits(*, preview: bool = False) -> sandbox.Limits:
    """The limits configured for this node (PSSM_IMPORT_MAX_MEMORY_MB and
    PSSM_IMPORT_MAX_CPU_SECONDS); a preview gets at most a minute of processor time."""
    cpu = settings.PSSM_IMPORT_MAX_CPU_SECONDS
    return sandbox.Limits(
        memory_mb=settings.PSSM_IMPORT_MAX_MEMORY_MB,
        cpu_seconds=min(cpu, 60) if preview else cpu,
        wall_seconds=min(cpu, 60) * 2 if preview else cpu * 2,
    )


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the job ------------------------------------------------------------------------------


def _resume_point(kind: str, site: Site, sha: str) -> int:
    last = (
        ImportJob.objects.filter(kind=kind, site=site, file_sha256=sha)
        .exclude(state=ImportJob.State.CHECKED)
        .order_by("-last_row")
        .values_list("last_row", flat=True)
        .first()
    )
    return last or 0


def _open_job(
    kind,
    *,
    actor,
    site,
    path,
    file_name,
    mapping,
    dry_run,
    all_or_nothing,
    job,
    resume,
    head_only=False,
) -> tuple[readers.Table, dict[int, str], int, ImportJob]:
    """Check the right, open the file (in a confined reading process, see
    :mod:`pssm.imports.sandbox`; ``head_only``: its header row alone, for an import that
    reads the rows in a process of its own), check the mapping (guessed from the headers
    when not given) and record the job as running, in this process. Returns the table, the
    mapping, the row after which to resume (``resume``: the last row committed by an earlier
    run of the same file) and the job. Nothing is written when the file or the mapping is
    refused."""
    authz.check(actor, Action.DATA_IMPORT, site)
    path = Path(path)
    limits = node_limits(preview=head_only)
    table = sandbox.open_table(path, kind, limits, first_rows=0 if head_only else None)
    given = mapping or columns.guess_mapping(kind, table.headers)
    mapping = columns.check_mapping(kind, {int(k): v for k, v in given.items()}, table.headers)
    sha = file_sha256(path)
    start_after = _resume_point(kind, site, sha) if resume and not dry_run else 0
    job = job or ImportJob(kind=kind, site=site, file_name=file_name or path.name, created_by=actor)
    job.file_sha256, job.mapping = sha, {str(k): v for k, v in mapping.items()}
    job.options = {
        **(job.options or {}),
        "dry_run": dry_run,
        "all_or_nothing": all_or_nothing,
        "resumed_after": start_after,
    }
    job.size_bytes, job.state = table.size_bytes, ImportJob.State.RUNNING
    job.pid, job.host = os.getpid(), socket.gethostname()[:100]
    job.save()
    return table, mapping, start_after, job


def _reason_text(exc: RowError, header: str, translate) -> str:
    reason = Text(exc.reason, **exc.params).render(translate)
    return f"{header}: {reason}" if header else reason


def _finish(job, outcome, state) -> Outcome:
    job.state, job.finished_at = state, timezone.now()
    job.rows_read, job.imported, job.rejected, job.skipped = (
        outcome.rows,
        outcome.imported,
        outcome.rejected,
        outcome.skipped,
    )
    job.report = outcome.as_dict()["rejects"]
    job.save()
    return outcome


def _job_tag(job) -> str:
    """The end of the notes of every receipt voucher an import job writes."""
    return f", job {job.pk})"


def _receipt_voucher(job, actor, first_row, last_row, now, **fields):
    """The receipt voucher of one chunk of an import, numbered like any voucher of the site;
    its notes name the file, the rows and the job (see :func:`_job_tag`)."""
    notes = f"Import {job.file_name} (rows {first_row}–{last_row}{_job_tag(job)}"
    return bulk.receipt_voucher(job.site, actor, notes, now, **fields)
