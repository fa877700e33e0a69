"""A `pssm import` killed in the middle of a chunk: nothing half-written, its reading process
goes with it, and the same command run again completes the import without duplicates.

The import runs as a real process on a database of its own (a scratch SQLite file, or a
scratch database on the PostgreSQL server when the suite runs there), killed with SIGKILL.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

PSSM = Path(sys.executable).parent / "pssm"
ROWS, CHUNK = 30_000, 500
DEADLINE = 120  # seconds a step may take before the test gives up

SETUP = """
import django
django.setup()
from pssm.accounts import services as accounts
from pssm.accounts.authz import SystemActor
from pssm.sites import services as sites
actor = SystemActor("system:test")
country = sites.country_create(actor=actor, code="BN", name="Benchland", default_language="en")
org = sites.organisation_create(actor=actor, country=country, code="ARMY", name="Army", kind="army")
site = sites.site_create(actor=actor, organisation=org, code="IMP", name="Imp", kind="armoury")
building = sites.building_create(
    actor=actor, site=site, code="ARM01", name="A", kind="armoury_room"
)
sites.location_create(actor=actor, building=building, code="R01", name="Rack", kind="rack")
user = accounts.user_create(actor=actor, username="importer", password="test-password-1")
accounts.role_grant(actor=actor, user=user, role="site_commander", level="site", site=site)
"""


@pytest.fixture
def scratch(tmp_path):
    """(DATABASE_URL, query) of an empty, migrated database of its own."""
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"pssm_killed_{uuid.uuid4().hex[:8]}"
        server = (
            f"host={default['HOST'] or 'localhost'} port={default['PORT'] or 5432} "
            f"user={default['USER']} dbname={default['NAME']}"
        )
        if default.get("PASSWORD"):
            server += f" password={default['PASSWORD']}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = (
            f"postgres://{default['USER']}:{default.get('PASSWORD') or ''}@"
            f"{default['HOST'] or 'localhost'}:{default['PORT'] or 5432}/{name}"
        )

        own = server.replace(f"dbname={default['NAME']}", f"dbname={name}")

        def query(sql):
            with psycopg.connect(own) as c:
                return c.execute(sql).fetchall()

        yield url, query
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = tmp_path / "killed.sqlite3"

    def query(sql):
        with sqlite3.connect(path) as c:
            return c.execute(sql).fetchall()

    yield f"sqlite:///{path}", query


def _env(url):
    return {**os.environ, "DATABASE_URL": url, "PSSM_SECRET_KEY": "test-only"}


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's record is left


def _wait_for(condition, what):
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.02)


def _prepared(url, tmp_path) -> tuple[dict, list[str]]:
    """The scratch database migrated with an armoury and its importer, and the command that
    imports a register of ROWS weapons into it in chunks of CHUNK."""
    env = _env(url)
    subprocess.run([str(PSSM), "migrate", "-v0"], env=env, check=True, timeout=DEADLINE)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=DEADLINE)
    register = tmp_path / "register.csv"
    register.write_text(
        "N° de série;Type d'arme;Emplacement\n"
        + "".join(f"AK-{i:06d};AKM;R01\n" for i in range(ROWS)),
        encoding="utf-8",
    )
    command = [str(PSSM), "import", "weapons", str(register), "--site", "BN-IMP"]
    command += ["--as", "importer", "--chunk", str(CHUNK), "--json"]
    return env, command


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_killed_import_leaves_whole_chunks_and_completes_when_run_again(scratch, tmp_path):
    url, query = scratch
    env, command = _prepared(url, tmp_path)

    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(
            lambda: query("SELECT COUNT(*) FROM imports_importjob WHERE last_row > 0")[0][0],
            "the first committed chunk",
        )
        readers = _children(first.pid)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=DEADLINE)
    assert readers, "the import had no reading process"
    _wait_for(lambda: not any(_running(pid) for pid in readers), "the reader to stop")

    weapons = query("SELECT COUNT(*) FROM registry_weapon")[0][0]
    lines = query("SELECT COUNT(*) FROM movements_voucherline")[0][0]
    vouchers = query("SELECT COUNT(*) FROM movements_voucher")[0][0]
    ((imported, last_row),) = query("SELECT imported, last_row FROM imports_importjob")
    assert 0 < weapons < ROWS, "killed before the end, after a first chunk"
    assert weapons == lines == imported == vouchers * CHUNK  # whole chunks only
    assert last_row == weapons + 1  # the job's last row moved with its chunks

    assert query("SELECT state FROM imports_importjob") == [("running",)]  # as it was left

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=DEADLINE)

    summary = json.loads(again.stdout)
    assert again.returncode == 0, again.stderr
    assert (summary["imported"], summary["skipped"], summary["rejected"]) == (
        ROWS - weapons,
        weapons,
        0,
    )
    # the killed job is failed, with the reason, once a command has looked at it
    (killed, done) = query("SELECT state, message FROM imports_importjob ORDER BY id")
    assert killed[0] == "failed" and f"process {first.pid} is gone" in killed[1]
    assert done[0] == "done"
    assert query("SELECT COUNT(*), COUNT(DISTINCT serial_norm) FROM registry_weapon")[0] == (
        ROWS,
        ROWS,
    )
    verify = subprocess.run(
        [str(PSSM), "journal", "verify", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=True,
    )
    assert json.loads(verify.stdout)["ok"] is True


@pytest.mark.postgres
def test_an_import_that_loses_its_database_says_so_and_keeps_whole_chunks(scratch, tmp_path):
    """The database server drops the import's connection in the middle (as a restarted
    server or a cut link would): a translated message, not a traceback, and whole chunks."""
    import psycopg

    url, query = scratch
    env, command = _prepared(url, tmp_path)
    name = url.rsplit("/", 1)[1]
    default = settings.DATABASES["default"]
    server = (
        f"host={default['HOST'] or 'localhost'} port={default['PORT'] or 5432} "
        f"user={default['USER']} dbname={default['NAME']}"
    )

    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(
            lambda: query("SELECT COUNT(*) FROM imports_importjob WHERE last_row > 0")[0][0],
            "the first committed chunk",
        )
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
        out, err = run.communicate(timeout=DEADLINE)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    text = err.decode()
    if run.returncode == 0:
        pytest.fail("the import ended before its connection was dropped: " + text)
    assert run.returncode == 6, text
    assert "Traceback" not in text
    assert "connection to the database was lost" in text or "base de données a été perdue" in text
    weapons = query("SELECT COUNT(*) FROM registry_weapon")[0][0]
    assert weapons % CHUNK == 0  # whole chunks only
    assert query("SELECT state FROM imports_importjob") == [("failed",)]
