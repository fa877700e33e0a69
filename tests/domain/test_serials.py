"""Serial normalisation and near matching (pssm.domain.serials)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.serials import (
    Candidate,
    Match,
    classify,
    distance_at_most_one,
    neighbours,
    normalise,
    rank,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ak 47-0015", "AK470015"),
        ("AK47/OOI5", "AK470015"),
        ("ак47о015", "AK470015"),  # Cyrillic а, к, о
        ("1S-Z8G", "ISZBG"),
        ("l23", "I23"),
    ],
)
def test_normalisation_folds_case_separators_lookalikes_and_confusables(typed, stored):
    assert normalise(typed) == normalise(stored)


@pytest.mark.parametrize(
    ("query", "serial", "expected"),
    [
        ("AK470015", "ak470015 ", Match.EXACT),
        ("AK-47-0015", "AK470015", Match.NORMALISED),
        ("AK470016", "AK470015", Match.NEAR),  # one wrong
        ("AK47015", "AK470015", Match.NEAR),  # one missing
        ("AK4700155", "AK470015", Match.NEAR),  # one extra
        ("AK470051", "AK470015", Match.NEAR),  # swapped
        ("AK470099", "AK470015", None),
        ("", "AK470015", None),
    ],
)
def test_classify(query, serial, expected):
    assert classify(query, serial) is expected


def test_rank_orders_exact_then_normalised_then_near():
    cands = [Candidate(s, i) for i, s in enumerate(["AK470016", "AK-470015", "AK470015", "X1"])]

    ranked = rank("AK470015", cands)

    assert [(m.value, c.serial) for m, c in ranked] == [
        ("exact", "AK470015"),
        ("normalised", "AK-470015"),
        ("near", "AK470016"),
    ]


serials = st.text(alphabet="ABCDEFGHJKMNPRTUVWXY0123456789", min_size=2, max_size=12)


@given(st.text(max_size=20))
def test_normalise_is_idempotent(raw):
    assert normalise(normalise(raw)) == normalise(raw)


@given(serials, st.data())
def test_one_edit_apart_is_always_a_neighbour(serial, data):
    s = normalise(serial)
    i = data.draw(st.integers(0, len(s) - 1))
    op = data.draw(st.sampled_from(["sub", "del", "ins", "swap"]))
    ch = data.draw(st.sampled_from("ACEFHKMNPRTUVWXY3479"))
    if op == "sub":
        t = s[:i] + ch + s[i + 1 :]
    elif op == "del":
        t = s[:i] + s[i + 1 :]
    elif op == "ins":
        t = s[:i] + ch + s[i:]
    else:
        j = min(i + 1, len(s) - 1)
        t = s[:i] + s[j] + s[i + 1 : j] + s[i] + s[j + 1 :] if j > i else s

    assert distance_at_most_one(s, t)
    if t and t != s:
        assert t in neighbours(s)
        assert s in neighbours(t)


@given(st.text(max_size=12), st.text(max_size=12))
def test_neighbours_are_exactly_the_serials_one_edit_away(raw_a, raw_b):
    a, b = normalise(raw_a), normalise(raw_b)
    if a and b and a != b:
        assert (b in neighbours(a)) == distance_at_most_one(a, b)


@given(st.text(max_size=16))
def test_neighbours_are_normalised_serials(raw):
    s = normalise(raw)
    assert all(normalise(t) == t and t for t in neighbours(s))


@given(serials, serials)
def test_distance_is_symmetric(a, b):
    assert distance_at_most_one(a, b) == distance_at_most_one(b, a)
