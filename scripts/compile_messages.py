"""Compile the translation catalogues (.po → .mo) with Babel: no system gettext needed.

Usage: python scripts/compile_messages.py [--check]
With --check, exit 1 if a committed .mo differs from its .po or a French message is missing.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "src" / "pssm" / "locale"


def _entries(catalog) -> dict:
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    problems = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        lang = po_path.parts[-3]
        if lang != "en":
            for m in catalog:
                if not m.id:
                    continue
                strings = m.string if isinstance(m.string, tuple) else (m.string,)
                if not all(strings) or m.fuzzy:
                    problems.append(f"{po_path}: untranslated or fuzzy: {m.id!r}")
        mo_path = po_path.with_suffix(".mo")
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        if check:
            if not mo_path.exists():
                problems.append(f"{mo_path}: missing; run make messages")
                continue
            with mo_path.open("rb") as fh:
                committed = read_mo(fh)
            if _entries(committed) != _entries(read_mo(io.BytesIO(buffer.getvalue()))):
                problems.append(f"{mo_path}: out of date with its .po; run make messages")
        else:
            mo_path.write_bytes(buffer.getvalue())
            print(f"compiled {mo_path.relative_to(LOCALE.parent.parent.parent)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
