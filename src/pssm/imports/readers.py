"""Spreadsheets as users have them, read row by row with bounded memory.

- XLSX (recognised by its zip signature) through openpyxl's read-only mode;
- CSV and other delimited text: each line decoded on its own (UTF-8, with or without BOM,
  else Windows-1252, else Latin-1), so a file typed on several machines with mixed encodings
  still reads; the separator (comma, semicolon, tab) is guessed from the first lines.

:func:`open_table` finds the header row (the first row where at least two cells name known
columns, after title lines and blank lines), joins a merged parent header cell onto the cells
below it, and yields ``(row_number, cells)`` for every following non-blank row, where
``row_number`` is the line or row number a user sees in the spreadsheet (1-based).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pssm.domain.errors import ValidationError, gettext_noop

HEADER_SCAN_ROWS = 30


class FileError(ValidationError):
    code = "import_file"
    default_message = gettext_noop("This file cannot be read as a spreadsheet.")


def decode_line(raw: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _text_lines(path: Path) -> Iterator[str]:
    with path.open("rb") as fh:
        first = True
        for raw in fh:
            if first:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
                first = False
            yield decode_line(raw)


def _guess_separator(sample: list[str]) -> str:
    counts = {sep: sum(line.count(sep) for line in sample) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _is_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.05


@dataclass
class Table:
    """An opened spreadsheet: its header cells and an iterator over the data rows."""

    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    kind: str  # "csv" or "xlsx"
    size_bytes: int = 0
    progress: dict = field(default_factory=lambda: {"bytes": 0})


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_csv(path: Path, progress: dict) -> Iterator[tuple[int, list[str]]]:
    lines = _text_lines(path)
    sample = []
    for line in lines:
        sample.append(line)
        if len(sample) >= 10:
            break
    separator = _guess_separator(sample)

    def all_lines():
        for line in sample:
            progress["bytes"] += len(line.encode("utf-8", "replace"))
            yield line
        for line in lines:
            progress["bytes"] += len(line.encode("utf-8", "replace"))
            yield line

    reader = csv.reader(all_lines(), delimiter=separator)
    try:
        for row in reader:
            yield reader.line_num, [c.strip() for c in row]
    except csv.Error as exc:
        raise FileError(
            gettext_noop("Line %(line)s cannot be read: %(problem)s."),
            params={"line": reader.line_num, "problem": str(exc)},
        ) from None


def _rows_xlsx(path: Path, progress: dict) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(
            gettext_noop("This XLSX file is damaged or truncated (%(problem)s)."),
            params={"problem": type(exc).__name__},
        ) from None
    try:
        sheet = book.worksheets[0]
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                progress["rows"] = number
                yield number, [_cell(v) for v in row]
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
            raise FileError(
                gettext_noop("This XLSX file is damaged or truncated (%(problem)s)."),
                params={"problem": type(exc).__name__},
            ) from None
    finally:
        book.close()


def open_table(path, recognise) -> Table:
    """Open ``path``; ``recognise(text)`` returns a field name for a header cell or None.
    Raises :class:`FileError` for an empty file, a file that is not a spreadsheet, a damaged
    XLSX, or a file without a recognisable header row."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise FileError(gettext_noop("The file is empty."))
    with path.open("rb") as fh:
        head = fh.read(4096)
    progress = {"bytes": 0, "rows": 0}
    if head.startswith(b"PK\x03\x04"):
        kind, rows = "xlsx", _rows_xlsx(path, progress)
    elif _is_binary(head):
        raise FileError(
            gettext_noop("This file is not a spreadsheet: save it as CSV or XLSX and try again.")
        )
    else:
        kind, rows = "csv", _rows_csv(path, progress)
    previous: list[str] = []
    for number, cells in rows:
        if number > HEADER_SCAN_ROWS:
            break
        if not any(cells):
            continue
        known = sum(1 for c in cells if c and recognise(c))
        if known >= 2:
            headers = _merge_headers(previous, cells, recognise)
            return Table(headers, number, _data_rows(rows), kind, size, progress)
        previous = cells
    raise FileError(
        gettext_noop(
            "No header row found in the first %(rows)s rows: the file needs a row naming its "
            "columns (e.g. “Numéro de série”, “Type”)."
        ),
        params={"rows": HEADER_SCAN_ROWS},
    )


def _merge_headers(parent: list[str], cells: list[str], recognise) -> list[str]:
    """Join a merged parent header (e.g. "Marquage d'importation" over "Pays" and "Année")
    onto the cells below it when the cell alone names nothing known."""
    filled, last = [], ""
    for value in parent:
        last = value or last
        filled.append(last)
    out = []
    for i, cell in enumerate(cells):
        above = filled[i] if i < len(filled) else ""
        combined = recognise(f"{above} {cell}") if above and cell and above != cell else None
        if combined and combined != recognise(cell):
            out.append(f"{above} {cell}")
        elif above and not cell:
            out.append(above)
        else:
            out.append(cell)
    return out


def _data_rows(rows) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        if any(cells):
            yield number, cells


def write_rejects(path, headers: list[str], rejects: list[tuple[int, list[str], str]]) -> None:
    """The rejected rows as they came, plus the row number and the reason: CSV or XLSX by the
    file's suffix, so the user can fix and re-import them."""
    path = Path(path)
    head = [*headers, "ligne / row", "motif / reason"]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("rejects")
        sheet.append(head)
        for number, cells, reason in rejects:
            sheet.append([*cells, number, reason])
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(head)
        for number, cells, reason in rejects:
            writer.writerow([*cells, number, reason])
