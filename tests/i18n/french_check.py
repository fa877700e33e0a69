"""What a French page must not show: the project's own English labels (the msgids of the
French catalogue whose French differs) and raw codes (``in_store``, ``voucher.submitted``).

Used by the page check (tests/i18n/test_french_pages.py) and the browser check."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "src" / "pssm" / "locale" / "fr" / "LC_MESSAGES"

# Codes as the software writes them: snake_case words and dotted event names.
RAW_CODE = re.compile(r"(?<![\w./@-])([a-z]+(?:_[a-z]+)+|[a-z]+\.[a-z]+(?:_[a-z]+)*)(?![\w/-])")
# Words that are the same in both languages or are names, never evidence of English.
SAME_IN_BOTH = {
    "Site",
    "Sites",
    "Type",
    "Nature",
    "Total",
    "Code",
    "Position",
    "Notes",
    "Format",
    "Photos",
    "Date",
    "Description",
    "Distance",
    "Service",
    "Menu",
    "Journal",
    "Inspection",
    "Inspections",
    "PSSM",
    "Source",
    "Article",
    "Destination",
    "Action",
    "Actions",
    "Surveillance",
    "Compatibilité",
    "Transit",
    "Condition",
    "Stock",
    "Stocks",
    "Local",
    "Contact",
    "Signature",
    "Organisation",
}


@cache
def english_labels() -> frozenset[str]:
    """The English msgids whose French differs, of two words or more (single words are
    too often names, codes or the same in French)."""
    from babel.messages.pofile import read_po

    with open(CATALOGUE / "django.po", "rb") as fh:
        catalogue = read_po(fh)
    labels = set()
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strs, strict=False):
            if not msgstr or msgstr == msgid or "%" in msgid or "{" in msgid:
                continue
            words = re.findall(r"[A-Za-z]+", msgid)
            if len(words) >= 2 and len(msgid) >= 8 and msgid.lower() not in msgstr.lower():
                labels.add(msgid.strip())
    return frozenset(labels)


# Shown as they are, by design: code and stored values (<code>, <pre>), and the sources a rule
# cites, quoted as published (<cite>, or a title naming the rule's provenance).
SKIPPED = {"script", "style", "code", "pre", "cite"}
CITATION = re.compile(r"domain-rules\.md|\[[A-Z] |IATG|ISACS|PSSM default")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        for name, value in attrs:
            if (
                name in {"title", "placeholder", "aria-label", "alt"}
                and value
                and not (CITATION.search(value))
            ):
                self.parts.append(value)
            if (
                tag == "input"
                and name == "value"
                and dict(attrs).get("type") in {"submit", "button"}
            ):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(" ".join(p.split()) for p in parser.parts)


def leftovers(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """English labels and raw codes found in ``text`` (visible text of a French page)."""
    found = []
    for label in english_labels():
        if label in allowed or label not in text:  # the plain test first: it is much faster
            continue
        if re.search(r"(?<![\w])" + re.escape(label) + r"(?![\w])", text):
            found.append(f"English: {label!r}")
    for match in RAW_CODE.finditer(text):
        code = match.group(1)
        if code not in allowed and not code.endswith((".pdf", ".csv", ".xlsx", ".md")):
            found.append(f"code: {code!r}")
    return sorted(set(found))


# A printed French document also shows no date in the ISO form of the data (2026-11-22) and
# no number in the English format (18,500,000.00, 4,260.5 or 94.8 %): both say the value was
# printed as stored rather than in the reader's language. A single group (77,877) is left
# alone: it is also a French decimal.
ISO_DATE = re.compile(r"(?<![\w-])(\d{4}-\d{2}-\d{2})(?![\w-])")
ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])(?<!\d\s)"
    r"(\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3},\d{3}\.\d+|\d+\.\d+(?=\s?%))(?![\w])"
)


def document_leftovers(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """:func:`leftovers` of a printed document's text, and its ISO dates and English numbers."""
    found = leftovers(text, allowed)
    found += [f"date: {m.group(1)!r}" for m in ISO_DATE.finditer(text)]
    found += [f"number: {m.group(1)!r}" for m in ENGLISH_NUMBER.finditer(text)]
    return sorted(set(found))
