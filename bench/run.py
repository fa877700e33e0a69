# ruff: noqa: E501
"""`make bench`: run every benchmark on a scratch SQLite file and, when reachable, a scratch
PostgreSQL database; print the results as tables with the dataset size.

Environment: PSSM_BENCH_N (journal entries to append, default 20000), PSSM_BENCH_WEAPONS
(weapons in the registry dataset, default 1000000), PSSM_BENCH_IMPORT_ROWS (rows of the
import benchmark, default 1000000), PSSM_BENCH_VERIFY_ENTRIES (journal entries of the verify
benchmark, default 3000000), PSSM_BENCH_TRANSFER_WEAPONS (weapons of the end-to-end transfer
benchmark, default 100000), PSSM_BENCH_REPORT_WEAPONS (weapons of the reports benchmark,
default 200000), PSSM_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
N = int(os.environ.get("PSSM_BENCH_N", "20000"))
WEAPONS = int(os.environ.get("PSSM_BENCH_WEAPONS", "1000000"))
IMPORT_ROWS = int(os.environ.get("PSSM_BENCH_IMPORT_ROWS", "1000000"))
VERIFY_ENTRIES = int(os.environ.get("PSSM_BENCH_VERIFY_ENTRIES", "3000000"))
PG_ADMIN = os.environ.get("PSSM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PG_BENCH_DB = "pssm_bench"
LOAD_CLIENTS = int(os.environ.get("PSSM_BENCH_LOAD_CLIENTS", "20"))
LOAD_SECONDS = int(os.environ.get("PSSM_BENCH_LOAD_SECONDS", "60"))
XLSX_ROWS = int(os.environ.get("PSSM_BENCH_XLSX_ROWS", "200000"))
SYNC_ENTRIES = int(os.environ.get("PSSM_BENCH_SYNC_ENTRIES", "1000000"))
TRANSFER_WEAPONS = int(os.environ.get("PSSM_BENCH_TRANSFER_WEAPONS", "100000"))
REPORT_WEAPONS = int(os.environ.get("PSSM_BENCH_REPORT_WEAPONS", "200000"))
NO_DATABASE = {"readers"}
# Which parts and databases to run (all by default), e.g. PSSM_BENCH_ONLY=registry,import
# and PSSM_BENCH_DATABASES=postgresql.
ONLY = set(filter(None, os.environ.get("PSSM_BENCH_ONLY", "").split(",")))
DATABASES = set(
    filter(None, os.environ.get("PSSM_BENCH_DATABASES", "sqlite,postgresql").split(","))
)


def _wanted(part: str) -> bool:
    return not ONLY or part in ONLY


def _targets(tmp: str, name: str) -> list[str]:
    if name in NO_DATABASE:
        return [f"sqlite:///{tmp}/{name}.sqlite3"]  # run once: it reads files only
    targets = [f"sqlite:///{tmp}/{name}.sqlite3"] if "sqlite" in DATABASES else []
    if "postgresql" in DATABASES:
        pg = _pg_scratch_url()
        if pg:
            targets.append(pg)
    return targets


def _pg_scratch_url() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    admin = PG_ADMIN.replace("postgres://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as exc:  # noqa: BLE001
        print(f"!!! PostgreSQL unreachable ({exc}): PostgreSQL benchmarks SKIPPED")
        return None
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


PARTS = [
    (
        "journal",
        f"Journal: append (one transaction per entry) and verify; {N:,} entries per run\n"
        "| database   |   entries | appends/s    | verified      | verified/s   | verify s |\n"
        "|------------|-----------|--------------|---------------|--------------|----------|",
        "journal_bench.py",
        [str(N)],
    ),
    (
        "ammunition",
        "\nExplosives safety: QD report and 50-line ammunition voucher posting",
        "ammunition_bench.py",
        [],
    ),
    (
        "registry",
        f"\nRegistry: serial search and voucher posting; {WEAPONS:,} weapons per database",
        "registry_bench.py",
        [str(WEAPONS)],
    ),
    (
        "verify",
        f"\nJournal verification: {WEAPONS:,} weapons and {VERIFY_ENTRIES:,} entries per database "
        "(chain, seals, head, replay, comparison with the tables)\n"
        "| database   |   weapons |   entries |  seals | verify s |  entries/s | peak MB | target   | met |\n"
        "|------------|-----------|-----------|--------|----------|------------|---------|----------|-----|",
        "verify_bench.py",
        [str(WEAPONS), str(VERIFY_ENTRIES)],
    ),
    (
        "engine",
        f"\nMovement engine before and after, measured in one run; {WEAPONS:,} weapons per database",
        "engine_bench.py",
        [str(WEAPONS)],
    ),
    (
        "transfer",
        f"\nA 1,000-weapon transfer end to end through the API: lines in batches of 250, dispatch, receipt scanned (one serial per request, then a handheld's buffer of 250 per request), posting; {TRANSFER_WEAPONS:,} weapons per database; seconds, and ms per scan request (median of the first and last 100)\n"
        "| database   |   weapons | scans/request | lines s | dispatch s | scans s | receipt s | total s | first ms | last ms | target | met |\n"
        "|------------|-----------|---------------|---------|------------|---------|-----------|---------|----------|---------|--------|-----|",
        "transfer_bench.py",
        [str(TRANSFER_WEAPONS)],
    ),
    (
        "import",
        f"\nImport: {IMPORT_ROWS:,} weapon rows from CSV per database",
        "import_bench.py",
        [str(IMPORT_ROWS)],
    ),
    (
        "load",
        f"\nLoad: {LOAD_CLIENTS} clients for {LOAD_SECONDS} s against gunicorn on the loopback, per database",
        "load_bench.py",
        [str(LOAD_CLIENTS), str(LOAD_SECONDS)],
    ),
    (
        "sync",
        "\nSynchronisation: a busy depot day (200 vouchers, 2,000 lines) to the national node, by file and over a shaped 2G link",
        "sync_bench.py",
        [],
    ),
    (
        "sync_ingest",
        f"\nSynchronisation: the national node ingesting {SYNC_ENTRIES:,} journal entries from 20 depots",
        "sync_ingest_bench.py",
        [str(SYNC_ENTRIES), "20"],
    ),
    (
        "reports",
        f"\nNational reports: figures of a year and of a half-year; {REPORT_WEAPONS:,} weapons per database",
        "reports_bench.py",
        [str(REPORT_WEAPONS)],
    ),
    (
        "readers",
        "\nXLSX readers, openpyxl and python-calamine in one run, each in a confined child process",
        "reader_bench.py",
        [str(XLSX_ROWS)],
    ),
    (
        "weight",
        "\nPage weight on the demo data: bytes of the main pages, compressed, first load and cached",
        "page_weight_bench.py",
        [],
    ),
]


def main() -> int:
    for part, title, script, args in PARTS:
        if not _wanted(part):
            continue
        print(title, flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            for url in _targets(tmp, part):
                env = dict(
                    os.environ,
                    DATABASE_URL=url,
                    PSSM_HOME=tmp,
                    PSSM_NODE_KEY_FILE=f"{tmp}/node-key-{part}",
                )
                done = subprocess.run(
                    [sys.executable, str(HERE / script), *args], env=env, check=False
                )
                if done.returncode:
                    return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
