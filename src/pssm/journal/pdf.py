"""The checkpoint statement as a PDF page: the text and a QR code of the same text, to be
printed, signed and filed in the depot's paper register."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF

from pssm.core.pdf import latin1, qr_png
from pssm.domain.journal import Checkpoint


def checkpoint_pdf(point: Checkpoint) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, latin1(_("Journal checkpoint")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        5,
        latin1(
            _(
                "This statement records the head of the node's journal, signed by the node "
                "key. Keep it in the paper register; `pssm journal verify --against FILE` "
                "checks later that the journal still holds it and that nothing before it "
                "changed."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    rows = [
        (_("Node"), point.node_id),
        (_("Entries"), str(point.count)),
        (_("Head hash"), point.head),
        (_("Time (UTC)"), point.at),
        (_("Public key"), point.public_key),
        (_("Signature"), point.signature),
    ]
    pdf.set_font("Courier", "", 8)
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(32, 5, latin1(label))
        pdf.set_font("Courier", "", 8)
        pdf.multi_cell(0, 5, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.image(qr_png(point.text(), scale=3), w=70)
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 10)
    for label in (_("Checked by (name, rank)"), _("Signature"), _("Date")):
        pdf.cell(0, 10, latin1(f"{label}: " + "_" * 50), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
