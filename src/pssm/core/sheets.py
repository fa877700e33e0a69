"""Rows for CSV and XLSX files that no spreadsheet runs as formulas: what every writer of
this project uses (list exports, rejects files, reports). No Django here: an import's reading
side writes rejects files too."""

from __future__ import annotations

import io
from collections.abc import Iterable

from pssm.domain.spreadsheet import csv_text, is_formula


def csv_row(values: Iterable) -> list:
    """One CSV row, with the cells a spreadsheet would run written as text."""
    return [csv_text(value) for value in values]


def xlsx_row(sheet, values: Iterable) -> list:
    """One row for ``sheet`` (a write-only sheet), with the cells a spreadsheet would run
    written as text with the quote prefix (shown as typed, kept as text when edited)."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if is_formula(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            value = cell
        row.append(value)
    return row


def xlsx_book(title: str, rows: Iterable[Iterable]) -> bytes:
    """A one-sheet XLSX workbook of ``rows``."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31] or "Sheet")
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
