"""CSV and XLSX exports of a filtered weapon list (streamed, so large lists stay cheap)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

COLUMNS = [
    ("serial", lambda w: w.serial),
    ("type", lambda w: str(w.weapon_type)),
    ("category", lambda w: w.weapon_type.category),
    ("status", lambda w: w.status),
    ("site", lambda w: w.site.code),
    ("location", lambda w: w.location.code if w.location_id else ""),
    ("custodian", lambda w: w.custodian_label),
    ("destination", lambda w: w.destination.code if w.destination_id else ""),
    ("manufacturer", lambda w: w.manufacturer),
    ("country_of_manufacture", lambda w: w.country_of_manufacture),
    ("year_of_manufacture", lambda w: w.year_of_manufacture or ""),
    ("import_country", lambda w: w.import_country),
    ("import_year", lambda w: w.import_year or ""),
    ("ownership_mark", lambda w: w.ownership_mark),
    ("owner", lambda w: w.owner.code),
]


class _Echo:
    def write(self, value):
        return value


def _rows(queryset):
    yield [name for name, _f in COLUMNS]
    for weapon in queryset.iterator(chunk_size=2000):
        yield [f(weapon) for _n, f in COLUMNS]


def weapons_response(queryset, fmt: str):
    if fmt == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _rows(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="weapons.csv"'
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Weapons"))
    for row in _rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="weapons.xlsx"'
    return response
