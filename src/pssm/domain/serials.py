"""Serial numbers: normalisation, confusable characters and near matches.

Serials are read off worn metal, copied by hand and typed on old keyboards, so a search must
find ``AK 47-0O1S`` when the register says ``AK470015``. Three levels of match:

- *exact*: the serial as marked, ignoring surrounding spaces and case;
- *normalised*: equal after :func:`normalise` (case, spaces, dashes, slashes and dots dropped,
  Cyrillic and Greek look-alikes mapped to Latin, then O/0, I/1/l, S/5, B/8, Z/2 and G/6
  folded together);
- *near*: the normalised forms differ by one character wrong, missing, extra, or two adjacent
  characters swapped (Damerau–Levenshtein distance 1).

Normalised serials are written with :data:`ALPHABET` alone, so the serials one edit away from
a query are a finite list (:func:`neighbours`: about 60 per character of the query): a near
search is that many exact look-ups in the index on the normalised serial, and the registry
stores nothing for it beyond that index.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# Cyrillic and Greek capitals that look like Latin ones (after upper-casing).
LOOKALIKES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "Ԛ": "Q",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
    }
)
# Characters misread for one another on worn markings and in handwriting.
CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})

MAX_SERIAL_LENGTH = 64
# Every character a normalised serial can hold: Latin capitals and digits, less the letters
# folded into digits.
ALPHABET = "".join(sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".translate(CONFUSABLES))))


class Match(StrEnum):
    EXACT = "exact"
    NORMALISED = "normalised"
    NEAR = "near"


MATCH_RANK = {Match.EXACT: 0, Match.NORMALISED: 1, Match.NEAR: 2}


def clean(raw: str) -> str:
    """The serial as marked, tidied for display and exact comparison (outer spaces, case)."""
    return " ".join((raw or "").split()).upper()


def normalise(raw: str) -> str:
    """The comparison form of a serial: see the module docstring. Idempotent."""
    text = unicodedata.normalize("NFKC", raw or "").upper().translate(LOOKALIKES)
    text = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    return text.translate(CONFUSABLES)


def neighbours(normalised: str) -> set[str]:
    """Every normalised serial one edit away from ``normalised`` (a character wrong, missing
    or extra, or two adjacent characters swapped), the serial itself excluded."""
    found: set[str] = set()
    n = len(normalised)
    for i in range(n + 1):
        head, tail = normalised[:i], normalised[i:]
        found.update(head + ch + tail for ch in ALPHABET)  # one extra character
        if i < n:
            rest = normalised[i + 1 :]
            found.add(head + rest)  # one character missing
            found.update(head + ch + rest for ch in ALPHABET)  # one character wrong
        if i < n - 1:
            found.add(head + normalised[i + 1] + normalised[i] + normalised[i + 2 :])
    found.discard(normalised)
    found.discard("")
    return found


def distance_at_most_one(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are equal or one edit apart (substitution, insertion,
    deletion or the swap of two adjacent characters)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def classify(query: str, serial: str) -> Match | None:
    """How ``serial`` (as stored) matches ``query`` (as typed), or None."""
    if clean(query) == clean(serial):
        return Match.EXACT
    q, s = normalise(query), normalise(serial)
    if not q or not s:
        return None
    if q == s:
        return Match.NORMALISED
    if distance_at_most_one(q, s):
        return Match.NEAR
    return None


@dataclass(frozen=True)
class Candidate:
    serial: str
    ref: object


def rank(query: str, candidates: list[Candidate]) -> list[tuple[Match, Candidate]]:
    """Keep the candidates that match ``query`` and order them best first."""
    found = []
    for cand in candidates:
        match = classify(query, cand.serial)
        if match is not None:
            found.append((match, cand))
    found.sort(key=lambda mc: (MATCH_RANK[mc[0]], clean(mc[1].serial)))
    return found
