"""Runs an import job from the web: in a background process (`pssm import_job ID`) so the
page returns at once and shows the progress, or inline when PSSM_IMPORTS_INLINE is set.

At most PSSM_IMPORT_CONCURRENCY imports run at once on a node; the others wait in line
(state "queued", with their place shown) and start when one ends. A job whose process died
(killed, the machine restarted, an interrupted command) is marked failed, with the reason,
as soon as a page or a command looks at it (:func:`reap`)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pssm.domain.errors import PssmError, Text, gettext_noop
from pssm.sites.models import StorageLocation

from . import services
from .models import ImportJob
from .readers import write_rejects

logger = logging.getLogger(__name__)


def rejects_path(job: ImportJob) -> Path:
    return Path(settings.PSSM_IMPORT_DIR) / f"job-{job.pk}-rejects.csv"


def fail(job: ImportJob, message: str) -> ImportJob:
    """Record that ``job`` failed with ``message`` (on a fresh connection when the one in
    use was lost); returns the job as recorded, or as it is when even that fails."""
    for attempt in range(2):
        try:
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.FAILED, finished_at=timezone.now(), message=message
            )
            return ImportJob.objects.get(pk=job.pk)
        except DatabaseError:
            if attempt:
                break
            connection.close()
    job.state, job.message = ImportJob.State.FAILED, message
    return job


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
        return fail(job, exc.render(translate))
    except DatabaseError:
        logger.exception("import job %s: database error", job.pk)
        return fail(job, Text(LOST_DATABASE).render(translate))
    except Exception as exc:  # noqa: BLE001 - the job says it stopped; the log has the rest
        logger.exception("import job %s stopped", job.pk)
        return fail(job, Text(STOPPED, reason=type(exc).__name__).render(translate))
    if outcome.rejects:
        write_rejects(rejects_path(job), outcome.headers, outcome.rejects)
    return ImportJob.objects.get(pk=job.pk)


DIED = gettext_noop(
    "The import process stopped before the end (process %(pid)s is gone: killed, or the "
    "machine restarted). The rows committed before are kept; start the import again to resume."
)
STOPPED = gettext_noop(
    "The import stopped (%(reason)s). The rows committed before are kept; start the import "
    "again to resume."
)
INTERRUPTED = gettext_noop("interrupted")
LOST_DATABASE = gettext_noop(
    "The connection to the database was lost during the import. The rows committed before "
    "are kept; start the import again when the database is back, to resume."
)
_QUEUE_LOCK = 7_341_001  # PostgreSQL advisory lock taken while a job is given a slot


def process_alive(pid: int | None, host: str = "") -> bool:
    """Whether process ``pid`` of this machine still runs (a process of another machine, or
    one not recorded yet, counts as running)."""
    if not pid or (host and host != socket.gethostname()[:100]):
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] not in {"Z", "X"}
    except FileNotFoundError:
        return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap() -> int:
    """Mark failed the running jobs whose process is gone; returns how many."""
    dead = [
        job
        for job in ImportJob.objects.filter(state=ImportJob.State.RUNNING)
        if not process_alive(job.pid, job.host)
    ]
    for job in dead:
        ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.FAILED,
            finished_at=timezone.now(),
            message=Text(DIED, pid=job.pid).render(),
        )
    return len(dead)


def position(job: ImportJob) -> int:
    """``job``'s place in the line of queued imports (1 = next to start)."""
    return ImportJob.objects.filter(state=ImportJob.State.QUEUED, pk__lte=job.pk).count()


def _lock_queue() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_QUEUE_LOCK])


def _spawn(job: ImportJob) -> None:
    process = subprocess.Popen(  # noqa: S603 - our own command, arguments are ours
        [sys.executable, "-m", "pssm.cli", "import_job", str(job.pk)],
        start_new_session=True,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ImportJob.objects.filter(pk=job.pk).update(pid=process.pid, host=socket.gethostname()[:100])


def start(job: ImportJob) -> None:
    """Run ``job`` now if a slot is free, else put it in line."""
    if settings.PSSM_IMPORTS_INLINE:
        from django.utils.translation import gettext

        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.RUNNING, pid=os.getpid(), host=socket.gethostname()[:100]
        )
        run(job, translate=gettext)
        return
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
    start_next()


def start_next() -> list[int]:
    """Start queued jobs, oldest first, while fewer than PSSM_IMPORT_CONCURRENCY run;
    returns the ids started."""
    reap()
    started = []
    # a look every page poll makes: the queue is locked only when someone is waiting
    while ImportJob.objects.filter(state=ImportJob.State.QUEUED).exists():
        with transaction.atomic():
            _lock_queue()
            running = ImportJob.objects.filter(state=ImportJob.State.RUNNING).count()
            if running >= settings.PSSM_IMPORT_CONCURRENCY:
                break
            job = ImportJob.objects.filter(state=ImportJob.State.QUEUED).order_by("pk").first()
            if job is None:
                break
            ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, pid=None)
        try:
            _spawn(job)
        except OSError as exc:
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.FAILED,
                finished_at=timezone.now(),
                message=Text(STOPPED, reason=type(exc).__name__).render(),
            )
            continue
        started.append(job.pk)
    return started
