"""Database triggers that note every row inserted, updated or deleted in a carried table
(``sync_change``), whoever writes it: the ORM, the engine's plain SQL or an import's COPY.

They are installed when a node joins the synchronisation (``pssm node init --national``,
``pssm node join``), so that a stand-alone installation pays nothing for them.
"""

from __future__ import annotations

from django.db import connection

from . import tables

CHANGE = "sync_change"


def _sqlite(tbl: str) -> list[str]:
    out = []
    for op, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        out.append(
            f"CREATE TRIGGER IF NOT EXISTS sync_{op[0].lower()}_{tbl} AFTER {op} ON {tbl} "  # noqa: S608
            f"BEGIN INSERT INTO {CHANGE} (tbl, row) VALUES ('{tbl}', {row}.id); END"
        )
    return out


_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION pssm_sync_capture() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO {CHANGE} (tbl, row) VALUES (TG_TABLE_NAME, OLD.id);
  ELSE
    INSERT INTO {CHANGE} (tbl, row) VALUES (TG_TABLE_NAME, NEW.id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql"""  # noqa: S608 - table names of our own models


def _pg(tbl: str) -> list[str]:
    return [
        f"CREATE OR REPLACE TRIGGER sync_capture AFTER INSERT OR UPDATE OR DELETE ON {tbl} "
        "FOR EACH ROW EXECUTE FUNCTION pssm_sync_capture()"
    ]


def install() -> None:
    """Install the triggers on every carried table (idempotent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for label in tables.ordered():
            tbl = tables.table(label)
            for sql in _pg(tbl) if connection.vendor == "postgresql" else _sqlite(tbl):
                cursor.execute(sql)


def remove() -> None:
    with connection.cursor() as cursor:
        for label in tables.ordered():
            tbl = tables.table(label)
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS sync_capture ON {tbl}")
            else:
                for op in "iud":
                    cursor.execute(f"DROP TRIGGER IF EXISTS sync_{op}_{tbl}")


def installed() -> bool:
    tbl = tables.table(tables.ordered()[0])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'sync_capture' AND tgrelid = %s::regclass",
                [tbl],
            )
        else:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"sync_i_{tbl}"],
            )
        return cursor.fetchone() is not None
