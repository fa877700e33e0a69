"""The destruction certificate (PDF): what was planned and destroyed, how, where and when,
before whom, with signature lines and a QR code of the certificate's identity (its number,
site, date and the hash of the journal entry that posted it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pssm.core.pdf import day, latin1, number, printed_line, qr_png

from .destruction import destruction_totals
from .models import Destruction

_t = latin1


def certificate_pdf(d: Destruction, lines, entry_hash: str, url: str) -> bytes:
    from fpdf import FPDF

    v = d.voucher
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title(_t(v.number))
    destroyed = d.destroyed_on.isoformat() if d.destroyed_on else "-"
    identity = (
        f"PSSM destruction certificate {v.number}; site {v.site.code}; destroyed {destroyed}; "
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
        (_("Planned for"), day(d.planned_date)),
        (_("Destroyed on"), day(d.destroyed_on) or "-"),
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
    doc.set_font("Helvetica", "", 9)
    lines = list(lines)
    totals = destruction_totals(lines)
    with doc.table(
        col_widths=(10, 55, 75, 25, 25), text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT")
    ) as table:
        head = ("#", _("Serial or lot"), _("Type or nature"), _("Planned"), _("Destroyed"))
        row = table.row()
        for text in head:
            row.cell(_t(text))
        for i, line in enumerate(lines, start=1):
            if line.lot_id:
                item, what = line.lot.lot_number, line.lot.nature.name
                p, done = line.quantity, line.quantity_received or 0
            else:
                item = line.serial
                what = str(line.weapon.weapon_type) if line.weapon_id else ""
                p, done = 1, 1 if line.received else 0
            row = table.row()
            for value in (i, item, what, number(p), number(done)):
                row.cell(_t(value))  # long nomenclatures wrap within their cell
        # Weapons and ammunition units are never added together.
        for key, label in (("weapons", _("Weapons")), ("units", _("Ammunition units"))):
            if key in totals:
                row = table.row()
                row.cell(_t(_("Total: %(what)s") % {"what": label}), colspan=3)
                row.cell(number(totals[key][0]))
                row.cell(number(totals[key][1]))
    doc.ln(6)
    doc.set_font("Helvetica", "B", 10)
    doc.cell(0, 6, _t(_("Witnesses")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    for w in d.witnesses:
        who = f"{w['name']} ({w.get('organisation') or '-'})"
        if w.get("outside"):
            who = f"{who}, {_('from outside the holding unit')}"
        doc.multi_cell(0, 7, _t(who), new_x="LMARGIN", new_y="NEXT")
        doc.cell(0, 9, _t(_signed(_("Signature"), 40)), new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    for label in (_("Officer in charge of the destruction"), _("Approving authority")):
        doc.cell(0, 9, _t(_signed(label, 45)), new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    printed_line(doc)
    return bytes(doc.output())


def _signed(label: str, width: int) -> str:
    """``label`` followed by a line to sign on, with the colon the language puts there."""
    return _("%(label)s: %(line)s") % {"label": label, "line": "_" * width}
