"""Printable voucher (PDF) with a QR code that opens the voucher in PSSM."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from pssm.core.pdf import latin1, qr_png

from .models import KIND_LABELS

_t = latin1


def voucher_pdf(voucher, lines, url: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title(_t(voucher.number))
    doc.image(qr_png(url), x=165, y=10, w=32)
    doc.set_font("Helvetica", "B", 15)
    doc.cell(
        0,
        8,
        _t(_("Voucher %(number)s") % {"number": voucher.number}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font("Helvetica", "", 10)
    rows = [
        (_("Kind"), KIND_LABELS.get(voucher.kind_enum, voucher.kind)),
        (_("State"), voucher.get_state_display()),
        (_("Site"), str(voucher.site)),
    ]
    if voucher.reason:
        rows.append((_("Reason"), voucher.reason_label))
    if voucher.location_id:
        rows.append((_("Storage location"), voucher.location.code))
    if voucher.custodian_id or voucher.custodian_unit:
        rows.append((_("Issued to"), str(voucher.custodian or voucher.custodian_unit)))
    if voucher.destination_id:
        rows.append((_("Destination site"), str(voucher.destination)))
    if voucher.dispatch_id:
        rows.append((_("Transfer being received"), voucher.dispatch.number))
    if voucher.reverses_id:
        rows.append((_("Reverses"), voucher.reverses.number))
    for name, label in (
        ("exporting_state", _("Exporting state")),
        ("import_date", _("Import date")),
        ("importer", _("Importer")),
        ("import_licence", _("Import licence or regional exemption number")),
        ("end_user_certificate", _("End-user certificate reference")),
        ("police_report", _("Police or loss report reference")),
    ):
        value = getattr(voucher, name)
        if value:
            rows.append((label, value.isoformat() if hasattr(value, "isoformat") else value))
    for label, value in rows:
        doc.set_font("Helvetica", "B", 10)
        doc.cell(45, 6, _t(label))
        doc.set_font("Helvetica", "", 10)
        doc.cell(0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font("Helvetica", "B", 10)
    widths = (10, 50, 80, 50)
    for w, head in zip(widths, ("#", _("Serial"), _("Type"), _("Location / custody")), strict=True):
        doc.cell(w, 7, _t(head), border=1)
    doc.ln()
    doc.set_font("Helvetica", "", 9)
    for i, line in enumerate(lines, start=1):
        weapon = line.weapon
        where = ""
        if line.after:
            where = (
                line.after.get("location")
                or line.after.get("custodian")
                or line.after.get("destination")
                or line.after.get("status")
            )
        elif line.location_id:
            where = line.location.code
        cells = (str(i), line.serial, str(weapon.weapon_type) if weapon else "", where)
        for w, value in zip(widths, cells, strict=True):
            doc.cell(w, 6, _t(value)[:60], border=1)
        doc.ln()
    doc.ln(8)
    doc.set_font("Helvetica", "", 10)
    prepared = voucher.prepared_by.get_full_name() or voucher.prepared_by.username
    approved = ""
    if voucher.approved_by_id:
        approved = voucher.approved_by.get_full_name() or voucher.approved_by.username
    doc.cell(95, 6, _t(_("Prepared by: %(name)s") % {"name": prepared}))
    doc.cell(
        95, 6, _t(_("Approved by: %(name)s") % {"name": approved}), new_x="LMARGIN", new_y="NEXT"
    )
    doc.ln(14)
    doc.cell(95, 6, _t(_("Signature")) + " ....................................")
    doc.cell(
        95,
        6,
        _t(_("Signature")) + " ....................................",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(doc.output())


def voucher_response(voucher, lines, url: str) -> HttpResponse:
    response = HttpResponse(voucher_pdf(voucher, lines, url), content_type="application/pdf")
    name = voucher.number.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
