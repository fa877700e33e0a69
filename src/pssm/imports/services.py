"""Imports of legacy registers: weapons by serial and ammunition by lot, from CSV or XLSX.

Rows are read as a stream, validated one by one (every problem names the row, the column and
what is wrong), and the valid ones are committed in chunks: each chunk is one transaction that
writes the records, one posted receipt voucher with a line per weapon or lot, and one journal
entry, and moves the job's last committed row. A killed process or a lost connection loses at
most the chunk in flight, which is rolled back whole; running the same file again resumes
after the last committed row (and, for weapons, skips every serial already at the site).
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import PssmError, Text, ValidationError, gettext_noop
from pssm.domain.ledger import Kind, ReceiptReason
from pssm.journal.services import journal_append
from pssm.movements.models import Voucher, VoucherLine
from pssm.movements.services import _next_number
from pssm.registry import selectors as registry_selectors
from pssm.registry.models import Weapon, WeaponType
from pssm.sites.models import Site, StorageLocation

from . import columns, parsing, readers
from .models import ImportJob
from .parsing import RowError, _key

CHUNK = 10000
# Chunks between two looks at the registry's planner statistics (see _keep_statistics).
STATISTICS_EVERY = 4
REPORT_LIMIT = 500
# How the reading process of a weapons import is started (see _WeaponRun.go).
START_METHOD = "spawn"

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
    kind, *, actor, site, path, file_name, mapping, dry_run, all_or_nothing, job, resume
) -> tuple[readers.Table, dict[int, str], int, ImportJob]:
    """Check the right, open the file, check the mapping (guessed from the headers when not
    given) and record the job as running. Returns the table, the mapping, the row after which
    to resume (``resume``: the last row committed by an earlier run of the same file) and
    the job. Nothing is written when the file or the mapping is refused."""
    authz.check(actor, Action.DATA_IMPORT, site)
    path = Path(path)
    table = readers.open_table(path, columns.recogniser(kind))
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
    job.save()
    return table, mapping, start_after, job


def _reason_text(exc: RowError, header: str, translate) -> str:
    reason = Text(exc.reason, **exc.params).render(translate)
    return f"{header}: {reason}" if header else reason


def weapons_import(
    *,
    actor,
    site: Site,
    path,
    file_name: str = "",
    mapping: dict[int, str] | None = None,
    location: StorageLocation | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    chunk_size: int = CHUNK,
    progress: Callable[[ImportJob], None] | None = None,
    translate=lambda s: s,
    job: ImportJob | None = None,
    stop_after_chunks: int | None = None,
) -> Outcome:
    """Import the weapons of a register into ``site``; see the module docstring. Each
    weapon goes to the row's storage location or ``location``. Raises
    PermissionDeniedError, readers.FileError or columns.MappingError before anything is
    written; row problems are collected, never raised. ``stop_after_chunks`` ends the run
    after that many committed chunks, as an interruption would."""
    authz.check(actor, Action.DATA_IMPORT, site)
    if location is not None and location.building.site_id != site.pk:
        raise ValidationError(
            gettext_noop("This storage location belongs to another site."),
            details={"location": gettext_noop("Another site.")},
        )
    # Weapons carry their own key (type and normalised serial): a re-run validates every row
    # again, reports the rejects again and skips what the site already holds, so a resumed or
    # repeated import creates nothing twice (no resumption point needed).
    table, mapping, start_after, job = _open_job(
        "weapons",
        actor=actor,
        site=site,
        path=path,
        file_name=file_name,
        mapping=mapping,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        job=job,
        resume=False,
    )
    path = Path(path)
    if all_or_nothing and not dry_run:
        check = weapons_import(
            actor=actor,
            site=site,
            path=path,
            file_name=job.file_name,
            mapping=mapping,
            location=location,
            dry_run=True,
            chunk_size=chunk_size,
            translate=translate,
        )
        if check.rejected:
            job.state, job.rejected, job.rows_read = (
                ImportJob.State.FAILED,
                check.rejected,
                check.rows,
            )
            job.report = check.as_dict()["rejects"]
            job.message = translate(
                gettext_noop("Nothing imported: some rows are rejected (all or nothing).")
            )
            job.finished_at = timezone.now()
            job.save()
            check.job = job
            check.imported = 0
            return check
    run = _WeaponRun(actor, site, job, table, mapping, location, dry_run, translate, path)
    try:
        if all_or_nothing and not dry_run:
            with transaction.atomic():
                run.go(start_after, chunk_size, progress, stop_after_chunks)
        else:
            run.go(start_after, chunk_size, progress, stop_after_chunks)
    except PssmError as exc:
        job.state, job.message = ImportJob.State.FAILED, exc.render(translate)
        job.finished_at = timezone.now()
        job.save()
        raise
    return run.outcome


class _WeaponRun:
    """Writes what the reading process (:func:`parsing.produce`) sends: each chunk is checked
    against the registry and committed in one transaction with the job's counters."""

    def __init__(self, actor, site, job, table, mapping, location, dry_run, translate, path):
        self.actor, self.site, self.job, self.path = actor, site, job, path
        self.dry_run, self.translate = dry_run, translate
        self.outcome = Outcome(job=job, headers=table.headers)
        self.bytes_read = 0
        self.chunks_checked = itertools.count()
        self.lock = threading.RLock()  # the counters, shared with the writing threads
        self.headers = {
            name: (table.headers[index] if index < len(table.headers) else "")
            for index, name in mapping.items()
        }
        self.rules = parsing.WeaponRules(
            mapping=dict(mapping),
            types=parsing.TypeIndex(
                (wt.pk, str(wt), wt.make, wt.model, wt.aliases) for wt in WeaponType.objects.all()
            ),
            **_location_tables(site),
            default_location=location.pk if location is not None else None,
            today=datetime.now(UTC).date(),
            site_id=site.pk,
            site_code=site.code,
            organisation_id=site.organisation_id,
            dry_run=dry_run,
            copy_text=connection.vendor == "postgresql",
        )
        self.sequences = None  # (weapon ids, voucher ids) on PostgreSQL
        self.committed_row = job.last_row  # the last row of the last chunk committed

    def reject(self, number, cells, column, reason, params):
        entry = self.reject_entry(number, cells, column, reason, params)
        with self.lock:
            self.outcome.rejected += 1
            self.outcome.rejects.append(entry)

    def reject_entry(self, number, cells, column, reason, params) -> tuple:
        """``(row, cells, reason)`` of a rejected row, the reason translated."""
        exc = RowError(column, reason, **params)
        return number, cells, _reason_text(exc, self.headers.get(column, column), self.translate)

    def go(self, start_after, chunk_size, progress, stop_after_chunks):
        """Start the reading process and write the chunks it sends as they come, so that
        reading overlaps writing: on PostgreSQL, outside a caller's transaction, through
        :class:`_Pipeline`. The reading process is stopped when this returns or fails (an
        interrupted import), and stops by itself when this process disappears."""
        outcome, job = self.outcome, self.job
        context = multiprocessing.get_context(START_METHOD)
        chunks = context.Queue(maxsize=2)
        reader = context.Process(
            target=parsing.produce,
            args=(str(self.path), self.rules, start_after, chunk_size, chunks, os.getpid()),
            name=f"pssm-import-{job.pk}-reader",
            daemon=True,
        )
        pipelined = (
            connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and not self.dry_run
        )
        reader.start()
        pipeline = _Pipeline(self, progress) if pipelined else None
        chunks_done, stopped = 0, False
        try:
            while True:
                if stop_after_chunks is not None and chunks_done >= stop_after_chunks:
                    stopped = True  # as an interruption would
                    break
                if pipeline:
                    pipeline.check()
                kind, *message = self.receive(chunks, reader)
                if kind == "failed":
                    template, params = message
                    raise readers.FileError(template, params=params)
                if kind == "crashed":
                    logger.error(
                        "import job %s: the reading process failed\n%s", job.pk, message[0]
                    )
                    raise ReadingStopped(params={"reason": message[0].strip().splitlines()[-1]})
                rows, last, (read, skipped, rejects, self.bytes_read) = message
                with self.lock:
                    outcome.rows += read
                    outcome.skipped += skipped
                for reject in rejects:
                    self.reject(*reject)
                if kind == "end":
                    break
                chunks_done += 1
                if pipeline:
                    pipeline.submit(rows, last)
                elif self.flush(rows, last):
                    if progress:
                        progress(job)
                else:
                    self.tick(progress)
            if pipeline:
                pipeline.finish()
        finally:
            if pipeline:
                pipeline.close()
            if reader.is_alive():
                reader.terminate()
            reader.join()
            chunks.close()
        if stopped:
            return
        if not self.dry_run and last > self.committed_row:
            self.committed_row = last  # rows after the last chunk: all rejected or skipped
        outcome.rejects.sort(key=lambda item: item[0])
        job.state = ImportJob.State.CHECKED if self.dry_run else ImportJob.State.DONE
        job.finished_at = timezone.now()
        self.tick(progress)

    @staticmethod
    def receive(chunks, reader) -> tuple:
        """The reading process's next message; an error if it ended without one."""
        while True:
            try:
                return chunks.get(timeout=parsing.PARENT_CHECK)
            except queue.Empty:
                if reader.is_alive():
                    continue
            try:  # it may have sent its last message just before it ended
                return chunks.get(timeout=parsing.PARENT_CHECK)
            except queue.Empty:
                raise ReadingStopped(
                    params={
                        "reason": Text(gettext_noop("exit code %(code)s"), code=reader.exitcode)
                    }
                ) from None

    def tick(self, progress):
        self.record()
        if progress:
            progress(self.job)

    def record(self, chunk: _Checked | None = None, last_row: int | None = None):
        """Save the job's counters, last committed row and rejects so far, with those of
        ``chunk`` (ending at ``last_row``) when it is being committed."""
        self.fill_job(chunk, last_row)
        self.job.save(
            update_fields=[
                "rows_read",
                "imported",
                "rejected",
                "skipped",
                "bytes_read",
                "report",
                "state",
                "finished_at",
                "last_row",
            ]
        )

    def fill_job(self, chunk: _Checked | None = None, last_row: int | None = None) -> None:
        """Set the job's fields from what is committed, plus ``chunk`` if given; without it,
        after a chunk was rolled back, the job is as the database has it."""
        job, outcome = self.job, self.outcome
        fresh, entries, skipped = (
            (chunk.fresh, chunk.entries, chunk.skipped) if chunk else ([], [], 0)
        )
        with self.lock:
            job.last_row = last_row if chunk else self.committed_row
            job.rows_read = outcome.rows
            job.imported = outcome.imported + len(fresh)
            job.rejected = outcome.rejected + len(entries)
            job.skipped = outcome.skipped + skipped
            job.bytes_read = self.bytes_read or job.bytes_read
            job.report = Outcome.report(outcome.rejects[:REPORT_LIMIT] + entries[:REPORT_LIMIT])

    def flush(self, chunk, last_row) -> bool:
        """Check the chunk against the registry, then write it in one transaction with the
        job's counters; True when they were saved so."""
        if self.dry_run:
            checked = self.sort(chunk)
            checked.entries = [self.reject_entry(*reject) for reject in checked.rejects]
            self.take(checked)
            return False
        try:
            with transaction.atomic():
                checked = self.sort(chunk)
                self.store(checked)
                self.complete(checked, chunk[0][0], last_row)
        except BaseException:
            self.fill_job()  # the chunk is rolled back
            raise
        self.take(checked, last_row)
        return True

    def sort(self, chunk) -> _Checked:
        """The chunk's rows checked against the registry: new, already at this site, or
        rejected (a weapon of another site, or one this job registered from another row)."""
        if next(self.chunks_checked) % STATISTICS_EVERY == 0:
            _keep_statistics(Weapon, VoucherLine)
        present = _registered(sorted({row[parsing.AT_NORM] for row in chunk}))
        earlier_rows = self.rows_of_this_job(
            [found[3] for found in present.values() if found[1] == self.site.pk]
        )
        checked = _Checked()
        for row in chunk:
            number, cells, type_id, norm = row[:4]
            found = present.get((type_id, norm))
            if found is None:
                checked.fresh.append(row)
            elif found[3] in earlier_rows:
                checked.rejects.append(
                    (
                        number,
                        cells,
                        "serial",
                        gettext_noop("same weapon as row %(row)s"),
                        {"row": earlier_rows[found[3]]},
                    )
                )
            elif found[1] == self.site.pk:
                checked.skipped += 1  # already in this site's register
            else:
                checked.rejects.append(
                    (
                        number,
                        cells,
                        "serial",
                        gettext_noop("already registered at %(site)s (written %(serial)s)"),
                        {"site": found[0], "serial": found[2]},
                    )
                )
        return checked

    def take(self, checked: _Checked, last_row: int | None = None) -> None:
        """Count a chunk that was committed up to ``last_row`` (or checked, in a dry run)."""
        with self.lock:
            if last_row is not None:
                self.committed_row = last_row
            self.outcome.imported += len(checked.fresh)
            self.outcome.skipped += checked.skipped
            self.outcome.rejected += len(checked.entries)
            self.outcome.rejects.extend(checked.entries)

    def rows_of_this_job(self, weapon_ids: list[int]) -> dict[int, int]:
        """weapon id → the row of this file that registered it, for weapons this job wrote."""
        if not weapon_ids or self.dry_run:
            return {}
        lines = VoucherLine.objects.filter(
            weapon_id__in=weapon_ids,
            voucher__site=self.site,
            voucher__kind=Kind.RECEIPT.value,
            voucher__notes__endswith=_job_tag(self.job),
        ).values_list("weapon_id", "after")
        return {w: after["import_row"] for w, after in lines if after and after.get("import_row")}

    def store(self, checked: _Checked) -> None:
        """Write the chunk's new weapons and their receipt lines, with ids taken here (the
        lines name their voucher, written by :meth:`complete` in the same transaction)."""
        fresh = checked.fresh
        if not fresh:
            return
        if self.sequences is None:
            self.sequences = (
                _id_sequence(Weapon._meta.db_table),
                _id_sequence(Voucher._meta.db_table),
            )
        ids = _allocate_ids(Weapon._meta.db_table, self.sequences[0], len(fresh))
        [voucher_id] = _allocate_ids(Voucher._meta.db_table, self.sequences[1], 1)
        checked.ids, checked.voucher_id = ids, voucher_id
        weapon, line = parsing.AT_WEAPON, parsing.AT_LINE
        if self.rules.copy_text:
            stamp = parsing.copy_text([timezone.now().isoformat()])
            _copy(
                Weapon._meta.db_table,
                WEAPON_COLUMNS,
                "".join(
                    f"{pk}\t{row[weapon]}\t{stamp}\t{stamp}\n"
                    for pk, row in zip(ids, fresh, strict=True)
                ),
            )
            _copy(
                VoucherLine._meta.db_table,
                LINE_COLUMNS,
                "".join(
                    f"{voucher_id}\t{pk}\t{row[line]}\n" for pk, row in zip(ids, fresh, strict=True)
                ),
            )
        else:
            stamp = _db_datetime(timezone.now())
            _bulk_insert(
                Weapon._meta.db_table,
                WEAPON_COLUMNS,
                ((pk, *row[weapon], stamp, stamp) for pk, row in zip(ids, fresh, strict=True)),
            )
            _bulk_insert(
                VoucherLine._meta.db_table,
                LINE_COLUMNS,
                ((voucher_id, pk, *row[line]) for pk, row in zip(ids, fresh, strict=True)),
            )

    def complete(self, checked: _Checked, first_row, last_row) -> None:
        """The rest of the chunk's transaction, chunk after chunk in the order of the file:
        its rejects, its receipt voucher (numbered now) and journal entry, and the job's
        counters and last committed row."""
        checked.entries = [self.reject_entry(*reject) for reject in checked.rejects]
        fresh, site, actor, now = checked.fresh, self.site, self.actor, timezone.now()
        if fresh:
            voucher = _receipt_voucher(
                self.job,
                actor,
                first_row,
                last_row,
                now,
                pk=checked.voucher_id,
                location_id=fresh[0][parsing.AT_LOCATION],
                state=Voucher.State.POSTED,
                posted_at=now,
            )
            journal_append(
                actor=actor,
                kind="import.weapons",
                payload={
                    "job": self.job.pk,
                    "file": self.job.file_name,
                    "sha256": self.job.file_sha256,
                    "voucher": voucher.number,
                    "rows": [first_row, last_row],
                    "weapons": [
                        [pk, row[parsing.AT_SERIAL]]
                        for pk, row in zip(checked.ids, fresh, strict=True)
                    ],
                },
                scope=site.scope,
            )
        self.record(checked, last_row)


class _Abandoned(Exception):
    """A chunk written after one that failed: it is rolled back, never committed."""


class _Pipeline:
    """The chunks of a weapons import written by two threads in turn, each with its own
    database connection (PostgreSQL).

    Half of the database's work for a chunk is its commit, where PostgreSQL checks the
    deferred foreign keys of every weapon and line. While one thread commits a chunk, the
    other checks the next chunk against the registry and copies its weapons and lines. The
    rest of each transaction (the rejects, the voucher's number, the journal entry, the job's
    counters and last row) and the commit follow the order of the file: a chunk waits until
    the one before it is committed, and after a failure no later chunk is committed. So the
    vouchers are numbered in order, the job's last row only moves forward, and an
    interrupted import leaves whole chunks, the first ones, as before.

    The copies too follow the order of the file, so a chunk never waits on a later one. A
    chunk checked while the one before it was not yet committed cannot see that chunk's
    weapons: if it repeats one, its copy waits for that commit and then fails on the unique
    serial, and the chunk is rolled back, checked again and written (the repeat is then
    rejected as the same weapon as its first row)."""

    WRITERS = 2

    def __init__(self, run: _WeaponRun, progress):
        self.run, self.progress = run, progress
        self.turn = threading.Condition()
        self.committed = -1  # the last chunk committed, by its place in the file
        self.stored = -1  # the last chunk whose weapons and lines are copied
        self.failed: tuple[int, BaseException] | None = None
        self.submitted = 0
        self.closed = False
        self.inboxes = [queue.Queue(maxsize=1) for _ in range(self.WRITERS)]
        self.threads = [
            threading.Thread(
                target=self.work,
                args=(inbox,),
                name=f"pssm-import-{run.job.pk}-writer-{n}",
                daemon=True,
            )
            for n, inbox in enumerate(self.inboxes)
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, chunk, last_row) -> None:
        self.inboxes[self.submitted % self.WRITERS].put((self.submitted, chunk, last_row))
        self.submitted += 1

    def check(self) -> None:
        """Raise the error of a chunk that failed, if one did."""
        with self.turn:
            failed = self.failed
        if failed is not None:
            raise failed[1]

    def finish(self) -> None:
        """Wait until every chunk submitted is written, then raise the first failure."""
        self.close()
        self.check()

    def close(self) -> None:
        """Let the threads write what they hold, then end them."""
        if self.closed:
            return
        self.closed = True
        for inbox in self.inboxes:
            inbox.put(None)
        for thread in self.threads:
            thread.join()

    def work(self, inbox) -> None:
        try:
            while (task := inbox.get()) is not None:
                index = task[0]
                if self.failed is not None and self.failed[0] < index:
                    continue  # after a failure: never committed, not even tried
                try:
                    self.write(*task)
                except _Abandoned:
                    pass
                except BaseException as exc:  # noqa: BLE001 - raised by the main thread
                    with self.turn:
                        if self.failed is None or index < self.failed[0]:
                            self.failed = (index, exc)
                        self.turn.notify_all()
        finally:
            connection.close()  # this thread's own

    def write(self, index: int, chunk, last_row) -> None:
        run = self.run
        for attempt in (1, 2):
            its_turn = False
            try:
                with transaction.atomic():
                    checked = run.sort(chunk)
                    self.wait_for(index, "stored")
                    run.store(checked)
                    self.mark(index, "stored")
                    self.wait_for(index, "committed")
                    its_turn = True
                    run.complete(checked, chunk[0][0], last_row)
            except BaseException as exc:
                if its_turn:
                    run.fill_job()  # the chunk is rolled back
                elif attempt == 1 and isinstance(exc, IntegrityError) and _repeats_a_serial(exc):
                    self.wait_for(index, "committed")  # the chunk before holds that weapon
                    continue
                raise
            run.take(checked, last_row)
            self.mark(index, "committed")
            if self.progress:
                self.progress(run.job)
            return

    def mark(self, index: int, step: str) -> None:
        """Chunk ``index`` is ``stored`` or ``committed``: the next one may go on."""
        with self.turn:
            setattr(self, step, index)
            self.turn.notify_all()

    def wait_for(self, index: int, step: str) -> None:
        """Wait until the chunk before ``index`` is ``stored`` (its weapons copied) or
        ``committed``; _Abandoned if it failed."""
        with self.turn:
            self.turn.wait_for(
                lambda: (
                    getattr(self, step) >= index - 1
                    or (self.failed is not None and self.failed[0] < index)
                )
            )
            if getattr(self, step) < index - 1:
                raise _Abandoned


def _repeats_a_serial(exc: IntegrityError) -> bool:
    """True when ``exc`` is the unique (type, normalised serial) of the weapons."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == "weapon_serial_unique_per_type"


@dataclass
class _Checked:
    """A chunk checked against the registry: its new rows (with, once written, their ids and
    their voucher's id), its rejects ``(row, cells, column, reason, params)`` and how many
    rows the site already holds."""

    fresh: list = field(default_factory=list)
    rejects: list = field(default_factory=list)
    skipped: int = 0
    ids: list = field(default_factory=list)
    voucher_id: int | None = None
    entries: list = field(default_factory=list)  # the rejects as (row, cells, reason)


def _location_tables(site: Site) -> dict:
    """How a register may name the site's active storage locations: by code, by a code's end
    that no other location shares ("R01" or "ARM01-R01" for ML-KTI-ARM01-R01), by name."""
    active = list(StorageLocation.objects.filter(building__site=site, is_active=True))
    locations = {loc.code: loc.pk for loc in active}
    names, suffixes = {}, {}
    for loc in active:
        names[columns.simplify(loc.name)] = loc.pk
        parts = loc.code.split("-")
        for i in range(1, len(parts)):
            suffixes.setdefault("-".join(parts[i:]), set()).add(loc.pk)
    for suffix, ids in suffixes.items():
        if len(ids) == 1:
            locations.setdefault(suffix, next(iter(ids)))
    return {
        "locations": locations,
        "location_names": names,
        "location_codes": {
            pk: code for code, pk in locations.items() if code.startswith(site.code)
        },
    }


WEAPON_COLUMNS = ("id", *parsing.WEAPON, "created_at", "updated_at")
LINE_COLUMNS = ("voucher_id", "weapon_id", *parsing.LINE)


def _db_datetime(value):
    return (
        value
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value(value)
    )


def _id_sequence(table: str) -> str | None:
    """The sequence of ``table``'s ids on PostgreSQL (looked up once per import)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cur.fetchone()[0]


def _allocate_ids(table: str, sequence: str | None, n: int) -> list[int]:
    """``n`` fresh primary keys of ``table``, taken inside the caller's write transaction: from
    its ``sequence`` on PostgreSQL (fetched as one array); above the current maximum on
    SQLite, whose write transactions are exclusive."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, n],
            )
            return cur.fetchone()[0]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        top = cur.fetchone()[0]
    return list(range(top + 1, top + 1 + n))


def _job_tag(job) -> str:
    """The end of the notes of every receipt voucher an import job writes."""
    return f", job {job.pk})"


def _receipt_voucher(job, actor, first_row, last_row, now, **fields) -> Voucher:
    """The receipt voucher of one chunk of an import, numbered like any voucher of the site;
    its notes name the file, the rows and the job (see :func:`_job_tag`)."""
    seq, number = _next_number(job.site, now.year)
    return Voucher.objects.create(
        site=job.site,
        year=now.year,
        seq=seq,
        number=number,
        kind=Kind.RECEIPT.value,
        reason=ReceiptReason.ACQUISITION.value,
        prepared_by=actor,
        notes=f"Import {job.file_name} (rows {first_row}–{last_row}{_job_tag(job)}",
        **fields,
    )


def _keep_statistics(*models) -> None:
    """Analyse the tables an import grows once they hold twice the pages they held when last
    analysed (PostgreSQL). The per-chunk look-ups by serial are planned from these figures:
    a table last analysed when it held a thousandth of its rows is read whole for every chunk,
    and the autovacuum daemon may be late or switched off. Each analysis reads a sample of the
    table, so a million-row import runs a handful of them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table = model._meta.db_table
            cur.execute(
                "SELECT c.reltuples < 0 OR pg_relation_size(c.oid) / "
                "current_setting('block_size')::int > 2 * c.relpages + 8 "
                "FROM pg_class c WHERE c.oid = %s::regclass",
                [table],
            )
            if cur.fetchone()[0]:
                cur.execute(f"ANALYZE {table}")  # noqa: S608 - a model's own table


def _registered(norms: list[str]) -> dict[tuple[int, str], tuple[str, int, str, int]]:
    """(type, normalised serial) → (site code, site id, serial, weapon id) of the weapons
    already registered under these normalised serials (one plain query per chunk)."""
    if not norms:
        return {}
    weapons, among, params = registry_selectors.weapons_by_serial(norms)
    sql = (
        "SELECT w.weapon_type_id, w.serial_norm, s.code, w.site_id, w.serial, w.id "  # noqa: S608
        f"FROM {weapons} JOIN sites_site s ON s.id = w.site_id WHERE {among}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {(t, n): (code, site_id, serial, pk) for t, n, code, site_id, serial, pk in cur}


def _copy(table: str, cols: tuple[str, ...], text: str) -> None:
    """COPY rows already in COPY's text format into ``table`` (PostgreSQL); errors are
    raised as Django's (IntegrityError for a unique serial)."""
    names = ", ".join(cols)
    statement = f"COPY {table} ({names}) FROM STDIN"  # noqa: S608 - a model's own table
    with (
        connection.cursor() as cur,
        connection.wrap_database_errors,
        cur.cursor.copy(statement) as copy,
    ):
        copy.write(text)


def _bulk_insert(table: str, cols: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Write ``rows`` as they are, in one executemany (SQLite; PostgreSQL takes COPY, see
    :func:`_copy`). The rows were validated before; the table's constraints still apply."""
    names, marks = ", ".join(cols), ", ".join(["%s"] * len(cols))
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


# --- ammunition ---------------------------------------------------------------------------


def ammunition_import(
    *,
    actor,
    site: Site,
    path,
    file_name: str = "",
    mapping: dict[int, str] | None = None,
    location: StorageLocation | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    chunk_size: int = 200,
    progress: Callable[[ImportJob], None] | None = None,
    translate=lambda s: s,
    job: ImportJob | None = None,
    stop_after_chunks: int | None = None,
) -> Outcome:
    """Import a stock list of ammunition lots into ``site``: each chunk becomes one posted
    receipt voucher, checked like any other (condition, compatibility, licence, QD); a chunk
    that breaks a safety rule is rejected whole, with the rule named on each of its rows."""
    from pssm.ammunition.models import CONDITION_CHOICES, Lot, Nature
    from pssm.domain.stock import normalise_lot_number
    from pssm.movements import lots as lot_engine

    table, mapping, start_after, job = _open_job(
        "ammunition",
        actor=actor,
        site=site,
        path=path,
        file_name=file_name,
        mapping=mapping,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        job=job,
        resume=True,
    )
    outcome = Outcome(job=job, headers=table.headers)
    heads = {
        name: (table.headers[i] if i < len(table.headers) else name) for i, name in mapping.items()
    }
    natures = {}
    for n in Nature.objects.filter(is_active=True):
        natures[_key(n.code)] = n
        natures[_key(n.nomenclature)] = n
    locations = {loc.code: loc for loc in StorageLocation.objects.filter(building__site=site)}
    conditions = {code for code, _label in CONDITION_CHOICES}
    today = datetime.now(UTC).date()
    seen: dict[tuple[str, int], int] = {}
    # The nature of every registered lot, read once instead of once per row.
    known_lots = dict(Lot.objects.values_list("lot_number_norm", "nature__code"))

    def reject(number, cells, exc: RowError):
        outcome.rejected += 1
        outcome.rejects.append(
            (number, cells, _reason_text(exc, heads.get(exc.column, exc.column), translate))
        )

    def parse(cells):
        v = parsing.mapped_values(cells, mapping)
        try:
            norm, _iatg = normalise_lot_number(v.get("lot_number", ""))
        except PssmError as exc:
            raise RowError("lot_number", exc.message_template, **exc.params) from None
        nature = natures.get(_key(v.get("nature", "")))
        if nature is None:
            close = difflib.get_close_matches(
                _key(v.get("nature", "")), list(natures), n=2, cutoff=0.6
            )
            raise RowError(
                "nature",
                gettext_noop("unknown nature “%(value)s”%(hint)s"),
                value=v.get("nature", ""),
                hint=f" ({' / '.join(natures[c].code for c in close)}?)" if close else "",
            )
        text = v.get("quantity", "").replace(" ", "").replace("\u202f", "")
        if not text.isdigit() or int(text) <= 0:
            raise RowError(
                "quantity",
                gettext_noop("“%(value)s” is not a whole number above zero"),
                value=v.get("quantity", ""),
            )
        where = v.get("location", "").strip().upper()
        loc = locations.get(where) or locations.get(f"{site.code}-{where}") if where else location
        if loc is None:
            raise RowError(
                "location",
                gettext_noop("no storage location “%(value)s” at this site"),
                value=where,
            )
        condition = (v.get("condition_code") or "A").strip().upper()[:1]
        if condition not in conditions:
            raise RowError(
                "condition_code",
                gettext_noop("unknown condition code “%(value)s”"),
                value=v.get("condition_code"),
            )
        try:
            year = columns.parse_year(v.get("year_of_manufacture", ""), today=today)
        except ValueError as exc:
            raise RowError("year_of_manufacture", str(exc)) from None
        registered = known_lots.get(norm)
        if registered is not None and registered != nature.code:
            raise RowError(
                "nature",
                gettext_noop("lot %(lot)s is registered as %(registered)s"),
                lot=norm,
                registered=registered,
            )
        return {
            "lot_number": v.get("lot_number", "").strip(),
            "norm": norm,
            "nature": nature,
            "quantity": int(text),
            "location": loc,
            "condition_code": condition,
            "manufacturer": v.get("manufacturer", "")[:80],
            "year_of_manufacture": year,
        }

    def post(chunk, last_row):
        if dry_run:
            outcome.imported += len(chunk)
            return
        try:
            with transaction.atomic():
                now = timezone.now()
                voucher = _receipt_voucher(
                    job,
                    actor,
                    chunk[0][0],
                    last_row,
                    now,
                    location=chunk[0][2]["location"],
                    state=Voucher.State.SUBMITTED,
                )
                lines = []
                for _n, _c, d in chunk:
                    lot = lot_engine.find_or_register_lot(
                        voucher,
                        d["lot_number"],
                        d["nature"],
                        {
                            "condition_code": d["condition_code"],
                            "manufacturer": d["manufacturer"],
                            "year_of_manufacture": d["year_of_manufacture"],
                        },
                    )
                    lines.append(
                        VoucherLine(
                            voucher=voucher,
                            lot=lot,
                            quantity=d["quantity"],
                            location=d["location"],
                            serial="",
                        )
                    )
                VoucherLine.objects.bulk_create(lines)
                lines = list(
                    voucher.lines.select_related("location", "reversed_line").order_by("pk")
                )
                records = lot_engine.post_lot_lines(voucher, lines, now)
                Voucher.objects.filter(pk=voucher.pk).update(
                    state=Voucher.State.POSTED, posted_at=now
                )
                journal_append(
                    actor=actor,
                    kind="import.ammunition",
                    payload={
                        "job": job.pk,
                        "file": job.file_name,
                        "sha256": job.file_sha256,
                        "voucher": voucher.number,
                        "rows": [chunk[0][0], last_row],
                        "lines": records,
                    },
                    scope=site.scope,
                )
                ImportJob.objects.filter(pk=job.pk).update(last_row=last_row)
        except PssmError as exc:
            for n, cells, _d in chunk:
                outcome.rejected += 1
                outcome.rejects.append((n, cells, exc.render(translate)))
            return
        job.last_row = last_row
        outcome.imported += len(chunk)

    chunk, done, number = [], 0, start_after
    for number, cells in table.rows:
        outcome.rows += 1
        if number <= start_after:
            outcome.skipped += 1
            continue
        try:
            data = parse(cells)
        except RowError as exc:
            reject(number, cells, exc)
            continue
        key = (data["norm"], data["location"].pk)
        if key in seen:
            reject(
                number,
                cells,
                RowError(
                    "lot_number",
                    gettext_noop("same lot and location as row %(row)s"),
                    row=seen[key],
                ),
            )
            continue
        seen[key] = number
        chunk.append((number, cells, data))
        if len(chunk) >= chunk_size and not all_or_nothing:
            post(chunk, number)
            chunk, done = [], done + 1
            if stop_after_chunks is not None and done >= stop_after_chunks:
                return _finish(job, outcome, ImportJob.State.RUNNING)
    if all_or_nothing and outcome.rejected:
        outcome.imported = 0
        return _finish(job, outcome, ImportJob.State.FAILED)
    if chunk:
        post(chunk, number)
    return _finish(job, outcome, ImportJob.State.CHECKED if dry_run else ImportJob.State.DONE)


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
