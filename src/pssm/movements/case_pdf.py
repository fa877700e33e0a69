"""Printable discrepancy case (PDF): what was found short or unexpected, where and when, the
recount and the investigation, how it was settled, and a signature block for each person the
procedure names (who found it, who recounted, who investigated, who closed it)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from pssm.core.pdf import latin1 as _t
from pssm.core.pdf import number, person, qr_png, signature_blocks, when


def _rows(case) -> list[tuple[str, str]]:
    rows = [
        (_("Kind"), case.get_kind_display()),
        (_("State"), case.get_state_display()),
        (_("Site"), case.site.name),
        (_("Opened on"), when(case.created_at)),
    ]
    if case.origin_site_id:
        rows.append((_("Sent by"), case.origin_site.name))
    if case.weapon_id:
        rows.append((_("Weapon"), f"{case.weapon.weapon_type} n° {case.weapon.serial}"))
    elif case.serial:
        rows.append((_("Serial number"), case.serial))
    if case.lot_id:
        rows.append(
            (
                _("Lot"),
                _("%(lot)s: %(books)s in the books, %(found)s found")
                % {
                    "lot": case.lot.lot_number,
                    "books": number(case.expected_quantity or 0),
                    "found": number(case.found_quantity or 0),
                },
            )
        )
    if case.voucher_id:
        rows.append((_("Found by"), case.voucher.number))
    elif case.count_id:
        rows.append(
            (_("Found by"), _("Stock check of %(date)s") % {"date": when(case.count.started_at)})
        )
    if case.recounted_at:
        result = _("gap confirmed") if case.recount_confirmed else _("agrees with the books")
        rows.append(
            (_("Recount"), f"{person(case.recount_by)}, {when(case.recounted_at)}: {result}")
        )
    if case.closing_voucher_id:
        rows.append((_("Write-off or adjustment voucher"), case.closing_voucher.number))
    if case.closed_at:
        rows.append(
            (
                _("Closed"),
                f"{case.get_resolution_display()}, {person(case.closed_by)}, "
                f"{when(case.closed_at)}",
            )
        )
    return rows


def case_pdf(case, url: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title(_t(case.number))
    doc.image(qr_png(url), x=165, y=10, w=32)
    doc.set_font("Helvetica", "B", 15)
    doc.cell(
        150,
        8,
        _t(_("Discrepancy case %(case)s") % {"case": case.number}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for label, value in _rows(case):
        doc.set_font("Helvetica", "B", 10)
        doc.cell(55, 6, _t(label))
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(95 if doc.get_y() < 45 else 0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    if case.investigation:
        doc.ln(2)
        doc.set_font("Helvetica", "B", 10)
        doc.cell(0, 6, _t(_("Investigation note")), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(0, 5, _t(case.investigation), new_x="LMARGIN", new_y="NEXT")
    found_by = ""
    if case.voucher_id:
        found_by = person(case.voucher.prepared_by)
    elif case.count_id:
        found_by = person(case.count.counter)
    signature_blocks(
        doc,
        [
            (_("Found by"), found_by),
            (_("Recounted by"), person(case.recount_by)),
            (_("Investigated by"), person(case.investigated_by)),
            (_("Closed by"), person(case.closed_by)),
        ],
    )
    return bytes(doc.output())


def case_response(case, url: str) -> HttpResponse:
    response = HttpResponse(case_pdf(case, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    return response
