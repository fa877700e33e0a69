"""`make bench`: run every benchmark on a scratch SQLite file and, when reachable, a scratch
PostgreSQL database; print the results as tables with the dataset size.

Environment: PSSM_BENCH_N (journal entries to append, default 20000), PSSM_BENCH_WEAPONS
(weapons in the registry dataset, default 1000000), PSSM_BENCH_IMPORT_ROWS (rows of the
import benchmark, default 1000000), PSSM_TEST_POSTGRES_URL.
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
PG_ADMIN = os.environ.get("PSSM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PG_BENCH_DB = "pssm_bench"


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


def main() -> int:
    print(f"Journal: append (one transaction per entry) and verify; {N:,} entries per run")
    print("| database   |   entries | appends/s    | verified      | verified/s   | verify s |")
    print("|------------|-----------|--------------|---------------|--------------|----------|")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [f"sqlite:///{tmp}/bench.sqlite3"]
        pg = _pg_scratch_url()
        if pg:
            targets.append(pg)
        for url in targets:
            env = dict(os.environ, DATABASE_URL=url)
            done = subprocess.run(
                [sys.executable, str(HERE / "journal_bench.py"), str(N)], env=env, check=False
            )
            if done.returncode:
                return done.returncode
    print("\nExplosives safety: QD report and 50-line ammunition voucher posting")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [f"sqlite:///{tmp}/ammunition.sqlite3"]
        pg = _pg_scratch_url()
        if pg:
            targets.append(pg)
        for url in targets:
            env = dict(os.environ, DATABASE_URL=url)
            done = subprocess.run(
                [sys.executable, str(HERE / "ammunition_bench.py")], env=env, check=False
            )
            if done.returncode:
                return done.returncode
    print(f"\nRegistry: serial search and voucher posting; {WEAPONS:,} weapons per database")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [f"sqlite:///{tmp}/registry.sqlite3"]
        pg = _pg_scratch_url()
        if pg:
            targets.append(pg)
        for url in targets:
            env = dict(os.environ, DATABASE_URL=url)
            done = subprocess.run(
                [sys.executable, str(HERE / "registry_bench.py"), str(WEAPONS)],
                env=env,
                check=False,
            )
            if done.returncode:
                return done.returncode
    print(f"\nImport: {IMPORT_ROWS:,} weapon rows from CSV per database")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [f"sqlite:///{tmp}/import.sqlite3"]
        pg = _pg_scratch_url()
        if pg:
            targets.append(pg)
        for url in targets:
            env = dict(os.environ, DATABASE_URL=url)
            done = subprocess.run(
                [sys.executable, str(HERE / "import_bench.py"), str(IMPORT_ROWS)],
                env=env,
                check=False,
            )
            if done.returncode:
                return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
