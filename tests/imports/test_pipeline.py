"""Weapons imports on PostgreSQL, outside a caller's transaction: two writing threads take
the chunks in turn (weapons._Pipeline). These tests commit, as a real import does."""

import threading

import pytest

from pssm.imports import services, weapons
from pssm.imports.models import ImportJob
from pssm.journal.verify import journal_verify
from pssm.movements.models import Voucher
from pssm.registry.models import Weapon
from tests.imports.conftest import Armoury

CHUNK = 50
pytestmark = pytest.mark.postgres


@pytest.fixture
def armoury(transactional_db, make):
    return Armoury(make, "KTI")


@pytest.fixture
def pipelines(monkeypatch):
    """The pipelines the imports of the test started."""
    started = []
    real = weapons._Pipeline.__init__

    def spy(self, *args, **kwargs):
        started.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(weapons._Pipeline, "__init__", spy)
    return started


def register(path, serials) -> None:
    path.write_text(
        "N° de série;Type;Emplacement\n" + "".join(f"{s};AKM;R01\n" for s in serials),
        encoding="utf-8",
    )


def run(armoury, path, **kwargs):
    return services.weapons_import(
        actor=armoury.commander, site=armoury.site, path=path, chunk_size=CHUNK, **kwargs
    )


def test_chunks_commit_in_the_order_of_the_file(armoury, tmp_path, pipelines):
    serials = [f"AK-{i:04d}" for i in range(5 * CHUNK)]
    serials[3 * CHUNK + 7] = serials[5]  # a repeat of a weapon three chunks earlier
    path = tmp_path / "r.csv"
    register(path, serials)
    seen = []

    outcome = run(armoury, path, progress=lambda job: seen.append((job.last_row, job.imported)))

    assert len(pipelines) == 1
    assert (outcome.imported, outcome.rejected, outcome.skipped) == (5 * CHUNK - 1, 1, 0)
    assert outcome.rejects[0][0] == 3 * CHUNK + 9 and "row 7" in outcome.rejects[0][2]
    vouchers = list(Voucher.objects.filter(site=armoury.site).order_by("seq"))
    assert len(vouchers) == 5 and [v.seq for v in vouchers] == [1, 2, 3, 4, 5]
    starts = [int(v.notes.split("rows ")[1].split("–")[0]) for v in vouchers]
    assert starts == [2 + n * CHUNK for n in range(5)]  # numbered in the order of the file
    assert sum(v.lines.count() for v in vouchers) == Weapon.objects.count() == 5 * CHUNK - 1
    assert [row for row, _ in seen[:-1]] == [1 + n * CHUNK for n in range(1, 6)]
    assert [imported for _, imported in seen] == sorted(imported for _, imported in seen)
    job = ImportJob.objects.get()
    assert (job.state, job.last_row, job.imported, job.rejected) == ("done", 5 * CHUNK + 1, 249, 1)
    assert journal_verify(user=armoury.make.actor).ok


def test_a_repeat_of_the_chunk_still_committing_is_checked_again(
    armoury, tmp_path, pipelines, monkeypatch
):
    # The first chunk is held before its voucher until the second chunk has been checked
    # against the registry: the second cannot see the first's weapons, copies the repeat,
    # waits for the first's commit, fails on the unique serial, and is checked again.
    serials = [f"AK-{i:04d}" for i in range(2 * CHUNK)]
    serials[CHUNK + 3] = serials[10]
    path = tmp_path / "r.csv"
    register(path, serials)
    second_checked = threading.Event()
    retried = []
    sort, complete = weapons._WeaponRun.sort, weapons._WeaponRun.complete
    repeats = weapons._repeats_a_serial

    def sort_spy(self, chunk):
        checked = sort(self, chunk)
        if chunk[0][0] > CHUNK:
            second_checked.set()
        return checked

    def complete_spy(self, checked, first_row, last_row):
        if first_row == 2:
            assert second_checked.wait(timeout=30)
        return complete(self, checked, first_row, last_row)

    def repeats_spy(exc):
        retried.append(repeats(exc))
        return retried[-1]

    monkeypatch.setattr(weapons._WeaponRun, "sort", sort_spy)
    monkeypatch.setattr(weapons._WeaponRun, "complete", complete_spy)
    monkeypatch.setattr(weapons, "_repeats_a_serial", repeats_spy)

    outcome = run(armoury, path)

    assert retried == [True]
    assert (outcome.imported, outcome.rejected) == (2 * CHUNK - 1, 1)
    [(row, _cells, reason)] = outcome.rejects
    assert row == CHUNK + 5 and "same weapon as row 12" in reason
    assert Weapon.objects.count() == 2 * CHUNK - 1
    assert Voucher.objects.filter(site=armoury.site).count() == 2
    assert journal_verify(user=armoury.make.actor).ok


def test_after_a_failed_chunk_no_later_chunk_is_committed(armoury, tmp_path, monkeypatch):
    path = tmp_path / "r.csv"
    register(path, [f"AK-{i:04d}" for i in range(6 * CHUNK)])
    complete = weapons._WeaponRun.complete

    def failing(self, checked, first_row, last_row):
        if first_row == 2 + 2 * CHUNK:  # the third chunk
            raise RuntimeError("connection lost")
        return complete(self, checked, first_row, last_row)

    monkeypatch.setattr(weapons._WeaponRun, "complete", failing)

    with pytest.raises(RuntimeError, match="connection lost"):
        run(armoury, path)

    job = ImportJob.objects.get()
    assert (job.last_row, job.imported) == (1 + 2 * CHUNK, 2 * CHUNK)
    assert Weapon.objects.count() == 2 * CHUNK  # the first two chunks, whole
    assert Voucher.objects.filter(site=armoury.site).count() == 2
    monkeypatch.setattr(weapons._WeaponRun, "complete", complete)

    again = run(armoury, path)

    assert (again.imported, again.skipped, again.rejected) == (4 * CHUNK, 2 * CHUNK, 0)
    assert Weapon.objects.count() == 6 * CHUNK
    assert journal_verify(user=armoury.make.actor).ok


def test_inside_a_callers_transaction_one_thread_writes(armoury, tmp_path, pipelines):
    path = tmp_path / "r.csv"
    register(path, [f"AK-{i:04d}" for i in range(3 * CHUNK)])

    outcome = run(armoury, path, all_or_nothing=True)

    assert outcome.imported == 3 * CHUNK and pipelines == []


def test_weapons_are_copied_in_the_order_of_the_file(armoury, tmp_path, monkeypatch):
    # The second chunk is checked first; its copy still waits for the first chunk's, so a
    # chunk never waits on the uncommitted weapons of a later one (that would be a deadlock
    # when a later chunk repeats a weapon of an earlier one).
    path = tmp_path / "r.csv"
    register(path, [f"AK-{i:04d}" for i in range(3 * CHUNK)])
    second_checked, copied = threading.Event(), []
    sort, store = weapons._WeaponRun.sort, weapons._WeaponRun.store

    def sort_spy(self, chunk):
        if chunk[0][0] == 2:
            assert second_checked.wait(timeout=30)
        checked = sort(self, chunk)
        if chunk[0][0] == 2 + CHUNK:
            second_checked.set()
        return checked

    def store_spy(self, checked):
        copied.append(checked.fresh[0][0])
        return store(self, checked)

    monkeypatch.setattr(weapons._WeaponRun, "sort", sort_spy)
    monkeypatch.setattr(weapons._WeaponRun, "store", store_spy)

    outcome = run(armoury, path)

    assert copied == [2, 2 + CHUNK, 2 + 2 * CHUNK]
    assert outcome.imported == Weapon.objects.count() == 3 * CHUNK
