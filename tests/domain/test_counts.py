# ruff: noqa: E501
"""Comparing a blind count with the books."""

from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.counts import Result, compare_quantities, compare_serials


def test_every_kind_of_finding():
    expected = {"A1": "R01", "A2": "R01", "A3": "R02"}
    scans = [("A1", "R01"), ("A3", "R01"), ("A1", "R01"), ("Z9", "R02")]

    found = {(f.result, f.key) for f in compare_serials(expected, scans)}

    assert found == {
        (Result.FOUND, "A1"),
        (Result.WRONG_LOCATION, "A3"),
        (Result.SCANNED_TWICE, "A1"),
        (Result.UNEXPECTED, "Z9"),
        (Result.MISSING, "A2"),
    }


def test_lots_by_quantity():
    out = compare_quantities(
        {("L1", "S1"): 100, ("L2", "S1"): 5}, {("L1", "S1"): 98, ("L2", "S1"): 5, ("L3", "S1"): 1}
    )
    assert [(f.result, f.key) for f in out] == [
        (Result.SHORTAGE, "L1"),
        (Result.FOUND, "L2"),
        (Result.SURPLUS, "L3"),
    ]


serial = st.text(alphabet="ABC123", min_size=1, max_size=3)
place = st.sampled_from(["R01", "R02"])


@given(st.dictionaries(serial, place, max_size=8), st.lists(st.tuples(serial, place), max_size=12))
def test_each_expected_weapon_is_accounted_for_exactly_once(expected, scans):
    findings = compare_serials(expected, scans)
    per_serial = {}
    for f in findings:
        if f.result in {Result.FOUND, Result.MISSING, Result.WRONG_LOCATION}:
            per_serial[f.key] = per_serial.get(f.key, 0) + 1
    assert per_serial == dict.fromkeys(expected, 1)
    assert sum(f.result is Result.SCANNED_TWICE for f in findings) == len(scans) - len(
        {s for s, _ in scans}
    )
