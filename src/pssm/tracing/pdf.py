"""The answer to a trace request as a PDF (ITI §§19-23): the request, the weapon identified
and its history from the registry (each posted movement with its voucher), or the reason it
was not identified. Written in the language asked for."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pssm.core.pdf import day, printed_line
from pssm.core.pdf import latin1 as _t
from pssm.movements.models import KIND_LABELS
from pssm.registry.models import STATUS_LABELS

from .selectors import weapon_history


def _row(doc, label, value):
    doc.set_font("Helvetica", "B", 10)
    doc.cell(55, 6, _t(label))
    doc.set_font("Helvetica", "", 10)
    doc.multi_cell(0, 6, _t(value or "-"), new_x="LMARGIN", new_y="NEXT")


def answer_pdf(request, language: str) -> bytes:
    from fpdf import FPDF

    from pssm.domain.ledger import Kind, Status

    with translation.override(language):
        doc = FPDF(format="A4")
        doc.set_auto_page_break(auto=True, margin=15)
        doc.add_page()
        doc.set_title(_t(_("Answer to trace request %(number)s") % {"number": request.number}))
        doc.set_font("Helvetica", "B", 14)
        doc.cell(
            0,
            8,
            _t(_("Answer to trace request %(number)s") % {"number": request.number}),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        doc.set_font("Helvetica", "I", 9)
        doc.multi_cell(
            0,
            5,
            _t(
                _(
                    "International Tracing Instrument (UNGA, 8 December 2005), paragraphs 14 "
                    "to 23. National registry of %(country)s."
                )
                % {"country": request.country.name}
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        doc.ln(2)
        _row(doc, _("Request"), f"{request.get_direction_display()} - {request.counterpart}")
        _row(doc, _("Their reference"), request.counterpart_reference)
        _row(doc, _("Received or sent on"), day(request.received_on))
        _row(doc, _("Answer due by"), day(request.deadline))
        _row(
            doc,
            _("Weapon asked about"),
            " ".join(p for p in (request.make, request.model, request.calibre) if p),
        )
        _row(doc, _("Serial number"), request.serial)
        _row(doc, _("Other marks"), request.marks)
        doc.ln(2)
        _row(doc, _("Outcome"), request.get_outcome_display())
        _row(
            doc,
            _("Answered on"),
            day(request.answered_on),
        )
        _row(doc, _("Answer"), request.answer)
        weapon = request.weapon
        if weapon is not None:
            doc.ln(3)
            doc.set_font("Helvetica", "B", 12)
            doc.cell(0, 7, _t(_("Weapon identified")), new_x="LMARGIN", new_y="NEXT")
            t = weapon.weapon_type
            _row(doc, _("Type"), str(t))
            _row(doc, _("Serial number (as marked)"), weapon.serial)
            _row(doc, _("Manufacturer"), weapon.manufacturer or t.make)
            _row(doc, _("Country of manufacture"), weapon.country_of_manufacture)
            _row(doc, _("Year of manufacture"), str(weapon.year_of_manufacture or ""))
            _row(
                doc,
                _("Import mark"),
                f"{weapon.import_country} {weapon.import_year or ''}".strip(),
            )
            _row(doc, _("Ownership mark"), weapon.ownership_mark)
            _row(doc, _("Status today"), str(STATUS_LABELS.get(Status(weapon.status), "")))
            _row(doc, _("Held by"), str(weapon.site))
            doc.ln(3)
            doc.set_font("Helvetica", "B", 12)
            doc.cell(0, 7, _t(_("History in the registry")), new_x="LMARGIN", new_y="NEXT")
            doc.set_font("Helvetica", "B", 9)
            widths = (30, 38, 32, 56, 34)
            heads = (_("Date"), _("Voucher"), _("Movement"), _("Site"), _("Status after"))
            for w, h in zip(widths, heads, strict=True):
                doc.cell(w, 6, _t(h), border=1)
            doc.ln()
            doc.set_font("Helvetica", "", 9)
            for line in weapon_history(weapon):
                v = line.voucher
                after = (line.after or {}).get("status", "")
                cells = (
                    day(timezone.localtime(v.posted_at).date()) if v.posted_at else "",
                    v.number,
                    str(KIND_LABELS.get(Kind(v.kind), v.kind)),
                    v.site.name,
                    str(STATUS_LABELS.get(Status(after), after)) if after else "",
                )
                for w, c in zip(widths, cells, strict=True):
                    doc.cell(w, 6, _t(c)[: int(w / 1.7)], border=1)
                doc.ln()
        doc.ln(4)
        printed_line(doc)
        doc.ln(4)
        doc.set_font("Helvetica", "", 10)
        doc.cell(0, 6, _t(_("For the national authority (name, signature, stamp):")))
        return bytes(doc.output())
