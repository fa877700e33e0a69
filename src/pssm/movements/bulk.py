"""The movement engine's batch path for weapons new to the register: what an import of a
legacy register writes, a chunk at a time, inside the caller's transaction.

Ids are taken in advance (from the sequence on PostgreSQL, above the maximum on SQLite, whose
write transactions are exclusive), the weapons and their receipt lines are written in one
statement per table (COPY on PostgreSQL, one executemany on SQLite), the chunk's receipt
voucher is numbered like any voucher of the site, and its journal entry carries the facts of
every weapon (:mod:`pssm.domain.replay`). The rows were checked before; the tables'
constraints still apply (a serial registered twice is an IntegrityError).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from pssm.domain.ledger import Kind, ReceiptReason
from pssm.journal.services import journal_append
from pssm.registry.models import Weapon

from .drafts import next_number
from .models import Voucher, VoucherLine

WEAPON_TABLE = Weapon._meta.db_table
LINE_TABLE = VoucherLine._meta.db_table
VOUCHER_TABLE = Voucher._meta.db_table


def db_datetime(value):
    return (
        value
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value(value)
    )


def id_sequence(table: str) -> str | None:
    """The sequence of ``table``'s ids on PostgreSQL (looked up once per import)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cur.fetchone()[0]


def allocate_ids(table: str, sequence: str | None, n: int) -> list[int]:
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


def copy_rows(table: str, cols: tuple[str, ...], text: str) -> None:
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


def insert_rows(table: str, cols: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Write ``rows`` as they are, in one executemany (SQLite; PostgreSQL takes COPY, see
    :func:`copy_rows`)."""
    names, marks = ", ".join(cols), ", ".join(["%s"] * len(cols))
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def receipt_voucher(site, actor, notes: str, now, **fields) -> Voucher:
    """A receipt voucher of ``site`` numbered like any other (an import's chunk)."""
    seq, number = next_number(site, now.year)
    return Voucher.objects.create(
        site=site,
        year=now.year,
        seq=seq,
        number=number,
        kind=Kind.RECEIPT.value,
        reason=ReceiptReason.ACQUISITION.value,
        prepared_by=actor,
        notes=notes,
        **fields,
    )


def journal_receipt(*, actor, kind: str, site, voucher: Voucher, payload: dict, weapons) -> None:
    """The journal entry of a chunk's receipt, with the facts of each new weapon:
    ``weapons`` are (UUID, serial, location code), all received in store at ``site``."""
    journal_append(
        actor=actor,
        kind=kind,
        payload={**payload, "voucher": voucher.number},
        scope=site.scope,
        facts={
            "ref": ["import", voucher.number],
            "w": [
                [uid, serial, None, ["in_store", site.code, location, "", ""]]
                for uid, serial, location in weapons
            ],
        },
    )
