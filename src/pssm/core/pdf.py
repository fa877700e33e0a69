"""Helpers shared by the printable documents (fpdf2 with its core fonts)."""

from __future__ import annotations

import io

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
    }
)


def latin1(text) -> str:
    """Text for the PDF core fonts (Latin-1): French accents pass, the rest is replaced."""
    return str(text or "").translate(_REPLACE).encode("latin-1", "replace").decode("latin-1")


def when(value) -> str:
    """A date and time in the active language's format (``2 décembre 2026 10:31``), with
    its time zone; empty for none."""
    from django.utils import formats, timezone

    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({local.tzname()})"


def number(value) -> str:
    """A count or quantity in the active language's format (``4 260`` in French)."""
    from django.utils import formats

    return formats.number_format(value, use_l10n=True, force_grouping=True)


def qr_png(data: str, scale: int = 4) -> io.BytesIO:
    """A QR code of ``data`` as a PNG in memory."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=1)
    out.seek(0)
    return out
