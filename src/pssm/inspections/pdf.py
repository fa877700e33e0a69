"""Printable blind count sheets and weapon QR labels.

A count sheet never shows the books: per storage location, empty rows for the serials seen
(and for lots, the units counted), the counter's and the witness's signatures, and a QR code
that opens the count in PSSM so that the figures can be typed in afterwards. On a random
sample check, the records drawn are listed (lot and location, without their quantities).

Weapon labels carry a QR code of the serial as marked: a handheld reader types it into the
count page (or a voucher) like a keyboard, and a phone camera reads it on the count page.
"""

from __future__ import annotations

from collections import Counter

from django.http import HttpResponse
from django.utils.translation import gettext as _

from pssm.core.pdf import latin1 as _t
from pssm.core.pdf import qr_png, when


def sheet_lines(in_books: int) -> int:
    """Rows to print for a location holding ``in_books`` weapons: room for all of them and
    for what was not expected, rounded up to a ten so that the sheet does not tell the
    counter the figure of the books (the count is blind)."""
    wanted = in_books + max(5, in_books // 10)
    return max(10, -(-wanted // 10) * 10)


def count_sheet(count, locations, url: str, policy_title: str = "") -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title(_t(_("Stock check") + f" {count.site.code}"))
    doc.image(qr_png(url), x=170, y=10, w=28)
    doc.set_font("Helvetica", "B", 15)
    doc.cell(0, 8, _t(_("Blind count sheet")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    rows = [
        (_("Site"), str(count.site)),
        (_("Building"), str(count.building) if count.building_id else _("whole site")),
        *([(_("Storage location"), str(count.location))] if count.location_id else []),
        (_("Count policy"), policy_title or _("Unscheduled check")),
        (_("What is counted"), count.get_items_display()),
        (_("Started"), when(count.started_at)),
        (_("Counter"), count.counter.get_full_name() or count.counter.username),
        (_("Independent witness"), count.witness),
    ]
    for label, value in rows:
        doc.set_font("Helvetica", "B", 10)
        doc.cell(45, 6, _t(label))
        doc.set_font("Helvetica", "", 10)
        doc.cell(0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font("Helvetica", "I", 9)
    doc.multi_cell(
        0,
        5,
        _t(
            _(
                "Blind count: write what you see, location by location. The expected figures "
                "are compared only when a second person closes the count in PSSM."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    drawn = {}
    if count.is_sample:
        for lot, location, _qty in count.expected_lots:
            drawn.setdefault(location, []).append(lot)
    per_location = Counter(count.expected.values()) if isinstance(count.expected, dict) else {}
    for location in locations:
        doc.ln(3)
        doc.set_font("Helvetica", "B", 11)
        doc.cell(0, 7, _t(f"{location.code} - {location.name}"), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 9)
        if count.items != "lots":
            widths = (10, 70, 60, 50)
            heads = ("#", _("Serial number"), _("Type"), _("Remarks"))
            for w, head in zip(widths, heads, strict=True):
                doc.cell(w, 6, _t(head), border=1)
            doc.ln()
            for i in range(1, sheet_lines(per_location.get(location.code, 0)) + 1):
                for w, value in zip(widths, (str(i), "", "", ""), strict=True):
                    doc.cell(w, 7, value, border=1)
                doc.ln()
        if count.items != "weapons":
            widths = (70, 40, 80)
            for w, head in zip(
                widths, (_("Lot number"), _("Units counted"), _("Remarks")), strict=True
            ):
                doc.cell(w, 6, _t(head), border=1)
            doc.ln()
            listed = drawn.get(location.code, [])
            for lot in listed or [""] * 4:
                for w, value in zip(widths, (lot, "", ""), strict=True):
                    doc.cell(w, 7, _t(value), border=1)
                doc.ln()
    doc.ln(10)
    doc.set_font("Helvetica", "", 10)
    doc.cell(95, 6, _t(_("Counter")) + " ....................................")
    doc.cell(
        95,
        6,
        _t(_("Independent witness")) + " ....................................",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(doc.output())


def weapon_labels(weapons) -> bytes:
    """Labels of 63.5 × 38.1 mm, 3 × 7 per A4 page: QR code of the serial, serial, type."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=False)
    doc.set_margins(7, 15)
    cols, rows, width, height = 3, 7, 63.5, 38.1
    for n, weapon in enumerate(weapons):
        slot = n % (cols * rows)
        if slot == 0:
            doc.add_page()
        x = 7 + (slot % cols) * (width + 2.5)
        y = 15 + (slot // cols) * height
        doc.image(qr_png(weapon.serial, scale=3), x=x + 2, y=y + 3, w=30)
        doc.set_xy(x + 33, y + 6)
        doc.set_font("Helvetica", "B", 10)
        doc.multi_cell(width - 35, 5, _t(weapon.serial))
        doc.set_xy(x + 33, doc.get_y() + 1)
        doc.set_font("Helvetica", "", 7)
        doc.multi_cell(width - 35, 3.5, _t(f"{weapon.weapon_type}\n{weapon.site.code}"))
    if not doc.pages:
        doc.add_page()
        doc.set_font("Helvetica", "", 10)
        doc.cell(0, 8, _t(_("Nothing found.")))
    return bytes(doc.output())


def pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
