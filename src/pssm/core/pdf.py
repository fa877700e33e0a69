"""Helpers shared by the printable documents (fpdf2 with its core fonts): text the fonts can
print, dates, numbers and measures in the user's language, people's names, the rows of labels
and values, the line saying when and by whom a document was printed, and the signature blocks
of everyone the procedure names."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

_REPLACE = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "œ": "oe",
        "Œ": "OE",
        "…": "...",
        "№": "No",
        "→": "->",
        "×": "x",
        "−": "-",
        "≤": "<=",
        "≥": ">=",
    }
)


def latin1(text) -> str:
    """Text for the PDF core fonts (Latin-1): French accents pass, the rest is replaced."""
    return str(text or "").translate(_REPLACE).encode("latin-1", "replace").decode("latin-1")


def when(value) -> str:
    """A date and time in the active language's format with the time to the minute
    (``2 décembre 2026 10:31``, ``Dec. 2, 2026 10:31``) and its time zone; empty for none."""
    from django.utils import formats, timezone

    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local)} {local:%H:%M} ({local.tzname()})"


def day(value) -> str:
    """A date in the active language's format (``2 décembre 2026``); empty for none."""
    from django.utils import formats

    return formats.date_format(value) if value else ""


def number(value) -> str:
    """A count or quantity in the active language's format (``4 260`` in French); a decimal
    loses its trailing zeros (``4260.000000`` prints ``4 260``, ``0.750`` prints ``0,75``)."""
    from django.utils import formats

    if isinstance(value, str | Decimal) and not isinstance(value, bool):
        try:
            value = Decimal(format(Decimal(value).normalize(), "f"))
        except InvalidOperation:
            return str(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def measure(value, unit: str) -> str:
    """A mass or distance with its unit (``4 260 kg``); empty for none."""
    if value is None or value == "":
        return ""
    return f"{number(value)} {unit}"


def person(user) -> str:
    """A user's full name, or their sign-in name when none is recorded; empty for none."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def field_rows(doc, rows, label_width: float = 55, size: float = 10) -> None:
    """Label in bold, value beside it, one row each (empty values are left out)."""
    for label, value in rows:
        if value in (None, ""):
            continue
        doc.set_font("Helvetica", "B", size)
        if doc.get_string_width(latin1(label)) > label_width - 2:  # a long label: its own line
            doc.multi_cell(0, size * 0.6, latin1(label), new_x="LMARGIN", new_y="NEXT")
            doc.set_x(doc.l_margin + label_width)
        else:
            doc.cell(label_width, size * 0.6, latin1(label))
        doc.set_font("Helvetica", "", size)
        doc.multi_cell(0, size * 0.6, latin1(value), new_x="LMARGIN", new_y="NEXT")


def printed_line(doc, user=None) -> None:
    """When the document was printed, and by whom, in small italics."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    stamp = when(timezone.now())
    text = (
        _("Printed on %(when)s by %(name)s") % {"when": stamp, "name": person(user)}
        if user is not None
        else _("Printed on %(when)s") % {"when": stamp}
    )
    doc.set_font("Helvetica", "I", 8)
    doc.multi_cell(0, 4, latin1(text), new_x="LMARGIN", new_y="NEXT")


def signature_blocks(doc, people: list[tuple[str, str]], column: float = 95) -> None:
    """A block per person the procedure names, two per row: role, name, date and signature
    lines (a dotted line where the name is not known in advance)."""
    from django.utils.translation import gettext as _

    bottom = doc.h - doc.b_margin
    doc.ln(6)
    if doc.get_y() > bottom - 52:
        doc.add_page()
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, latin1(_("Signatures")), new_x="LMARGIN", new_y="NEXT")
    for start in range(0, len(people), 2):
        pair = people[start : start + 2]
        if doc.get_y() > bottom - 32:
            doc.add_page()
        top = doc.get_y()
        for n, (role, name) in enumerate(pair):
            doc.set_xy(doc.l_margin + n * column, top)
            doc.set_font("Helvetica", "B", 10)
            doc.cell(column - 5, 6, latin1(role), new_x="LEFT", new_y="NEXT")
            doc.set_font("Helvetica", "", 10)
            doc.cell(
                column - 5,
                6,
                latin1(_("Name: %(name)s") % {"name": name or "." * 40}),
                new_x="LEFT",
                new_y="NEXT",
            )
            doc.cell(column - 5, 6, latin1(_("Date: ") + "." * 30), new_x="LEFT", new_y="NEXT")
            doc.cell(
                column - 5, 10, latin1(_("Signature: ") + "." * 36), new_x="LEFT", new_y="NEXT"
            )
        doc.set_xy(doc.l_margin, top + 32)


def qr_png(data: str, scale: int = 4) -> io.BytesIO:
    """A QR code of ``data`` as a PNG in memory."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=1)
    out.seek(0)
    return out
