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
import json
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain import serials
from pssm.domain.access import Action
from pssm.domain.errors import PssmError, Text, ValidationError, gettext_noop
from pssm.domain.ledger import Kind, ReceiptReason, Status
from pssm.journal.services import journal_append
from pssm.movements.models import Voucher, VoucherLine
from pssm.movements.services import _next_number
from pssm.registry import selectors as registry_selectors
from pssm.registry.models import Weapon, WeaponType
from pssm.sites.models import Site, StorageLocation

from . import columns, readers
from .models import ImportJob

CHUNK = 10000
# Chunks between two looks at the registry's planner statistics (see _keep_statistics).
STATISTICS_EVERY = 4
# Interpreter switch interval while a file is read in one thread and written in another.
SWITCH_INTERVAL = 0.0002
REPORT_LIMIT = 500


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
            "rejects": [
                {"row": row, "reason": reason}
                for row, _cells, reason in self.rejects[:REPORT_LIMIT]
            ],
        }


class RowError(Exception):
    """One problem of one row: the column it concerns and the reason."""

    def __init__(self, column: str, reason: str, **params):
        super().__init__(reason)
        self.column, self.reason, self.params = column, reason, params


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- weapon types -------------------------------------------------------------------------


def _key(text: str) -> str:
    return columns.simplify(text).replace(" ", "")


class TypeIndex:
    """Finds a weapon type from what a register says: "AKM", "Kalachnikov AK-47", the
    exported form "Kalashnikov AKM (7.62×39)", an alias. Ambiguous or unknown names raise
    RowError with suggestions."""

    def __init__(self):
        self.by_key: dict[str, set[int]] = {}
        self.primary: dict[str, set[int]] = {}
        self.types = {}
        for wt in WeaponType.objects.all():
            self.types[wt.pk] = wt
            for name in (str(wt), f"{wt.make} {wt.model}", wt.model):
                if _key(name):
                    self.primary.setdefault(_key(name), set()).add(wt.pk)
            for name in (str(wt), f"{wt.make} {wt.model}", wt.model, *wt.aliases.splitlines()):
                k = _key(name)
                if k:
                    self.by_key.setdefault(k, set()).add(wt.pk)
        self.cache: dict[str, int] = {}

    def find(self, text: str) -> int:
        k = _key(text)
        if k in self.cache:
            return self.cache[k]
        found = self.primary.get(k) or self.by_key.get(k, set())  # a model name wins
        if len(found) == 1:
            self.cache[k] = next(iter(found))
            return self.cache[k]
        if not found:
            # "Kalachnikov AKM": every word that names types narrows the choice.
            words = columns.simplify(text).split()
            for word in [*words, *("".join(words[i:]) for i in range(1, len(words)))]:
                ids = self.by_key.get(word)
                if ids:
                    found = set(ids) if not found else found & ids
            if len(found) == 1:
                self.cache[k] = next(iter(found))
                return self.cache[k]
        if len(found) > 1:
            names = sorted(str(self.types[pk]) for pk in found)
            raise RowError(
                "weapon_type",
                gettext_noop("“%(value)s” fits several types: %(names)s"),
                value=text,
                names="; ".join(names[:4]),
            )
        close = difflib.get_close_matches(k, list(self.by_key), n=3, cutoff=0.6)
        names = sorted({str(self.types[pk]) for c in close for pk in self.by_key[c]})
        if names:
            raise RowError(
                "weapon_type",
                gettext_noop("unknown type “%(value)s”; did you mean %(names)s?"),
                value=text,
                names=" / ".join(names[:3]),
            )
        raise RowError("weapon_type", gettext_noop("unknown type “%(value)s”"), value=text)


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
        table = readers.open_table(path, columns.recogniser("weapons"))
    run = _WeaponRun(actor, site, job, table, mapping, location, dry_run, translate)
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
    def __init__(self, actor, site, job, table, mapping, location, dry_run, translate):
        self.actor, self.site, self.job, self.table = actor, site, job, table
        self.mapping, self.location, self.dry_run, self.translate = (
            mapping,
            location,
            dry_run,
            translate,
        )
        self.outcome = Outcome(job=job, headers=table.headers)
        self.lock = threading.Lock()
        self.types = TypeIndex()
        self.seen: dict[int, int] = {}
        self.chunks_checked = 0
        # Which thread turns a valid row into the columns written: the reader where the
        # writer mostly waits on the server (PostgreSQL), the writer where it does the
        # database's work itself and the reader is the busier one (SQLite).
        self.rows_in_reader = not dry_run and connection.vendor == "postgresql"
        self.locations = {
            loc.code: loc.pk
            for loc in StorageLocation.objects.filter(building__site=site, is_active=True)
        }
        self.location_names = {}
        suffixes: dict[str, set[int]] = {}
        for loc in StorageLocation.objects.filter(building__site=site, is_active=True):
            self.location_names[columns.simplify(loc.name)] = loc.pk
            parts = loc.code.split("-")
            for i in range(1, len(parts)):
                suffixes.setdefault("-".join(parts[i:]), set()).add(loc.pk)
        # "R01" or "ARM01-R01" stand for ML-KTI-ARM01-R01 when no other location ends so.
        for suffix, ids in suffixes.items():
            if len(ids) == 1:
                self.locations.setdefault(suffix, next(iter(ids)))
        self.location_codes = {
            pk: code for code, pk in self.locations.items() if code.startswith(site.code)
        }
        self.today = datetime.now(UTC).date()
        self.columns = [
            (index, name, table.headers[index] if index < len(table.headers) else "")
            for index, name in mapping.items()
        ]

    def reject(self, number, cells, exc: RowError):
        header = next((h for _i, n, h in self.columns if n == exc.column), exc.column)
        reason = _reason_text(exc, header, self.translate)
        with self.lock:
            self.outcome.rejected += 1
            self.outcome.rejects.append((number, cells, reason))

    def parse(self, number, cells) -> dict:
        values = {name: (cells[i] if i < len(cells) else "") for i, name, _h in self.columns}
        raw_serial = values.get("serial", "")
        serial = serials.clean(raw_serial)
        norm = serials.normalise(serial)
        if not serial:
            raise RowError("serial", gettext_noop("the serial number is missing"))
        if len(serial) > serials.MAX_SERIAL_LENGTH or not norm:
            raise RowError(
                "serial", gettext_noop("“%(value)s” is not a serial number"), value=raw_serial
            )
        if not values.get("weapon_type"):
            raise RowError("weapon_type", gettext_noop("the weapon type is missing"))
        type_id = self.types.find(values["weapon_type"])
        out = {"serial": serial, "serial_norm": norm, "weapon_type_id": type_id}
        for name in ("country_of_manufacture", "import_country"):
            try:
                out[name] = columns.parse_country(values.get(name, ""))
            except ValueError as exc:
                raise RowError(name, str(exc)) from None
        for name in ("year_of_manufacture", "import_year"):
            try:
                out[name] = columns.parse_year(values.get(name, ""), today=self.today)
            except ValueError as exc:
                raise RowError(
                    name,
                    gettext_noop("%(problem)s: “%(value)s”"),
                    problem=Text(str(exc)),
                    value=values.get(name),
                ) from None
        try:
            received = columns.parse_date(values.get("received_on", ""), today=self.today)
        except ValueError as exc:
            raise RowError(
                "received_on",
                gettext_noop("%(problem)s: “%(value)s”"),
                problem=Text(str(exc)),
                value=values.get("received_on"),
            ) from None
        out["received_on"] = received.isoformat() if received else ""
        for name, limit in (
            ("manufacturer", 120),
            ("ownership_mark", 200),
            ("marking_locations", 200),
        ):
            text = values.get(name, "")
            if len(text) > limit:
                raise RowError(
                    name, gettext_noop("too long (at most %(limit)s characters)"), limit=limit
                )
            out[name] = text
        where = values.get("location", "")
        if where:
            loc = self.locations.get(where.strip().upper()) or self.location_names.get(
                columns.simplify(where)
            )
            if loc is None:
                raise RowError(
                    "location",
                    gettext_noop("no storage location “%(value)s” at this site"),
                    value=where,
                )
            out["location_id"] = loc
        elif self.location is not None:
            out["location_id"] = self.location.pk
        else:
            raise RowError(
                "location", gettext_noop("no storage location: add the column or choose a default")
            )
        if (
            out["year_of_manufacture"]
            and out["import_year"]
            and out["import_year"] < out["year_of_manufacture"]
        ):
            raise RowError("import_year", gettext_noop("imported before it was made"))
        return out

    def go(self, start_after, chunk_size, progress, stop_after_chunks):
        """Read and validate in a second thread while this one writes: the reader only
        parses (no database), this thread checks each chunk against the registry and commits
        it, so parsing overlaps the database's work.

        The two threads share the interpreter lock. While the reader parses, every short
        query of the writer (numbering, journal, ids) would wait up to the default switch
        interval (5 ms) at each of its socket waits before it could go on, which doubles the
        time of a chunk's bookkeeping on PostgreSQL; there the interval is shortened for the
        run and restored. (SQLite works in this thread, and is slower for the extra switches.)"""
        outcome, job = self.outcome, self.job
        chunks: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()
        reader = threading.Thread(
            target=self.produce, args=(chunks, stop, start_after, chunk_size), daemon=True
        )
        switch_interval = sys.getswitchinterval()
        if connection.vendor == "postgresql":
            sys.setswitchinterval(min(switch_interval, SWITCH_INTERVAL))
        reader.start()
        chunks_done = 0
        try:
            while True:
                item = chunks.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                chunk, last = item
                recorded = self.flush(chunk, last)
                if not chunk:
                    continue
                chunks_done += 1
                if recorded:
                    if progress:
                        progress(job)
                else:
                    self.tick(progress)
                if stop_after_chunks is not None and chunks_done >= stop_after_chunks:
                    return
        finally:
            stop.set()
            while reader.is_alive():  # let a reader blocked on a full queue finish
                try:
                    chunks.get_nowait()
                except queue.Empty:
                    reader.join(0.05)
            sys.setswitchinterval(switch_interval)
        outcome.rejects.sort(key=lambda item: item[0])
        job.state = ImportJob.State.CHECKED if self.dry_run else ImportJob.State.DONE
        job.finished_at = timezone.now()
        self.tick(progress)

    def produce(self, chunks, stop, start_after, chunk_size):
        outcome = self.outcome
        chunk: list[tuple[int, list[str], dict]] = []
        last = start_after

        def put(item):
            while not stop.is_set():
                try:
                    chunks.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        try:
            for number, cells in self.table.rows:
                last = number
                outcome.rows += 1
                if number <= start_after:
                    with self.lock:
                        outcome.skipped += 1
                    continue
                try:
                    data = self.parse(number, cells)
                except RowError as exc:
                    self.reject(number, cells, exc)
                    continue
                # Duplicates inside the file: within the chunk here; against earlier chunks
                # the writer finds them in the registry (they were committed by this job),
                # so a million rows need no table of every serial seen. A dry run writes
                # nothing and keeps that table (a 64-bit digest per row).
                key = hash((data["weapon_type_id"], data["serial_norm"]))
                first = self.seen.get(key)
                if first is not None:
                    self.reject(
                        number,
                        cells,
                        RowError("serial", gettext_noop("same weapon as row %(row)s"), row=first),
                    )
                    continue
                self.seen[key] = number
                if self.rows_in_reader:
                    data["rows"] = self.rows_for(number, data)
                chunk.append((number, cells, data))
                if len(chunk) >= chunk_size:
                    if not put((chunk, number)):
                        return
                    chunk = []
                    if not self.dry_run:
                        self.seen = {}
            if put((chunk, last)):
                put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the writing thread
            put(exc)

    def rows_for(self, number, d) -> tuple[tuple, str]:
        """The weapon's columns after its id and before its timestamps, and its voucher line's
        ``after`` (JSON), prepared by the reading thread so that the writing one only adds the
        ids it allocates."""
        weapon = (
            d["serial"],
            d["serial_norm"],
            d["weapon_type_id"],
            d["manufacturer"],
            d["country_of_manufacture"],
            d["year_of_manufacture"],
            d["import_country"],
            d["import_year"],
            d["ownership_mark"],
            d["marking_locations"],
            "{}",
            self.site.organisation_id,
            Status.IN_STORE.value,
            self.site.pk,
            d["location_id"],
            "",
        )
        after = {
            "status": Status.IN_STORE.value,
            "site": self.site.code,
            "location": self.location_codes.get(d["location_id"], ""),
            "custodian": "",
            "destination": "",
            "import_row": number,
        }
        if d["received_on"]:
            after["received_on"] = d["received_on"]
        return weapon, _json(after)

    def tick(self, progress):
        self.record()
        if progress:
            progress(self.job)

    def record(self):
        """Save the job's counters, last committed row and rejects so far."""
        job, outcome = self.job, self.outcome
        job.rows_read, job.imported, job.rejected, job.skipped = (
            outcome.rows,
            outcome.imported,
            outcome.rejected,
            outcome.skipped,
        )
        job.bytes_read = self.table.progress.get("bytes", 0) or job.bytes_read
        job.report = self.outcome.as_dict()["rejects"]
        job.save(
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

    def flush(self, chunk, last_row) -> bool:
        """Check the chunk against the registry, then write it in one transaction with the
        job's counters; True when they were saved so."""
        if not chunk:
            if not self.dry_run and last_row > self.job.last_row:
                self.job.last_row = last_row
            return False
        if self.chunks_checked % STATISTICS_EVERY == 0:
            _keep_statistics(Weapon, VoucherLine)
        self.chunks_checked += 1
        present = _registered(sorted({data["serial_norm"] for _n, _c, data in chunk}))
        earlier_rows = self.rows_of_this_job(
            [found[3] for found in present.values() if found[1] == self.site.pk]
        )
        fresh = []
        for number, cells, data in chunk:
            found = present.get((data["weapon_type_id"], data["serial_norm"]))
            if found is None:
                fresh.append((number, data))
            elif found[3] in earlier_rows:
                self.reject(
                    number,
                    cells,
                    RowError(
                        "serial",
                        gettext_noop("same weapon as row %(row)s"),
                        row=earlier_rows[found[3]],
                    ),
                )
            elif found[1] == self.site.pk:
                with self.lock:
                    self.outcome.skipped += 1  # already in this site's register
            else:
                self.reject(
                    number,
                    cells,
                    RowError(
                        "serial",
                        gettext_noop("already registered at %(site)s (written %(serial)s)"),
                        site=found[0],
                        serial=found[2],
                    ),
                )
        if self.dry_run:
            self.outcome.imported += len(fresh)
            return False
        before = (self.job.last_row, self.outcome.imported)
        try:
            with transaction.atomic():
                if fresh:
                    self.write(fresh, chunk[0][0], last_row)
                self.job.last_row = last_row
                self.outcome.imported += len(fresh)
                self.record()
        except BaseException:
            self.job.last_row, self.outcome.imported = before  # rolled back with the chunk
            raise
        return True

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

    def write(self, fresh, first_row, last_row):
        site, actor, now = self.site, self.actor, timezone.now()
        voucher = _receipt_voucher(
            self.job,
            actor,
            first_row,
            last_row,
            now,
            location_id=fresh[0][1]["location_id"],
            state=Voucher.State.POSTED,
            posted_at=now,
        )
        number = voucher.number
        ids = _allocate_ids(Weapon._meta.db_table, len(fresh))
        stamp = _db_datetime(now)
        if not self.rows_in_reader:
            for n, d in fresh:
                d["rows"] = self.rows_for(n, d)
        _bulk_insert(
            Weapon._meta.db_table,
            WEAPON_COLUMNS,
            ((pk, *d["rows"][0], stamp, stamp) for pk, (_n, d) in zip(ids, fresh, strict=True)),
        )
        _bulk_insert(
            VoucherLine._meta.db_table,
            LINE_COLUMNS,
            (
                (voucher.pk, pk, d["serial"], d["location_id"], d["rows"][1])
                for pk, (_n, d) in zip(ids, fresh, strict=True)
            ),
        )
        weapons = [(pk, d["serial"]) for pk, (_n, d) in zip(ids, fresh, strict=True)]
        journal_append(
            actor=actor,
            kind="import.weapons",
            payload={
                "job": self.job.pk,
                "file": self.job.file_name,
                "sha256": self.job.file_sha256,
                "voucher": number,
                "rows": [first_row, last_row],
                "weapons": [[pk, serial] for pk, serial in weapons],
            },
            scope=site.scope,
        )


WEAPON_COLUMNS = (
    "id",
    "serial",
    "serial_norm",
    "weapon_type_id",
    "manufacturer",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_country",
    "import_year",
    "ownership_mark",
    "marking_locations",
    "other_parts",
    "owner_id",
    "status",
    "site_id",
    "location_id",
    "custodian_unit",
    "created_at",
    "updated_at",
)
LINE_COLUMNS = ("voucher_id", "weapon_id", "serial", "location_id", "after")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _db_datetime(value):
    return (
        value
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value(value)
    )


def _allocate_ids(table: str, n: int) -> list[int]:
    """``n`` fresh primary keys of ``table``, taken inside the caller's write transaction: from
    the sequence on PostgreSQL; above the current maximum on SQLite, whose write transactions
    are exclusive."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cur.fetchall()]
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


def _bulk_insert(table: str, cols: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Write ``rows`` as they are: COPY on PostgreSQL (streamed: the server stores the first
    rows while the next are made), one executemany on SQLite. The rows were validated before;
    the table's constraints still apply."""
    names = ", ".join(cols)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(cols))
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
        v = {name: (cells[i] if i < len(cells) else "") for i, name in mapping.items()}
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
