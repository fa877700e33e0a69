"""CSV and XLSX exports of any filtered list: CSV streamed row by row, XLSX written by
openpyxl's write-only workbook, so large lists stay cheap.

Every CSV and XLSX the project writes goes through :mod:`pssm.core.sheets`, which applies
:mod:`pssm.domain.spreadsheet`: no cell of ours is ever run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable

from django.http import HttpResponse, StreamingHttpResponse

from .sheets import csv_row, xlsx_book

Column = tuple[str, Callable]
FORMATS = {"csv", "xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def _rows(columns: list[Column], items: Iterable):
    yield [name for name, _f in columns]
    for item in items:
        yield [f(item) for _n, f in columns]


def _iterate(items):
    return items.iterator(chunk_size=2000) if hasattr(items, "iterator") else items


def table_response(columns: list[Column], items, fmt: str, name: str, title: str):
    """``items`` (a queryset or any iterable) as ``name``.csv or ``name``.xlsx."""
    if fmt == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(csv_row(row)) for row in _rows(columns, _iterate(items))),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        xlsx_book(title, _rows(columns, _iterate(items))), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
