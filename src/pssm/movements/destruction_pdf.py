"""The destruction certificate (PDF): what was planned and destroyed, how, where and when,
before whom, with signature lines and a QR code of the certificate's identity (its number,
site, date and the hash of the journal entry that posted it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pssm.core.pdf import latin1, qr_png

from .models import Destruction

_t = latin1


def certificate_pdf(d: Destruction, lines, entry_hash: str, url: str) -> bytes:
    from fpdf import FPDF

    v = d.voucher
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title(_t(v.number))
    day = d.destroyed_on.isoformat() if d.destroyed_on else "-"
    identity = (
        f"PSSM destruction certificate {v.number}; site {v.site.code}; destroyed {day}; "
        f"journal {entry_hash}; {url}"
    )
    doc.image(qr_png(identity), x=165, y=10, w=32)
    doc.set_font("Helvetica", "B", 15)
    doc.cell(0, 8, _t(_("Destruction certificate")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, _t(v.number), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    rows = [
        (_("Site"), str(v.site)),
        (_("Method"), d.get_method_display()),
        (_("Place"), d.place),
        (_("Planned for"), d.planned_date.isoformat()),
        (_("Destroyed on"), d.destroyed_on.isoformat() if d.destroyed_on else "-"),
        (_("Order or authority"), d.authority or "-"),
        (_("Prepared by"), str(v.prepared_by)),
        (_("Approved by"), str(v.approved_by or "-")),
        (_("Journal entry"), entry_hash or "-"),
    ]
    for label, value in rows:
        doc.set_font("Helvetica", "B", 10)
        doc.cell(45, 6, _t(label))
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(110, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.set_font("Helvetica", "B", 10)
    widths = (10, 70, 60, 25, 25)
    for w, head in zip(
        widths,
        ("#", _("Serial or lot"), _("Type or nature"), _("Planned"), _("Destroyed")),
        strict=True,
    ):
        doc.cell(w, 6, _t(head), border=1)
    doc.ln()
    doc.set_font("Helvetica", "", 9)
    planned = destroyed = 0
    for i, line in enumerate(lines, start=1):
        if line.lot_id:
            item, what = line.lot.lot_number, line.lot.nature.nomenclature
            p, done = line.quantity, line.quantity_received or 0
        else:
            item, what = line.serial, str(line.weapon.weapon_type) if line.weapon_id else ""
            p, done = 1, 1 if line.received else 0
        planned, destroyed = planned + p, destroyed + done
        for w, value in zip(widths, (i, item, what, p, done), strict=True):
            doc.cell(w, 6, _t(value)[: int(w / 1.8)], border=1)
        doc.ln()
    doc.set_font("Helvetica", "B", 9)
    doc.cell(140, 6, _t(_("Total")), border=1)
    doc.cell(25, 6, str(planned), border=1)
    doc.cell(25, 6, str(destroyed), border=1)
    doc.ln(10)
    doc.set_font("Helvetica", "B", 10)
    doc.cell(0, 6, _t(_("Witnesses")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    for w in d.witnesses:
        outside = _("from outside the holding unit") if w.get("outside") else ""
        doc.cell(
            0,
            9,
            _t(f"{w['name']} ({w.get('organisation') or '-'}) {outside}: " + "_" * 30),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    doc.ln(4)
    for label in (_("Officer in charge of the destruction"), _("Approving authority")):
        doc.cell(0, 9, _t(f"{label}: " + "_" * 45), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
