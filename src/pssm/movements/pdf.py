"""Printable voucher (PDF), the document people sign: its number and a QR code that opens it
in PSSM, the dates, the order reference and the remarks, the names of the places and people
(never an internal id or a code of the ledger), every line with where it goes, the totals
per weapon type and per ammunition nature, and a signature block for every person the
procedure names (issuer, recipient, approver, escort, receiver). In the user's language,
with its number and date formats."""

from __future__ import annotations

from collections import Counter

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _

from pssm.core.pdf import latin1, number, person, qr_png, signature_blocks, when
from pssm.domain.ledger import Kind

from .models import KIND_LABELS
from .words import Names

_t = latin1


def signatures(voucher) -> list[tuple[str, str]]:
    """(role, name) of everyone who signs the voucher, in the order they sign."""
    k = voucher.kind_enum
    preparer, approver = person(voucher.prepared_by), person(voucher.approved_by)
    recipient = str(voucher.custodian) if voucher.custodian_id else voucher.custodian_unit
    if k in {Kind.ISSUE, Kind.LOAN}:
        return [
            (_("Issued by (storekeeper)"), preparer),
            (_("Received by (recipient)"), recipient),
            (_("Approved by"), approver),
        ]
    if k is Kind.RETURN:
        return [
            (_("Returned by"), ""),
            (_("Received by (storekeeper)"), preparer),
            (_("Approved by"), approver),
        ]
    if k is Kind.TRANSFER:
        return [
            (_("Issued by (storekeeper)"), preparer),
            (_("Approved by"), approver),
            (_("Escort"), ""),
            (_("Received at %(site)s by") % {"site": voucher.destination.name}, ""),
        ]
    if k is Kind.TRANSFER_RECEIPT:
        return [
            (_("Escort"), ""),
            (_("Received by (storekeeper)"), preparer),
            (_("Approved by"), approver),
        ]
    if k is Kind.RECEIPT:
        return [
            (_("Delivered by"), voucher.importer),
            (_("Received by (storekeeper)"), preparer),
            (_("Approved by"), approver),
        ]
    if k is Kind.LOSS:
        return [(_("Reported by"), preparer), (_("Approved by"), approver)]
    return [(_("Prepared by"), preparer), (_("Approved by"), approver)]


def _header_rows(voucher, names: Names) -> list[tuple[str, str]]:
    rows = [
        (_("Kind"), str(KIND_LABELS.get(voucher.kind_enum, voucher.kind))),
        (_("State"), voucher.get_state_display()),
        (_("Site"), voucher.site.name),
        (_("Prepared on"), when(voucher.created_at)),
    ]
    if voucher.submitted_at:
        rows.append((_("Submitted on"), when(voucher.submitted_at)))
    if voucher.posted_at:
        rows.append((_("Approved and posted on"), when(voucher.posted_at)))
    if voucher.reason:
        rows.append((_("Reason"), voucher.reason_label))
    if voucher.order_reference:
        rows.append((_("Order or authority reference"), voucher.order_reference))
    if voucher.location_id:
        rows.append((_("Storage location"), str(voucher.location)))
    if voucher.custodian_id or voucher.custodian_unit:
        rows.append((_("Issued to"), str(voucher.custodian or voucher.custodian_unit)))
    if voucher.destination_id:
        rows.append((_("Destination site"), voucher.destination.name))
    if voucher.dispatch_id:
        rows.append(
            (
                _("Transfer being received"),
                _("%(number)s from %(site)s")
                % {"number": voucher.dispatch.number, "site": voucher.dispatch.site.name},
            )
        )
    if voucher.reverses_id:
        rows.append((_("Reverses"), voucher.reverses.number))
    for name, label in (
        ("exporting_state", _("Exporting state")),
        ("import_date", _("Import date")),
        ("importer", _("Importer")),
        ("import_licence", _("Import licence or regional exemption number")),
        ("end_user_certificate", _("End-user certificate reference")),
        ("importing_state", _("Importing state")),
        ("export_licence", _("Export licence or authorisation number")),
        ("police_report", _("Police or loss report reference")),
    ):
        value = getattr(voucher, name)
        if value:
            rows.append((label, formats.date_format(value) if name == "import_date" else value))
    return rows


def _where(line, names: Names) -> str:
    if line.lot_id:
        return str(line.location) if line.location_id else ""
    if line.after:
        return names.holding(line.after)
    if line.location_id:
        return str(line.location)
    return ""


def totals(lines) -> list[tuple[str, str]]:
    """(weapon type or ammunition nature, total) over the lines."""
    weapons, units = Counter(), Counter()
    for line in lines:
        if line.lot_id:
            units[line.lot.nature.name] += line.quantity or 0
        elif line.weapon_id:
            weapons[str(line.weapon.weapon_type)] += 1
        else:
            weapons[_("Weapons not on the transfer")] += 1
    out = [(label, _("%(n)s weapon(s)") % {"n": number(n)}) for label, n in sorted(weapons.items())]
    out += [(label, _("%(n)s unit(s)") % {"n": number(n)}) for label, n in sorted(units.items())]
    return out


def voucher_pdf(voucher, lines, url: str) -> bytes:
    from fpdf import FPDF

    lines = list(lines)
    names = Names([line.after for line in lines])
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title(_t(voucher.number))
    doc.image(qr_png(url), x=165, y=10, w=32)
    doc.set_font("Helvetica", "B", 15)
    doc.cell(
        150,
        8,
        _t(_("Voucher %(number)s") % {"number": voucher.number}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font("Helvetica", "", 10)
    for label, value in _header_rows(voucher, names):
        doc.set_font("Helvetica", "B", 10)
        doc.cell(55, 6, _t(label))
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(95 if doc.get_y() < 45 else 0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    if voucher.notes:
        doc.set_font("Helvetica", "B", 10)
        doc.cell(0, 6, _t(_("Remarks")), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(0, 5, _t(voucher.notes), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.set_font("Helvetica", "B", 10)
    widths = (10, 45, 65, 70)
    heads = ("#", _("Serial or lot"), _("Type or nature"), _("Location or custody"))
    for w, head in zip(widths, heads, strict=True):
        doc.cell(w, 7, _t(head), border=1)
    doc.ln()
    doc.set_font("Helvetica", "", 9)
    for i, line in enumerate(lines, start=1):
        if line.lot_id:
            what = f"{line.lot.nature.name} x {number(line.quantity or 0)}"
            ident = line.lot.lot_number
        else:
            what = str(line.weapon.weapon_type) if line.weapon_id else ""
            ident = line.serial
        cells = (str(i), ident, what, _where(line, names))
        for w, value in zip(widths, cells, strict=True):
            doc.cell(w, 6, _t(value)[:48], border=1)
        doc.ln()
    doc.ln(3)
    doc.set_font("Helvetica", "B", 10)
    doc.cell(0, 6, _t(_("Totals")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    for label, total in totals(lines) or [(_("No line"), "0")]:
        doc.cell(120, 6, _t(label))
        doc.cell(0, 6, _t(total), new_x="LMARGIN", new_y="NEXT")
    signature_blocks(doc, signatures(voucher))
    return bytes(doc.output())


def voucher_response(voucher, lines, url: str) -> HttpResponse:
    response = HttpResponse(voucher_pdf(voucher, lines, url), content_type="application/pdf")
    name = voucher.number.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
