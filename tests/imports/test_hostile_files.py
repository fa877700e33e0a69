"""Files built to exhaust the server (the shared-strings bomb, a declared sheet of sixteen
billion cells, a file that takes too long) fail in the confined reading process with a
translated error and change nothing; uploads keep their preview, imports wait in line, and
a job whose process died is marked failed. Every hostile file is built here."""

import os
import signal
import subprocess

import pytest
from django.utils import translation

from pssm.imports import runner, sandbox, services
from pssm.imports.models import ImportJob
from pssm.imports.readers import MAX_SHARED_STRINGS_MB, FileError
from pssm.journal.models import JournalEntry
from pssm.registry.models import Weapon
from tests.imports.hostile import HEAD_ROW, xlsx

LIMITS = sandbox.Limits(memory_mb=1024, cpu_seconds=60, wall_seconds=120)


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(armoury, tmp_path):
    bomb = xlsx(tmp_path / "bomb.xlsx", HEAD_ROW, strings_mb=MAX_SHARED_STRINGS_MB + 8)
    assert bomb.stat().st_size < 2 << 20  # a small file ...

    with pytest.raises(FileError) as err, translation.override("fr"):
        services.weapons_import(actor=armoury.commander, site=armoury.site, path=bomb)

    assert "Mo" in err.value.render() or "MB" in err.value.render()
    assert "built to exhaust the server" in err.value.render()  # ... refused, by its size
    assert not ImportJob.objects.exists() and not Weapon.objects.exists()


def test_a_bomb_under_the_declared_limits_fails_in_the_reader_on_its_memory(
    armoury, tmp_path, settings
):
    settings.PSSM_IMPORT_MAX_MEMORY_MB = 48
    bomb = xlsx(tmp_path / "bomb.xlsx", HEAD_ROW, strings_mb=120)
    entries = JournalEntry.objects.count()

    with pytest.raises(FileError) as err:
        services.ammunition_import(actor=armoury.commander, site=armoury.site, path=bomb)

    assert err.value.params["limit"] == 48
    assert "more than the 48 MB of memory" in err.value.render()
    assert JournalEntry.objects.count() == entries and not ImportJob.objects.exists()


def test_a_declared_sheet_of_sixteen_billion_cells_is_read_by_its_cells(armoury, tmp_path):
    corner = '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>'
    two_cells = xlsx(tmp_path / "dim.xlsx", HEAD_ROW, dimension="A1:XFD1048576")
    far_cell = xlsx(tmp_path / "far.xlsx", HEAD_ROW + corner, dimension="A1:XFD1048576")

    assert sandbox.preview(two_cells, "weapons", LIMITS)["headers"] == [
        "N° de série",
        "Type d'arme",
    ]
    with pytest.raises(FileError) as err:  # a cell at XFD1048576 makes the sheet that big
        sandbox.preview(far_cell, "weapons", LIMITS)
    assert err.value.code == "import_file" and "memory" in err.value.render()


def test_a_reader_out_of_processor_time_is_stopped_with_a_message(armoury, tmp_path, settings):
    settings.PSSM_IMPORT_MAX_CPU_SECONDS = 1
    register = tmp_path / "big.csv"
    register.write_text(
        "N° de série;Type d'arme;Emplacement\n"
        + "".join(f"AK-{i:07d};AKM;R01\n" for i in range(400_000)),
        encoding="utf-8",
    )

    with pytest.raises(FileError) as err:
        services.weapons_import(
            actor=armoury.commander, site=armoury.site, path=register, dry_run=True
        )

    assert "1 seconds of processor time" in err.value.render()
    assert not Weapon.objects.exists()


def test_the_limits_name_why_a_reader_ended():
    limits = sandbox.Limits(memory_mb=64, cpu_seconds=30)
    assert "30 seconds" in sandbox.stopped(-signal.SIGXCPU, limits).render()
    assert "64 MB" in sandbox.stopped(-signal.SIGABRT, limits).render()
    assert sandbox.stopped(3, limits) is None
    kind, template, params = sandbox.failure(MemoryError(), limits)
    assert (kind, params) == ("failed", {"limit": 64}) and template == sandbox.OUT_OF_MEMORY


@pytest.fixture
def pages(settings, tmp_path):
    settings.PSSM_IMPORT_DIR = tmp_path / "imports"
    return tmp_path


def test_an_uploaded_bomb_is_refused_on_the_page_and_keeps_nothing(armoury, client, pages):
    bomb = xlsx(pages / "bomb.xlsx", HEAD_ROW, strings_mb=MAX_SHARED_STRINGS_MB + 8)
    client.force_login(armoury.commander)
    with bomb.open("rb") as fh:
        response = client.post(
            "/imports/new/",
            {"kind": "weapons", "site": armoury.site.code, "file": fh, "location": ""},
        )
    assert response.status_code == 400
    assert "exhaust" in response.content.decode() or "épuiser" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not list((pages / "imports").iterdir())  # the upload is not kept


def test_the_job_page_shows_the_preview_kept_at_upload_without_the_file(armoury, client, pages):
    register = pages / "r.csv"
    register.write_text("N° de série;Type d'arme;Emplacement\nAK-1;AKM;R01\n", "utf-8")
    client.force_login(armoury.commander)
    with register.open("rb") as fh:
        response = client.post(
            "/imports/new/",
            {"kind": "weapons", "site": armoury.site.code, "file": fh, "location": ""},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.preview["rows"] == [[2, ["AK-1", "AKM", "R01"]]]
    os.unlink(job.stored_path)  # the page does not read the file again

    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "AK-1" in page and "Type d&#x27;arme" in page


def _job(armoury, state, pid=None):
    return ImportJob.objects.create(
        kind="weapons",
        site=armoury.site,
        file_name="r.csv",
        created_by=armoury.commander,
        state=state,
        pid=pid,
    )


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])  # noqa: S607 - a process that has ended
    process.wait()
    return process.pid


def test_imports_wait_in_line_and_a_dead_one_is_marked_failed(armoury, client, settings):
    settings.PSSM_IMPORT_CONCURRENCY = 1
    running = _job(armoury, "running", pid=os.getpid())  # alive: this process
    waiting = _job(armoury, "pending")
    runner.start(waiting)
    waiting.refresh_from_db()
    assert waiting.state == "queued" and runner.position(waiting) == 1

    client.force_login(armoury.commander)
    page = client.get(f"/imports/{waiting.pk}/progress/").content.decode()
    assert "next in line" in page or "prochain" in page
    assert 'hx-trigger="every 2s"' in page  # the page keeps looking

    dead = _job(armoury, "running", pid=_dead_pid())
    assert runner.reap() == 1
    dead.refresh_from_db()
    assert dead.state == "failed" and f"process {dead.pid} is gone" in dead.message
    running.refresh_from_db()
    assert running.state == "running"  # a live process is left alone
    waiting.refresh_from_db()
    assert waiting.state == "queued"  # no slot yet: the live import still holds it
