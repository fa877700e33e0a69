"""Database triggers that refuse UPDATE and DELETE on journal entries.

Installed by the journal's migration on SQLite and PostgreSQL. The functions are public so
that the test suite can lift the guard while it empties the database between tests.
"""

TABLE = "journal_journalentry"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS journal_no_update",
    "DROP TRIGGER IF EXISTS journal_no_delete",
]

_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION pssm_journal_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'journal entries are append-only'
           USING ERRCODE = 'integrity_constraint_violation';
       END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER journal_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION pssm_journal_refuse()""",
    f"""CREATE OR REPLACE TRIGGER journal_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION pssm_journal_refuse()""",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS journal_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS journal_no_truncate ON {TABLE}",
]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection) -> None:
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, _PG_INSTALL)
    else:
        raise NotImplementedError(f"no journal guard for {connection.vendor}")


def remove(connection) -> None:
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_REMOVE)
    elif connection.vendor == "postgresql":
        _run(connection, _PG_REMOVE)
