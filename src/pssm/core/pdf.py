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


def qr_png(data: str, scale: int = 4) -> io.BytesIO:
    """A QR code of ``data`` as a PNG in memory."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=1)
    out.seek(0)
    return out
