"""CSV and XLSX exports of any filtered list: CSV streamed row by row, XLSX written by
openpyxl's write-only workbook, so large lists stay cheap."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from django.http import HttpResponse, StreamingHttpResponse

Column = tuple[str, Callable]
FORMATS = {"csv", "xlsx"}


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
            (writer.writerow(row) for row in _rows(columns, _iterate(items))),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31])
    for row in _rows(columns, _iterate(items)):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
