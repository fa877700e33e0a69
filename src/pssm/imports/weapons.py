"""Import of a legacy register of weapons: a reading process checks the rows, the importing
process checks each chunk against the registry and writes it through the engine's batch path
(:mod:`pssm.movements.bulk`), on PostgreSQL with two writing threads in turn."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import queue
import threading
import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import PssmError, Text, ValidationError, gettext_noop
from pssm.domain.ledger import Kind
from pssm.movements import bulk
from pssm.movements.models import Voucher, VoucherLine
from pssm.registry import selectors as registry_selectors
from pssm.registry.models import Weapon, WeaponType
from pssm.sites.models import Site, StorageLocation

from . import columns, mappings, parsing, readers, sandbox
from .jobs import (
    CHUNK,
    REPORT_LIMIT,
    Outcome,
    ReadingStopped,
    _job_tag,
    _open_job,
    _reason_text,
    _receipt_voucher,
    node_limits,
)
from .models import ImportJob
from .parsing import RowError

# Chunks between two looks at the registry's planner statistics (see _keep_statistics).
STATISTICS_EVERY = 4
# How the reading process of a weapons import is started (see _WeaponRun.go).
START_METHOD = sandbox.START_METHOD

logger = logging.getLogger(__name__)


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
        head_only=True,
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
                (
                    (wt.pk, str(wt), wt.make, wt.model, wt.aliases)
                    for wt in WeaponType.objects.all()
                ),
                overrides=mappings.weapon_type_overrides(site.organisation.country),
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
        limits = node_limits()
        reader = context.Process(
            target=parsing.produce,
            args=(str(self.path), self.rules, start_after, chunk_size, chunks, os.getpid(), limits),
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
                kind, *message = self.receive(chunks, reader, limits)
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
    def receive(chunks, reader, limits) -> tuple:
        """The reading process's next message; an error if it ended without one (the limits
        it was confined to name the reason when they explain its end)."""
        while True:
            try:
                return chunks.get(timeout=parsing.PARENT_CHECK)
            except queue.Empty:
                if reader.is_alive():
                    continue
            ended = sandbox.stopped(reader.exitcode, limits) or ReadingStopped(
                params={"reason": Text(gettext_noop("exit code %(code)s"), code=reader.exitcode)}
            )
            if sandbox.killed(reader):  # what it was writing may be cut: its pipe is not read
                raise ended
            try:  # it may have sent its last message just before it ended
                return chunks.get(timeout=parsing.PARENT_CHECK)
            except queue.Empty:
                raise ended from None

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
                bulk.id_sequence(Weapon._meta.db_table),
                bulk.id_sequence(Voucher._meta.db_table),
            )
        ids = bulk.allocate_ids(Weapon._meta.db_table, self.sequences[0], len(fresh))
        [voucher_id] = bulk.allocate_ids(Voucher._meta.db_table, self.sequences[1], 1)
        uuids = [uuid_lib.uuid4().hex for _ in fresh]  # the weapons' identity in the journal
        checked.ids, checked.voucher_id, checked.uuids = ids, voucher_id, uuids
        weapon, line = parsing.AT_WEAPON, parsing.AT_LINE
        if self.rules.copy_text:
            stamp = parsing.copy_text([timezone.now().isoformat()])
            bulk.copy_rows(
                Weapon._meta.db_table,
                WEAPON_COLUMNS,
                "".join(
                    f"{pk}\t{u}\t{row[weapon]}\t{stamp}\t{stamp}\n"
                    for pk, u, row in zip(ids, uuids, fresh, strict=True)
                ),
            )
            bulk.copy_rows(
                VoucherLine._meta.db_table,
                LINE_COLUMNS,
                "".join(
                    f"{voucher_id}\t{pk}\t{row[line]}\n" for pk, row in zip(ids, fresh, strict=True)
                ),
            )
        else:
            stamp = bulk.db_datetime(timezone.now())
            bulk.insert_rows(
                Weapon._meta.db_table,
                WEAPON_COLUMNS,
                (
                    (pk, u, *row[weapon], stamp, stamp)
                    for pk, u, row in zip(ids, uuids, fresh, strict=True)
                ),
            )
            bulk.insert_rows(
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
        codes = self.rules.location_codes
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
            bulk.journal_receipt(
                actor=actor,
                kind="import.weapons",
                site=site,
                voucher=voucher,
                payload={
                    "job": self.job.pk,
                    "file": self.job.file_name,
                    "sha256": self.job.file_sha256,
                    "rows": [first_row, last_row],
                    "weapons": [
                        [pk, row[parsing.AT_SERIAL]]
                        for pk, row in zip(checked.ids, fresh, strict=True)
                    ],
                },
                weapons=[
                    (
                        str(uuid_lib.UUID(u)),
                        row[parsing.AT_SERIAL],
                        codes[row[parsing.AT_LOCATION]],
                    )
                    for u, row in zip(checked.uuids, fresh, strict=True)
                ],
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
    uuids: list = field(default_factory=list)
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


WEAPON_COLUMNS = ("id", "uuid", *parsing.WEAPON, "created_at", "updated_at")
LINE_COLUMNS = ("voucher_id", "weapon_id", *parsing.LINE)


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
