"""Cells a spreadsheet would run: the rule every CSV and XLSX this project writes follows.

A spreadsheet program reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or with a
tab or a carriage return before one) as a formula, so a serial typed as
``=HYPERLINK("http://…")`` or ``+cmd|' /C calc'!A0`` would run on the computer of the officer
who opens the register (OWASP, "CSV Injection"). Plain numbers such as ``-12`` or ``+3.5``
are not formulas and stay as they are.

- In CSV the cell is written with a leading apostrophe, which spreadsheets take as "text";
- in XLSX the cell is written as text with the *quote prefix* style, so it shows exactly as
  marked and stays text when edited.

:func:`unquote` is the reverse, for a file written by us and imported again (the rejects
file a user corrects and loads back).
"""

from __future__ import annotations

import re

FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def is_formula(value) -> bool:
    """Whether a spreadsheet would read ``value`` (a text cell) as a formula."""
    if not isinstance(value, str) or not value:
        return False
    stripped = value.lstrip(" \u00a0\u202f")
    if not stripped or stripped[0] not in FORMULA_STARTS and value[0] not in FORMULA_STARTS:
        return False
    return not _NUMBER.fullmatch(stripped.strip())


def csv_text(value):
    """``value`` as a CSV cell that no spreadsheet runs."""
    return QUOTE + value if is_formula(value) else value


def unquote(value: str) -> str:
    """The value a user typed, from a cell written by :func:`csv_text`."""
    if value.startswith(QUOTE) and is_formula(value[1:]):
        return value[1:]
    return value
