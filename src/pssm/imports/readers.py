"""Spreadsheets as users have them, read row by row with bounded memory.

- XLSX (recognised by its zip signature) through python-calamine, which ignores the declared
  dimension and is about twenty times faster than openpyxl (``make bench``, import table);
  the zip is checked first against what a register can hold unpacked;
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
from pssm.domain.spreadsheet import unquote

HEADER_SCAN_ROWS = 30
# What a register may hold (ADR 0012). Reading also runs in a child process with memory and
# CPU limits (pssm.imports.sandbox), so a file built to exhaust the server fails there.
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 4000  # a mapped cell longer than this rejects its row
MAX_CSV_FIELD = 16 * 1024 * 1024  # a longer field stops the file (the csv module's own limit)
MAX_UNPACKED_MB = 1024  # the whole XLSX, unpacked
MAX_SHARED_STRINGS_MB = 256  # its table of shared strings, unpacked


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

    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(all_lines(), delimiter=separator)
    try:
        for row in reader:
            yield reader.line_num, [unquote(c.strip()) for c in row[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise FileError(
            gettext_noop("Line %(line)s cannot be read: %(problem)s."),
            params={"line": reader.line_num, "problem": str(exc)},
        ) from None


def _check_zip(path: Path) -> None:
    """Refuse an XLSX whose parts unpack to more than a register can hold (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileError(
            gettext_noop("This XLSX file is damaged or truncated (%(problem)s)."),
            params={"problem": type(exc).__name__},
        ) from None
    total = sum(part.file_size for part in parts)
    strings = sum(part.file_size for part in parts if part.filename.endswith("sharedStrings.xml"))
    too_big = total > MAX_UNPACKED_MB << 20
    if too_big or strings > MAX_SHARED_STRINGS_MB << 20:
        raise FileError(
            gettext_noop(
                "This XLSX file unpacks to %(size)s MB, more than a register can hold "
                "(%(limit)s MB): it is damaged or built to exhaust the server."
            ),
            params={
                "size": max(total, strings) >> 20,
                "limit": MAX_UNPACKED_MB if too_big else MAX_SHARED_STRINGS_MB,
            },
        )


def _rows_xlsx(path: Path, progress: dict) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    _check_zip(path)
    damaged = gettext_noop("This XLSX file is damaged or truncated (%(problem)s).")
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise FileError(damaged, params={"problem": type(exc).__name__}) from None
    try:
        first_row = (sheet.start or (0, 0))[0]
        height = max(sheet.height, 1)
        size = progress.get("size", 0)
        for index, row in enumerate(sheet.iter_rows()):
            progress["rows"] = index + 1
            progress["bytes"] = size * (index + 1) // height
            yield first_row + index + 1, [_cell(v) for v in row[:MAX_COLUMNS]]
    except (CalamineError, OSError, ValueError) as exc:
        raise FileError(damaged, params={"problem": type(exc).__name__}) from None
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
    progress = {"bytes": 0, "rows": 0, "size": size}
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
    count = 0
    for number, cells in rows:
        if any(cells):
            count += 1
            if count > MAX_ROWS:
                raise FileError(
                    gettext_noop(
                        "The file has more than %(limit)s rows: split it and import each part."
                    ),
                    params={"limit": f"{MAX_ROWS:,}".replace(",", " ")},
                )
            yield number, cells


def write_rejects(path, headers: list[str], rejects: list[tuple[int, list[str], str]]) -> None:
    """The rejected rows as they came, plus the row number and the reason: CSV or XLSX by the
    file's suffix, so the user can fix and re-import them (cells a spreadsheet would run are
    written as text, see :mod:`pssm.core.sheets`)."""
    from pssm.core.sheets import csv_row, xlsx_book

    path = Path(path)
    width = max([len(headers), *(len(cells) for _n, cells, _r in rejects)])
    head = [*headers, *[""] * (width - len(headers)), "ligne / row", "motif / reason"]
    rows = (
        [*cells, *[""] * (width - len(cells)), number, reason] for number, cells, reason in rejects
    )
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_book("rejects", [head, *rows]))
        return
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(csv_row(head))
        for row in rows:
            writer.writerow(csv_row(row))
