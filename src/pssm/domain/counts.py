"""Stock checks: what a count found against what the books say (IATG 03.10; MOSAIC 05.20).

The counter scans or types serials location by location without seeing the books (a blind
count); closing the count compares the scans with the expected holdings taken when the count
started. Each expected weapon is found, found in the wrong location, or missing; each scan of
a serial the books do not hold there is unexpected; a serial scanned more than once is
reported as scanned twice. Lots are counted by quantity: shortage or surplus per location.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Result(StrEnum):
    FOUND = "found"
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    WRONG_LOCATION = "wrong_location"
    SCANNED_TWICE = "scanned_twice"
    SHORTAGE = "shortage"
    SURPLUS = "surplus"


GAPS = frozenset(
    {Result.MISSING, Result.UNEXPECTED, Result.WRONG_LOCATION, Result.SHORTAGE, Result.SURPLUS}
)


@dataclass(frozen=True)
class Finding:
    result: Result
    key: str  # normalised serial, or lot number
    expected_location: str = ""
    found_location: str = ""
    expected_quantity: int | None = None
    found_quantity: int | None = None


def compare_serials(expected: dict[str, str], scans: list[tuple[str, str]]) -> list[Finding]:
    """``expected``: normalised serial → location code in the books; ``scans``: (normalised
    serial, location code) in the order scanned."""
    out: list[Finding] = []
    seen: dict[str, str] = {}
    for norm, location in scans:
        if norm in seen:
            out.append(Finding(Result.SCANNED_TWICE, norm, expected.get(norm, ""), location))
            continue
        seen[norm] = location
        if norm not in expected:
            out.append(Finding(Result.UNEXPECTED, norm, "", location))
        elif expected[norm] == location:
            out.append(Finding(Result.FOUND, norm, location, location))
        else:
            out.append(Finding(Result.WRONG_LOCATION, norm, expected[norm], location))
    for norm, location in sorted(expected.items()):
        if norm not in seen:
            out.append(Finding(Result.MISSING, norm, location, ""))
    return out


def compare_quantities(
    expected: dict[tuple[str, str], int], counted: dict[tuple[str, str], int]
) -> list[Finding]:
    """(lot, location) → units in the books, and as counted."""
    out = []
    for key in sorted(set(expected) | set(counted)):
        want, got = expected.get(key, 0), counted.get(key, 0)
        lot, location = key
        result = (
            Result.FOUND if got == want else (Result.SHORTAGE if got < want else Result.SURPLUS)
        )
        out.append(Finding(result, lot, location, location, want, got))
    return out
