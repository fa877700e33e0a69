"""CSV and XLSX exports of any filtered list: CSV streamed row by row, XLSX written by
openpyxl's write-only workbook, so large lists stay cheap.

Every CSV and XLSX the project writes goes through :mod:`pssm.core.sheets`, which applies
:mod:`pssm.domain.spreadsheet`: no cell of ours is ever run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .sheets import csv_row, xlsx_book

Column = tuple[str, Callable]
FORMATS = {"csv", "xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


# The header of each column, in the user's language. The French headers are among the names
# the imports recognise, so an exported stock list or register reads back as it is.
HEADERS = {
    "approved_by": _("Approved by"),
    "by": _("By"),
    "case": _("Case"),
    "category": _("Category"),
    "closed_at": _("Closed at"),
    "closing_voucher": _("Closing voucher"),
    "condition_code": _("Condition code"),
    "counts_due_soon": _("Counts due soon"),
    "country": _("Country"),
    "counts_overdue": _("Counts overdue"),
    "country_of_manufacture": _("Country of manufacture"),
    "created_at": _("Created at"),
    "custodian": _("Custodian"),
    "destination": _("Destination"),
    "expected_location": _("Location in the books"),
    "expected_quantity": _("Quantity in the books"),
    "found_location": _("Location found"),
    "found_quantity": _("Quantity found"),
    "hazard_code": _("Hazard code"),
    "import_country": _("Import mark: country"),
    "import_year": _("Import mark: year"),
    "inspection_percent": _("Inspection score (%)"),
    "investigation": _("Investigation"),
    "kind": _("Kind"),
    "location": _("Location"),
    "losses_open": _("Open losses"),
    "lot": _("Lot"),
    "lot_number": _("Lot number"),
    "manufacturer": _("Manufacturer"),
    "name": _("Name"),
    "nature": _("Nature"),
    "neq_kg": _("NEQ (kg)"),
    "nomenclature": _("Nomenclature"),
    "number": _("Number"),
    "oldest_case_days": _("Oldest case (days)"),
    "open_actions": _("Open actions"),
    "open_cases": _("Open cases"),
    "opened_at": _("Opened at"),
    "overdue_actions": _("Overdue actions"),
    "owner": _("Owner"),
    "ownership_mark": _("Ownership mark"),
    "posted_at": _("Posted at"),
    "prepared_by": _("Prepared by"),
    "quantity": _("Quantity"),
    "reason": _("Reason"),
    "recount_confirmed": _("Recount confirmed"),
    "resolution": _("Resolution"),
    "rrpl_level": _("RRPL level"),
    "serial": _("Serial number"),
    "site": _("Site"),
    "sites": _("Sites"),
    "source": _("Source"),
    "state": _("State"),
    "status": _("Status"),
    "type": _("Weapon type"),
    "year_of_manufacture": _("Year of manufacture"),
}


def french() -> bool:
    return (get_language() or "").startswith("fr")


def _rows(columns: list[Column], items: Iterable):
    yield [str(HEADERS.get(name, name)) for name, _f in columns]
    for item in items:
        yield [f(item) for _n, f in columns]


def _iterate(items):
    return items.iterator(chunk_size=2000) if hasattr(items, "iterator") else items


def table_response(columns: list[Column], items, fmt: str, name: str, title: str):
    """``items`` (a queryset or any iterable) as ``name``.csv or ``name``.xlsx, with the
    headers in the user's language. In French the CSV is separated by semicolons and starts
    with a byte-order mark, as French Excel expects (it reads a comma-separated file without
    one as a single garbled column); in English it is comma-separated, also with the mark."""
    if fmt == "csv":
        writer = csv.writer(_Echo(), delimiter=";" if french() else ",")

        def lines():
            yield "\ufeff"
            for row in _rows(columns, _iterate(items)):
                yield writer.writerow(csv_row(row))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        xlsx_book(title, _rows(columns, _iterate(items))), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
