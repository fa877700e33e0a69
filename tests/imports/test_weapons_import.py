"""Importing registers of weapons: validation per row, chunks, resumption, bad files."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from pssm.domain import serials
from pssm.domain.errors import PermissionDeniedError
from pssm.imports import services
from pssm.imports.columns import MappingError
from pssm.imports.models import ImportJob
from pssm.imports.readers import FileError, write_rejects
from pssm.journal.models import JournalEntry
from pssm.movements.models import Voucher
from pssm.registry.models import Weapon
from pssm.registry.selectors import weapon_search
from tests.imports.conftest import write_messy


def run(armoury, path, **kwargs):
    return services.weapons_import(actor=armoury.commander, site=armoury.site, path=path, **kwargs)


def test_a_messy_register_imports_with_a_precise_report(armoury, tmp_path):
    path = write_messy(tmp_path / "registre.csv")

    outcome = run(armoury, path)

    assert (outcome.imported, outcome.rejected, outcome.skipped) == (4, 6, 0)
    reasons = {row: reason for row, _cells, reason in outcome.rejects}
    assert reasons[8] == "N° de série: same weapon as row 6"  # "G3 77001" is "G3-77001"
    assert "impossible year" in reasons[9] and reasons[9].startswith("Année de fabrication")
    assert "FN Herstal FAL" in reasons[10]  # a suggestion for the typo
    assert "missing" in reasons[11]
    assert "R09" in reasons[12]
    assert "31/02/2019" in reasons[13]
    ak = Weapon.objects.get(serial_norm=serials.normalise("ak 47 0016"))
    assert ak.weapon_type.model == "AKM" and ak.country_of_manufacture == "SU"
    assert ak.location == armoury.rack and ak.status == "in_store"
    assert Weapon.objects.filter(serial="FUSIL N° 12 ÉLÈVE").exists()  # the cp1252 line
    voucher = Voucher.objects.get(site=armoury.site)
    assert voucher.state == "posted" and voucher.lines.count() == 4
    entry = JournalEntry.objects.filter(kind="import.weapons").get()
    assert voucher.number in entry.payload
    found = weapon_search(user=armoury.commander, query="AK 47 0061")  # two digits swapped
    assert [(m.value, hit.id) for m, hit in found] == [("near", ak.pk)]


def test_reimporting_the_same_file_creates_nothing_new(armoury, tmp_path):
    path = write_messy(tmp_path / "registre.csv")
    run(armoury, path)
    counts = (Weapon.objects.count(), Voucher.objects.count(), JournalEntry.objects.count())

    again = run(armoury, path)

    assert (again.imported, again.skipped, again.rejected) == (0, 4, 6)
    assert (Weapon.objects.count(), Voucher.objects.count()) == counts[:2]


def test_the_job_counters_move_with_each_committed_chunk(armoury, tmp_path):
    path = tmp_path / "big.csv"
    rows = ["serial,type,location"] + [f"SN-{i:05d},AKM,R01" for i in range(12)] + ["", "X,,R01"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    seen = []

    outcome = run(
        armoury,
        path,
        chunk_size=5,
        progress=lambda job: seen.append(
            ImportJob.objects.values_list("imported", "last_row").get(pk=job.pk)
        ),
    )

    assert outcome.imported == 12
    assert seen[:3] == [(5, 6), (10, 11), (12, 15)]  # saved with each chunk's transaction


def test_an_interrupted_import_resumes_without_duplicates(armoury, tmp_path):
    path = tmp_path / "big.csv"
    rows = ["serial,type,location"] + [f"SN-{i:05d},AKM,R01" for i in range(23)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    first = run(armoury, path, chunk_size=5, stop_after_chunks=2)
    assert first.imported == 10 and Weapon.objects.count() == 10
    rest = run(armoury, path, chunk_size=5)

    assert (rest.imported, rest.skipped) == (13, 10)
    assert Weapon.objects.count() == 23
    assert Voucher.objects.count() == 2 + 3  # one voucher per committed chunk


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(armoury, tmp_path):
    path = tmp_path / "one-bad.csv"
    path.write_text(
        "serial,type,location\nA-1,AKM,R01\nA-2,AKM,R01\nA-3,NOPE,R01\n", encoding="utf-8"
    )

    outcome = run(armoury, path, all_or_nothing=True)

    assert outcome.rejected == 1 and outcome.imported == 0
    assert not Weapon.objects.exists() and not Voucher.objects.exists()
    assert outcome.job.state == "failed"


def test_dry_run_writes_nothing(armoury, tmp_path):
    path = write_messy(tmp_path / "registre.csv")

    outcome = run(armoury, path, dry_run=True)

    assert outcome.imported == 4 and not Weapon.objects.exists()


def test_a_serial_registered_at_another_site_is_rejected(armoury, make, tmp_path):
    from tests.movements.conftest import Armoury

    other = Armoury(make, "SEG")
    path = tmp_path / "a.csv"
    path.write_text("serial;type;location\nX-100;AKM;R01\n", encoding="utf-8")
    run(other, path)
    path2 = tmp_path / "b.csv"
    path2.write_text("serial;type;location\nx 100;AKM;R01\n", encoding="utf-8")

    outcome = run(armoury, path2)

    assert outcome.rejected == 1 and "ML-SEG" in outcome.rejects[0][2]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "import_file"),
        (b"\x00\x01\x02\x03binary\x00\x00" * 50, "import_file"),
        (b"serial;type;location\n", None),  # header only: nothing to import
        (b"just some words\nno header here\n", "import_file"),
    ],
)
def test_bad_files_get_a_clear_error_and_change_nothing(armoury, tmp_path, content, code):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    if code is None:
        outcome = run(armoury, path)
        assert outcome.rows == 0 and outcome.imported == 0
    else:
        with pytest.raises(FileError) as err:
            run(armoury, path)
        assert err.value.code == code
    assert not Weapon.objects.exists()


def test_a_truncated_xlsx_is_refused(armoury, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Numéro de série", "Type", "Emplacement"])
    for i in range(2000):
        sheet.append([f"T-{i}", "AKM", "R01"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    data = good.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: len(data) // 2])

    with pytest.raises(FileError):
        run(armoury, bad)
    assert not Weapon.objects.exists()


def test_two_columns_mapped_to_serial_are_refused(armoury, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("serial,other serial,type,location\nA-1,B-1,AKM,R01\n", encoding="utf-8")

    with pytest.raises(MappingError) as err:
        run(armoury, path, mapping={0: "serial", 1: "serial", 2: "weapon_type", 3: "location"})

    assert "serial" in str(err.value) and "other serial" in str(err.value)
    assert not Weapon.objects.exists()


def test_xlsx_with_merged_headers_and_date_cells(armoury, tmp_path):
    import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Inventaire 2019"])
    sheet.append(["", "", "Marquage d'importation", "", ""])
    sheet.merge_cells("C2:D2")
    sheet.append(["N° série", "Modèle", "Pays", "Année", "Date d'entrée"])
    sheet.append(["AK-1", "AKM", "ML", 2015, datetime.datetime(2019, 3, 12)])
    path = tmp_path / "merged.xlsx"
    book.save(path)

    outcome = run(armoury, path, location=armoury.rack2)

    assert outcome.imported == 1, outcome.rejects
    weapon = Weapon.objects.get()
    assert (weapon.import_country, weapon.import_year, weapon.year_of_manufacture) == (
        "ML",
        2015,
        None,
    )
    assert weapon.voucher_lines.get().after["received_on"] == "2019-03-12"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "cp1252"])
def test_encodings_and_comma_separators(armoury, tmp_path, encoding):
    path = tmp_path / "enc.csv"
    path.write_bytes("Numéro de série,Désignation,Emplacement\nÉ-1,AKM,R01\n".encode(encoding))

    outcome = run(armoury, path)

    assert outcome.imported == 1 and Weapon.objects.get().serial == "É-1"


def test_the_rejects_file_keeps_the_original_row(armoury, tmp_path):
    path = write_messy(tmp_path / "registre.csv")
    outcome = run(armoury, path)

    write_rejects(tmp_path / "rejects.csv", outcome.headers, outcome.rejects)
    write_rejects(tmp_path / "rejects.xlsx", outcome.headers, outcome.rejects)

    rows = list(
        csv.reader(io.StringIO((tmp_path / "rejects.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:2] == ["N° de série", "Type d'arme"] and len(rows) == 7
    assert rows[1][:2] == ["G3 77001", "G3"] and rows[1][-2] == "8"
    sheet = load_workbook(tmp_path / "rejects.xlsx", read_only=True).active
    assert len(list(sheet.values)) == 7
    assert zipfile.is_zipfile(tmp_path / "rejects.xlsx")


def test_a_storekeeper_cannot_import(armoury, tmp_path):
    path = write_messy(tmp_path / "registre.csv")

    with pytest.raises(PermissionDeniedError):
        services.weapons_import(actor=armoury.keeper, site=armoury.site, path=path)


def test_export_then_import_into_an_empty_database_gives_the_same_registry(armoury, tmp_path):
    from django.db import transaction

    from pssm.registry import exports

    path = write_messy(tmp_path / "registre.csv")

    def snapshot():
        return sorted(
            Weapon.objects.values_list(
                "serial",
                "serial_norm",
                "weapon_type_id",
                "manufacturer",
                "country_of_manufacture",
                "year_of_manufacture",
                "import_country",
                "import_year",
                "ownership_mark",
                "status",
                "site_id",
                "location_id",
            )
        )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        run(armoury, path)
        before = snapshot()
        export = b"".join(exports.weapons_response(Weapon.objects.all(), "csv").streaming_content)
        raise Rollback
    assert not Weapon.objects.exists()
    (tmp_path / "export.csv").write_bytes(export)

    outcome = run(armoury, tmp_path / "export.csv")

    assert outcome.rejected == 0 and outcome.imported == len(before) == 4
    assert snapshot() == before


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_duplicate_far_down_the_file_names_its_first_row(armoury, tmp_path, dry_run):
    lines = ["N° de série;Type;Emplacement"]
    lines += [f"KT-{i:04d};AKM;R01" for i in range(1, 8)]
    lines += ["kt 0002;AKM;R01", "KT-0099;AKM;R01", "KT0007;AKM;R01"]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    outcome = run(armoury, path, chunk_size=3, dry_run=dry_run)

    reasons = {row: reason for row, _c, reason in outcome.rejects}
    assert (outcome.imported, outcome.rejected) == (8, 2), outcome.rejects
    assert reasons[9].endswith("same weapon as row 3") and reasons[11].endswith("row 8")
    assert Weapon.objects.count() == (0 if dry_run else 8)


def test_text_with_backslashes_tabs_newlines_and_quotes_is_stored_as_written(armoury, tmp_path):
    # On PostgreSQL the rows are written as COPY text: every character COPY reads as special
    # must come back unchanged, and the line's JSON with it.
    maker = 'Arsenal "Nord"\\Atelier\t2\nbis\r\\N'
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["N° de série", "Type", "Fabricant", "Marquage national", "Emplacement"])
        writer.writerow(["AK-9\\1", "AKM", maker, "É\\t", "R01"])

    outcome = run(armoury, path)

    assert (outcome.imported, outcome.rejected) == (1, 0)
    weapon = Weapon.objects.get()
    assert weapon.manufacturer == maker and weapon.ownership_mark == "É\\t"
    assert weapon.year_of_manufacture is None and weapon.other_parts == {}
    line = weapon.voucher_lines.get()
    assert line.voucher == Voucher.objects.get() and line.serial == weapon.serial
    # A CSV row is numbered by the line it ends on; this one spans lines 2 and 3.
    assert line.after["import_row"] == 3 and line.after["location"] == armoury.rack.code


def test_a_nul_character_far_down_the_file_rejects_that_row_only(armoury, tmp_path):
    # No database text can hold NUL: a damaged row past the first chunk must be rejected with
    # its column named, not fail the chunk that holds it.
    path = tmp_path / "r.csv"
    body = "".join(f"AK-{i};AKM;Tula;R01\n" for i in range(3000))
    path.write_text(
        "N° de série;Type;Fabricant;Emplacement\n"
        + body
        + "AK-X;AKM;Tu\x00la;R01\nAK-Y;AKM;;R01\n",
        encoding="utf-8",
    )

    outcome = run(armoury, path, chunk_size=1000)

    assert (outcome.imported, outcome.rejected) == (3001, 1)
    [(row, _cells, reason)] = outcome.rejects
    assert row == 3002 and reason.startswith("Fabricant") and "NUL" in reason
    assert Weapon.objects.filter(serial="AK-Y").exists()
