"""No export of ours carries a spreadsheet formula (OWASP "CSV Injection"): serials, lot
numbers, names and notes that begin like a formula come out as text, in CSV and in XLSX,
in every list export and in the rejects file of an import."""

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pssm.accounts.authz import SystemActor
from pssm.domain.spreadsheet import FORMULA_STARTS, csv_text, is_formula, unquote
from pssm.imports import services as imports
from pssm.inspections import services as counts
from pssm.sites import services as site_services
from tests.ammunition.conftest import Depot
from tests.movements.conftest import Armoury

HYPERLINK = '=HYPERLINK("http://evil.example/x","Cliquez")'
DDE = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
PAYLOADS = (HYPERLINK, DDE, SUM, MINUS)  # (lot numbers begin with a letter or digit)

# Every list that can be downloaded as CSV or XLSX (a new export is added here: see the
# last test, which counts the callers of table_response).
EXPORTS = [
    "/registry/weapons/?format={fmt}",
    "/movements/vouchers/?format={fmt}",
    "/movements/cases/?format={fmt}",
    "/ammunition/lots/?format={fmt}",
    "/ammunition/lots/?format={fmt}&by=location",
    "/inspections/compliance/?format={fmt}",
    "/programme/activities/?format={fmt}",
    "/tracing/lost-stolen/?format={fmt}",
    "/reports/?format={fmt}&chart=site",
]


def _runnable(text) -> bool:
    """What a spreadsheet would run: a cell beginning with a formula character that is not
    a plain number (the same test as the one exports apply, checked here on its own)."""
    if not isinstance(text, str) or not text:
        return False
    head = text.lstrip(" \u00a0")[:1]
    return (head in FORMULA_STARTS or text[0] in FORMULA_STARTS) and not re.fullmatch(
        r"[+-]?\d+([.,]\d+)?", text.strip()
    )


def _cells_csv(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _cells_xlsx(body: bytes) -> list:
    book = load_workbook(io.BytesIO(body))  # not data_only: formulas would show as such
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    for cell in cells:
        if _runnable(cell.value):
            assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    return [cell.value for cell in cells]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def hostile(make, tmp_path):
    """Records whose serials, lot numbers, names and notes are spreadsheet formulas."""
    system = SystemActor("system:test")
    armoury = Armoury(make, "KTI")
    site_services.site_update(actor=system, site=armoury.site, name=SUM)
    armoury.receive(HYPERLINK, DDE, SUM, "AK-4")
    count = counts.count_start(actor=armoury.keeper, site=armoury.site, witness=MINUS)
    for serial in (HYPERLINK, DDE, SUM):
        counts.count_scan(actor=armoury.keeper, count=count, serial=serial, location=armoury.rack)
    counts.count_close(actor=armoury.commander, count=count)  # AK-4 missing: a case
    armoury.post("loss", [DDE], reason="stolen", police_report=SUM)  # to the iARMS export

    depot = Depot(make, code="DEP")
    site_services.site_update(actor=system, site=depot.site, name=MINUS)
    s1 = depot.s1.code.rsplit("-", 2)[-2] + "-S01"
    stock = tmp_path / "stock.csv"
    stock.write_text(
        "N° de lot;Nature;Quantité;Emplacement;Fabricant;Année;État\n"
        f"EVIL-1;CTG-762X39-BALL;100;{s1};{DDE};2019;A\n",
        encoding="utf-8",
    )
    outcome = imports.ammunition_import(actor=depot.commander, site=depot.site, path=stock)
    assert outcome.imported == 1, outcome.rejects

    register = tmp_path / "register.csv"
    register.write_text(
        "N° de série;Type d'arme;Emplacement\n"
        f"{HYPERLINK}X;AKM;R01\n"
        f"{SUM};NO SUCH TYPE;R01\n"  # rejected: into the rejects file as it came
        f"{MINUS};AKM;{DDE}\n",  # rejected too (no such rack)
        encoding="utf-8",
    )
    weapons = imports.weapons_import(actor=armoury.commander, site=armoury.site, path=register)
    assert (weapons.imported, weapons.rejected) == (1, 2), weapons.rejects
    national = make.user("national_authority", armoury.site.organisation.country, username="na")
    return {"user": national, "weapons": weapons}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_export_holds_a_formula(hostile, client, fmt):
    client.force_login(hostile["user"])
    seen = set()
    for url in EXPORTS:
        response = client.get(url.format(fmt=fmt))
        assert response.status_code == 200, url
        body = _body(response)
        cells = _cells_csv(body) if fmt == "csv" else _cells_xlsx(body)
        if fmt == "csv":
            assert not [c for c in cells if _runnable(c)], url
        texts = [unquote(c) if fmt == "csv" else c for c in cells if isinstance(c, str)]
        seen.update(p for p in PAYLOADS for t in texts if p.upper() in t.upper())
    # the hostile values are there, as text: nothing was dropped to be safe
    assert seen == set(PAYLOADS)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_rejects_file_holds_no_formula_and_reads_back_as_typed(hostile, tmp_path, suffix):
    from pssm.imports.readers import write_rejects

    outcome = hostile["weapons"]
    path = tmp_path / f"rejects{suffix}"
    write_rejects(path, outcome.headers, outcome.rejects)
    body = path.read_bytes()
    cells = _cells_csv(body) if suffix == ".csv" else _cells_xlsx(body)
    if suffix == ".csv":
        assert not [c for c in cells if _runnable(c)]
    # a user who corrects the file and loads it back gets the values as they were typed
    from pssm.imports.readers import open_table

    table = open_table(path, lambda text: text.strip().lower() in {"n° de série", "type d'arme"})
    rows = [cells for _n, cells in table.rows]
    assert [r[0] for r in rows] == [SUM, MINUS]
    assert rows[1][2] == DDE


def test_every_list_export_is_covered_here():
    src = Path(__file__).resolve().parents[2] / "src" / "pssm"
    callers = sum(
        path.read_text().count("table_response(")
        for path in src.rglob("*.py")
        if path.name != "exports.py" or path.parent.name != "core"
    )
    assert callers == len(EXPORTS)  # one URL above per call


@given(st.text(max_size=30))
def test_neutralised_text_never_runs_and_reads_back(text):
    written = csv_text(text)
    assert not _runnable(written)
    assert unquote(written) == text or (text.startswith("'") and is_formula(text[1:]))
    assert is_formula(text) == _runnable(text)


def test_a_rejected_row_longer_than_the_headers_keeps_its_row_number_and_reason_aligned(
    tmp_path,
):
    from pssm.imports.readers import write_rejects

    path = tmp_path / "rejects.csv"
    write_rejects(path, ["serial", "type"], [(3, ["+SUM(1", "2)", "AKM", "R01"], "bad type")])
    head, row = (line.split(";") for line in path.read_text("utf-8-sig").splitlines())
    assert len(head) == len(row) == 6
    assert row[head.index("ligne / row")] == "3" and row[-1] == "bad type"
