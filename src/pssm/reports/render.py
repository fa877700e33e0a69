"""A report's figures as PDF (fpdf2) and XLSX (through the project's safe sheet writer), in
French or English. Both are rendered from the stored figures, so every copy of a report says
the same; each row carries the address of the records behind it."""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pssm.core.pdf import day, number, person, when
from pssm.core.pdf import latin1 as _t
from pssm.core.sheets import xlsx_row

from .labels import group_title, place_names, row_label


def records_url(figures: dict, table: dict, row: dict) -> str:
    """The address of the records behind one figure."""
    query = {
        "source": table["source"],
        "start": figures["period"]["start"],
        "end": figures["period"]["end"],
        **row["filters"],
    }
    return reverse("reports:records", args=[figures["country"]]) + "?" + urlencode(query)


def _period(figures: dict) -> str:
    start, end = (date.fromisoformat(figures["period"][k]) for k in ("start", "end"))
    return _("%(start)s to %(end)s") % {"start": day(start), "end": day(end)}


def _heading(figures: dict) -> list[tuple[str, str]]:
    from pssm.sites.models import Country

    country = Country.objects.filter(code=figures["country"]).first()
    rows = [
        (_("Country"), country.name if country else figures["country"]),
        (_("Period"), _period(figures)),
        (_("Template"), figures["definition"]),
        (_("Sources"), _(figures["source"])),
    ]
    if figures.get("instrument"):
        rows.append((_("Regional instrument"), _(figures["instrument"]["title"])))
    return rows


def _signature(report) -> str:
    if report is None or not report.is_signed:
        return _("Not signed off.")
    return _("Signed off by %(who)s on %(date)s.") % {
        "who": person(report.signed_by),
        "date": when(report.signed_at),
    }


def _change(value: int) -> str:
    """A change with its sign, in the language's format (``+1 977``)."""
    return ("+" if value > 0 else "-" if value < 0 else "") + number(abs(value))


def report_pdf(figures: dict, language: str, report=None) -> bytes:
    from fpdf import FPDF

    with translation.override(language):
        names = place_names()
        doc = FPDF(format="A4")
        doc.set_auto_page_break(auto=True, margin=15)
        doc.add_page()
        doc.set_title(_t(_(figures["title"])))
        doc.set_font("Helvetica", "B", 14)
        doc.multi_cell(0, 7, _t(_(figures["title"])), new_x="LMARGIN", new_y="NEXT")
        if report is not None:
            doc.set_font("Helvetica", "", 9)
            doc.cell(0, 5, _t(report.number), new_x="LMARGIN", new_y="NEXT")
        doc.ln(1)
        for label, value in _heading(figures):
            doc.set_font("Helvetica", "B", 9)
            doc.cell(40, 5, _t(label))
            doc.set_font("Helvetica", "", 9)
            doc.multi_cell(0, 5, _t(value), new_x="LMARGIN", new_y="NEXT")
        if "nil" in figures:
            doc.ln(2)
            doc.set_font("Helvetica", "B", 11)
            doc.cell(
                0,
                6,
                _t(_("Nil report: no transfer in the period.") if figures["nil"] else ""),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        for section in figures["sections"]:
            doc.ln(3)
            doc.set_font("Helvetica", "B", 12)
            doc.multi_cell(0, 6, _t(_(section["title"])), new_x="LMARGIN", new_y="NEXT")
            for table in section["tables"]:
                doc.set_font("Helvetica", "B", 10)
                doc.multi_cell(0, 5, _t(_(table["title"])), new_x="LMARGIN", new_y="NEXT")
                compare = "previous_total" in table
                widths = (110, 25, 25, 25) if compare else (140, 40)
                heads = [group_title(table) or _("Figure"), _("Quantity")]
                if compare:
                    heads += [_("A year before"), _("Change")]
                doc.set_font("Helvetica", "B", 8)
                for w, h in zip(widths, heads, strict=True):
                    doc.cell(w, 5, _t(h), border=1)
                doc.ln()
                doc.set_font("Helvetica", "", 8)
                rows = table["rows"] or [None]
                for row in rows:
                    if row is None:
                        cells = [_("None in the period."), "0"] + (["0", "0"] if compare else [])
                    else:
                        cells = [row_label(table, row, names), number(row["value"])]
                        if compare:
                            cells += [number(row["previous"]), _change(row["change"])]
                    for w, c in zip(widths, cells, strict=True):
                        doc.cell(w, 5, _t(c)[:80], border=1)
                    doc.ln()
                if table["groups"] and table["rows"]:
                    doc.set_font("Helvetica", "B", 8)
                    cells = [_("Total"), number(table["total"])]
                    if compare:
                        change = table["total"] - table["previous_total"]
                        cells += [number(table["previous_total"]), _change(change)]
                    for w, c in zip(widths, cells, strict=True):
                        doc.cell(w, 5, _t(c), border=1)
                    doc.ln()
                doc.ln(1)
        doc.ln(4)
        doc.set_font("Helvetica", "", 9)
        doc.multi_cell(0, 5, _t(_signature(report)), new_x="LMARGIN", new_y="NEXT")
        if report is not None:
            doc.set_font("Helvetica", "", 7)
            doc.multi_cell(
                0,
                4,
                _t(_("Digest of the figures (SHA-256): %(sha)s") % {"sha": report.figures_sha256}),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        return bytes(doc.output())


def report_xlsx(figures: dict, language: str, report=None) -> bytes:
    from openpyxl import Workbook

    with translation.override(language):
        names = place_names()
        book = Workbook(write_only=True)
        summary = book.create_sheet(_("Report")[:31])
        summary.append(xlsx_row(summary, [_(figures["title"])]))
        for label, value in _heading(figures):
            summary.append(xlsx_row(summary, [label, value]))
        if "nil" in figures:
            summary.append(
                xlsx_row(summary, [_("Nil report"), _("yes") if figures["nil"] else _("no")])
            )
        summary.append(xlsx_row(summary, [_signature(report)]))
        if report is not None:
            summary.append(xlsx_row(summary, [_("Number"), report.number]))
            summary.append(xlsx_row(summary, ["SHA-256", report.figures_sha256]))
        used = set()
        for section in figures["sections"]:
            name = re.sub(r"[\[\]:*?/\\']", " ", _(section["title"])).strip()[:28]
            name = name or section["key"]
            while name in used:
                name = name[:26] + str(len(used))
            used.add(name)
            sheet = book.create_sheet(name)
            for table in section["tables"]:
                compare = "previous_total" in table
                sheet.append(xlsx_row(sheet, [_(table["title"])]))
                heads = [group_title(table) or _("Figure"), _("Quantity")]
                if compare:
                    heads += [_("A year before"), _("Change")]
                sheet.append(xlsx_row(sheet, [*heads, _("Records")]))
                for row in table["rows"]:
                    cells = [row_label(table, row, names), row["value"]]
                    if compare:
                        cells += [row["previous"], row["change"]]
                    sheet.append(xlsx_row(sheet, [*cells, records_url(figures, table, row)]))
                total = [_("Total"), table["total"]]
                if compare:
                    total += [table["previous_total"], table["total"] - table["previous_total"]]
                sheet.append(xlsx_row(sheet, total))
                sheet.append([])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
