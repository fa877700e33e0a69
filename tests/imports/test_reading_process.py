"""The process that reads and checks a weapons register while the importing one writes."""

import json
import multiprocessing
import os
import queue
from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from pssm.imports import parsing, services, weapons
from pssm.imports.models import ImportJob
from pssm.imports.readers import FileError
from pssm.journal.models import JournalEntry
from pssm.registry.models import Weapon


def rules(**overrides) -> parsing.WeaponRules:
    values = {
        "mapping": {0: "serial", 1: "weapon_type", 2: "location", 3: "received_on"},
        "types": parsing.TypeIndex([(7, "Kalashnikov AKM (7.62×39)", "Kalashnikov", "AKM", "")]),
        "locations": {"BN-X-ARM01-R01": 3, "R01": 3},
        "location_names": {"rack one": 3},
        "location_codes": {3: "BN-X-ARM01-R01"},
        "default_location": None,
        "today": date(2026, 11, 23),
        "site_id": 2,
        "site_code": "BN-X",
        "organisation_id": 1,
        "dry_run": False,
        **overrides,
    }
    return parsing.WeaponRules(**values)


def messages(path, rules, *, start_after=0, chunk_size=2) -> list[tuple]:
    """What the reading process sends for ``path``, read here without a second process."""
    chunks: queue.Queue = queue.Queue()
    parsing.produce(path, rules, start_after, chunk_size, chunks, os.getppid())
    return [chunks.get_nowait() for _ in range(chunks.qsize())]


def test_it_sends_checked_rows_in_chunks_with_rejects_and_progress(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "serial;type;location;date\n"
        "ak-1;AKM;R01;12/03/2019\n"
        "AK 1;AKM;R01;\n"  # the same weapon written differently
        "AK-2;AKX;R01;\n"
        "AK-3;AKM;Rack one;\n"
        "AK-4;AKM;R01;\n",
        encoding="utf-8",
    )

    sent = messages(path, rules())

    assert [m[0] for m in sent] == ["rows", "rows", "end"]
    (_, first, last1, progress1), (_, second, last2, progress2) = sent[:2]
    assert [row[0] for row in first] == [2, 5] and last1 == 5
    assert [row[0] for row in second] == [6] and last2 == 6
    number, cells, type_id, norm, serial, location, weapon, line = first[0]
    assert cells == ["ak-1", "AKM", "R01", "12/03/2019"]
    assert (type_id, norm, serial, location) == (7, "AK1", "AK-1", 3)
    assert dict(zip(parsing.WEAPON, weapon, strict=True)) == {
        **dict.fromkeys(parsing.WEAPON, ""),
        "serial": "AK-1",
        "serial_norm": "AK1",
        "weapon_type_id": 7,
        "year_of_manufacture": None,
        "import_year": None,
        "other_parts": "{}",
        "owner_id": 1,
        "status": "in_store",
        "site_id": 2,
        "location_id": 3,
    }
    line_serial, line_location, after = line
    assert (line_serial, line_location) == ("AK-1", 3)
    assert json.loads(after) == {
        "status": "in_store",
        "site": "BN-X",
        "location": "BN-X-ARM01-R01",
        "custodian": "",
        "destination": "",
        "import_row": 2,
        "received_on": "2019-03-12",
    }
    assert json.loads(second[0][-1][-1])["import_row"] == 6  # no date: no received_on
    assert "received_on" not in json.loads(second[0][-1][-1])
    rows, skipped, rejects, bytes_read = progress1
    assert (rows, skipped) == (4, 0) and bytes_read > 0  # data rows read so far
    assert [(r[0], r[2], r[4]) for r in rejects] == [
        (3, "serial", {"row": 2}),
        (4, "weapon_type", {"value": "AKX", "names": "Kalashnikov AKM (7.62×39)"}),
    ]
    assert progress2[:3] == (1, 0, [])  # each row and each reject is counted once
    assert sum(m[3][0] for m in sent) == 5 and sent[2][3][3] == progress2[3]


def test_a_dry_run_sends_no_lines_and_keeps_every_serial_seen(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("serial;type;location\nA-1;AKM;R01\nA-2;AKM;R01\nA-1;AKM;R01\n", "utf-8")

    sent = messages(path, rules(dry_run=True))

    assert all(row[6:] == (None, None) for m in sent for row in m[1])
    assert sent[1][3][2][0][4] == {"row": 2}  # row 4 repeats row 2, a chunk earlier


def test_for_postgresql_the_weapon_and_its_line_come_as_copy_text(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "serial;type;location;maker\nA-1;AKM;R01;Tula\\Izhmash\tNo 2\n", encoding="utf-8"
    )

    (_, chunk, *_), _end = messages(
        path,
        rules(
            copy_text=True,
            mapping={0: "serial", 1: "weapon_type", 2: "location", 3: "manufacturer"},
        ),
    )

    *_, weapon, line = chunk[0]
    fields = weapon.split("\t")
    assert len(fields) == len(parsing.WEAPON)
    stored = dict(zip(parsing.WEAPON, fields, strict=True))
    assert stored["manufacturer"] == "Tula\\\\Izhmash\\tNo 2"  # escaped, one field
    assert stored["year_of_manufacture"] == stored["import_year"] == "\\N"
    assert (stored["serial"], stored["weapon_type_id"], stored["location_id"]) == ("A-1", "7", "3")
    serial, location, after = line.split("\t")
    assert (serial, location) == ("A-1", "3") and '"import_row":2' in after


def test_copy_text_escapes_what_copy_reads_as_special():
    assert parsing.copy_text(["a\\b", "t\tab", "l\nf", "c\rr", None, 12, "é"]) == (
        "a\\\\b\tt\\tab\tl\\nf\tc\\rr\t\\N\t12\té"
    )


def test_rows_committed_by_an_earlier_run_are_skipped(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("serial;type;location\nA-1;AKM;R01\nA-2;AKM;R01\nA-3;AKM;R01\n", "utf-8")

    sent = messages(path, rules(), start_after=3)

    assert [row[0] for m in sent for row in m[1]] == [4]
    assert tuple(sum(m[3][i] for m in sent) for i in (0, 1)) == (3, 2)  # rows read, skipped


def test_an_unreadable_line_and_an_unexpected_error_are_sent_not_raised(tmp_path):
    path = tmp_path / "r.csv"
    from pssm.imports.readers import MAX_CSV_FIELD

    path.write_text(
        'serial;type;location\nA-1;AKM;R01\n"' + "x" * (MAX_CSV_FIELD + 1) + '";AKM;R01\n'
    )

    failed = messages(path, rules())[-1]
    crashed = messages(path, rules(types=None))[-1]

    assert failed[0] == "failed" and failed[2]["line"] == 3
    assert crashed[0] == "crashed" and "AttributeError" in crashed[1]


def test_a_cell_too_long_rejects_its_row_not_the_file(armoury, tmp_path):
    path = tmp_path / "long.csv"
    rows = [f"SN-{i:05d};AKM;R01" for i in range(7)]
    path.write_text(  # 200 KB: more than the csv module reads by default (128 KB)
        "serial;type;location\n" + "\n".join(rows) + '\n"' + "x" * 200_000 + '";AKM;R01\n'
    )

    outcome = services.weapons_import(
        actor=armoury.commander, site=armoury.site, path=path, chunk_size=5
    )

    assert (outcome.imported, outcome.rejected) == (7, 1)
    [(row, _cells, reason)] = outcome.rejects
    assert row == 9 and reason.startswith("serial: 200000 characters long")
    assert not multiprocessing.active_children()


def test_a_line_that_cannot_be_read_far_down_keeps_the_chunks_before_it(armoury, tmp_path):
    from pssm.imports.readers import MAX_CSV_FIELD

    path = tmp_path / "long.csv"
    rows = [f"SN-{i:05d};AKM;R01" for i in range(7)]
    path.write_text(
        "serial;type;location\n"
        + "\n".join(rows)
        + '\n"'
        + "x" * (MAX_CSV_FIELD + 1)
        + '";AKM;R01\n'
    )

    with pytest.raises(FileError) as err:
        services.weapons_import(actor=armoury.commander, site=armoury.site, path=path, chunk_size=5)

    assert "Line 9 cannot be read" in err.value.render()
    assert Weapon.objects.count() == 5  # the first chunk was committed, the rest is not
    assert JournalEntry.objects.filter(kind="import.weapons").count() == 1
    assert not multiprocessing.active_children()


def test_no_reading_process_outlives_an_import(armoury, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "serial;type;location\n" + "\n".join(f"SN-{i};AKM;R01" for i in range(30)) + "\n"
    )

    services.weapons_import(
        actor=armoury.commander, site=armoury.site, path=path, chunk_size=5, stop_after_chunks=1
    )
    assert not multiprocessing.active_children()  # stopped when the import was interrupted
    services.weapons_import(actor=armoury.commander, site=armoury.site, path=path)
    assert not multiprocessing.active_children()
    assert Weapon.objects.count() == 30


def test_the_reading_process_stops_when_the_importing_one_is_gone(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(  # the rejected first row makes the first message larger than a pipe holds
        "serial;type;location\n" + "X" * 100_000 + ";AKM;R01\nA-2;AKM;R01\nA-3;AKM;R01\n", "utf-8"
    )
    context = multiprocessing.get_context("spawn")
    chunks = context.Queue(maxsize=1)  # never read: the reader blocks on its second chunk
    gone = os.getpid() + 10**6  # not its parent: as if the importing process had died
    reader = context.Process(
        target=parsing.produce, args=(str(path), rules(), 0, 1, chunks, gone), daemon=True
    )

    reader.start()
    reader.join(timeout=30)

    assert reader.exitcode == 1


def _stops_at_once(path, rules, start_after, chunk_size, chunks, parent, limits=None):
    os._exit(3)  # as if killed, or out of memory: no message at all


def _fails_in_the_program(path, rules, start_after, chunk_size, chunks, parent, limits=None):
    chunks.put(("crashed", "Traceback (most recent call last):\n  ...\nMemoryError\n"))


@pytest.mark.parametrize(
    ("reader", "reason"),
    [(_stops_at_once, "code de sortie 3"), (_fails_in_the_program, "MemoryError")],
)
def test_a_reading_process_that_stops_fails_the_job_with_a_message(
    armoury, tmp_path, monkeypatch, reader, reason
):
    path = tmp_path / "r.csv"
    path.write_text("serial;type;location\nA-1;AKM;R01\n", "utf-8")
    # Forked, the reading process runs the stand-in given here (a spawned one imports anew).
    monkeypatch.setattr(weapons, "START_METHOD", "fork")
    monkeypatch.setattr(parsing, "produce", reader)

    with pytest.raises(services.ReadingStopped) as err, translation.override("fr"):
        services.weapons_import(
            actor=armoury.commander, site=armoury.site, path=path, translate=gettext
        )

    job = ImportJob.objects.get()
    assert job.state == "failed" and reason in job.message and "relancez l'import" in job.message
    assert err.value.code == "import_reader" and not Weapon.objects.exists()
    assert not multiprocessing.active_children()


def _copy_fields(row: str) -> list:
    """COPY's reading of a text row (the escapes copy_text writes), for the property below."""
    escapes = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    fields = []
    for field in row.split("\t"):
        if field == "\\N":
            fields.append(None)
            continue
        text, chars = [], iter(field)
        for char in chars:
            text.append(escapes[next(chars)] if char == "\\" else char)
        fields.append("".join(text))
    return fields


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(min_value=-(2**31), max_value=2**31),
            st.text(alphabet=st.sampled_from("aZ é\\\t\n\rN{}\"'")),
            st.text(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_copy_text_reads_back_as_the_values_written(values):
    row = parsing.copy_text(values)

    assert "\n" not in row and "\r" not in row  # one line per row
    assert _copy_fields(row) == [v if v is None or isinstance(v, str) else str(v) for v in values]
