"""The explosives-safety engine against golden values and properties.

Golden distances: domain-rules.md §2.5 (k·Q^(1/3), computed and rounded to the metre)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.explosives import (
    aggregate,
    check_compatibility,
    check_licence,
    max_neq,
    parse_hazard_code,
    required_distance,
)
from pssm.domain.explosives.compatibility import StockItem, pair_rule
from pssm.domain.explosives.hazard import HazardCodeError, valid_codes
from pssm.domain.explosives.qd import (
    ExposedSite,
    NeqError,
    check_distances,
    check_neq,
    cube_root,
    max_neq_for,
)
from pssm.domain.rules import load

K_COLUMNS = [
    "0.5",
    "0.8",
    "1.1",
    "1.8",
    "2.4",
    "3.6",
    "4.8",
    "8.0",
    "9.6",
    "11.1",
    "14.8",
    "22.2",
    "44.4",
]
GOLDEN = {  # domain-rules.md §2.5
    100: [2, 4, 5, 8, 11, 17, 22, 37, 45, 52, 69, 103, 206],
    1000: [5, 8, 11, 18, 24, 36, 48, 80, 96, 111, 148, 222, 444],
    4500: [8, 13, 18, 30, 40, 59, 79, 132, 158, 183, 244, 367, 733],
    10000: [11, 17, 24, 39, 52, 78, 103, 172, 207, 239, 319, 478, 957],
    25000: [15, 23, 32, 53, 70, 105, 140, 234, 281, 325, 433, 649, 1298],
}
CODES = [parse_hazard_code(c) for c in valid_codes()]


@pytest.mark.parametrize("neq", sorted(GOLDEN))
def test_worked_values_of_the_rules_document(neq):
    for k, expected in zip(K_COLUMNS, GOLDEN[neq], strict=True):
        exact = D(k) * cube_root(D(neq))
        assert abs(exact - expected) <= D("0.5"), (k, neq, exact)
        assert required_distance(D(k), D(0), D(neq)) == exact.to_integral_value(
            rounding="ROUND_CEILING"
        )


def test_exact_cubes_are_not_pushed_up_a_metre_by_rounding_noise():
    assert required_distance(D("22.2"), D(0), D(1000)) == 222
    assert required_distance(D("0.5"), D(0), D(1000)) == 5


def test_minimum_distance_governs_small_quantities():
    assert required_distance(D("22.2"), D("400"), D(100)) == 400
    assert required_distance(D("22.2"), D("400"), D(10000)) == 479  # 478.3 rounded up
    assert required_distance(D("22.2"), D("400"), D(0)) == 0


def test_there_are_35_valid_hazard_codes_and_1_4A_is_not_one():
    assert len(valid_codes()) == 35
    with pytest.raises(HazardCodeError) as err:
        parse_hazard_code("1.4A")
    assert err.value.code == "hazard_code"
    assert "B, C, D, E, F, G, S" in str(err.value)
    for bad in ["", "1.7D", "11D", "1.1", "D1.1", "1.1DD"]:
        with pytest.raises(HazardCodeError):
            parse_hazard_code(bad)
    assert str(parse_hazard_code(" 1.1d ")) == "1.1D"


def test_neq_input_is_checked():
    assert check_neq("12,5") == D("12.5")
    for bad in ["-1", "abc", "nan", "inf"]:
        with pytest.raises(NeqError):
            check_neq(bad)
    with pytest.raises(NeqError):
        check_neq("5000", maximum=D(1000))


def test_aggregation_follows_the_conservative_table():
    c = parse_hazard_code
    agg = aggregate({c("1.1D"): D(1000), c("1.2F"): D(3000), c("1.4S"): D(99999)})
    assert (agg.governing_hd, agg.neq_kg) == ("1.1", D(4000))
    agg = aggregate({c("1.1D"): D(100), c("1.4G"): D(500)})
    assert (agg.governing_hd, agg.neq_kg) == ("1.1", D(100))  # 1.4 ignored beside 1.1
    agg = aggregate({c("1.2E"): D(100), c("1.3G"): D(50)})  # no round NEQ: taken as 1.2.1
    assert (agg.governing_hd, agg.neq_kg) == ("1.2.1", D(150))
    agg = aggregate({c("1.5D"): D(10), c("1.6N"): D(5)})
    assert (agg.governing_hd, agg.neq_kg) == ("1.1", D(15))
    assert aggregate({c("1.4S"): D(10)}).governing_hd == ""


def test_a_division_alone_can_need_more_than_the_aggregate():
    """1.1 + 1.2: the 400 m HD 1.1 minimum governs a small stock; HD 1.2.1 alone needs its own
    IATG 02.20 Table H.1 D2 distance (60 m minimum at 10 kg)."""
    c = parse_hazard_code
    es = [ExposedSite("H", "house", "inhabited_building", D(300))]
    (check,) = check_distances(aggregate({c("1.2E"): D(10)}), es)
    assert (check.hd, check.required_m, check.status) == ("1.2.1", D(60), "ok")
    (check,) = check_distances(aggregate({c("1.1D"): D(10), c("1.2E"): D(10)}), es)
    assert (check.hd, check.required_m, check.status) == ("1.1", D(400), "violation")
    assert check.margin_m == D(-100)


def test_compatibility_examples():
    c = parse_hazard_code
    assert check_compatibility([StockItem(c("1.1D")), StockItem(c("1.4S"))]) == []
    assert check_compatibility([StockItem(c("1.1D")), StockItem(c("1.1E"))]) == []
    (conflict,) = check_compatibility([StockItem(c("1.1D")), StockItem(c("1.2F"))])
    assert (conflict.rule, conflict.blocks) == ("CG.MIX", True)
    (conflict,) = check_compatibility([StockItem(c("1.1B")), StockItem(c("1.1D"))])
    assert (conflict.rule, conflict.blocks) == ("CG.COND.1", True)
    (note,) = check_compatibility([StockItem(c("1.6N")), StockItem(c("1.1D"))])
    assert (note.rule, note.blocks) == ("CG.COND.3", False)
    same = [StockItem(c("1.2L"), "X"), StockItem(c("1.2L"), "X")]
    assert check_compatibility(same) == []
    (other,) = check_compatibility([StockItem(c("1.2L"), "X"), StockItem(c("1.2L"), "Y")])
    assert (other.rule, other.blocks) == ("CG.COND.5", True)


def test_unserviceable_lots_are_stored_apart():
    c = parse_hazard_code
    (conflict,) = check_compatibility(
        [StockItem(c("1.4S"), "A", "A"), StockItem(c("1.4S"), "B", "H")]
    )
    assert conflict.rule == "STORE.SEPARATE"


def test_licence_limits():
    c = parse_hazard_code
    agg = aggregate({c("1.1D"): D(1200), c("1.4S"): D(10)})
    assert check_licence(agg, {"1.1": D(1500)}, "DS") == []
    (breach,) = check_licence(agg, {"1.1": D(1000)}, "DS")
    assert breach.rule == "LICENCE.NEQ"
    (breach,) = check_licence(agg, {"1.4": D(1000)}, "")
    assert breach.rule == "LICENCE.HD"
    (breach,) = check_licence(agg, {"1.1": D(5000)}, "D")
    assert breach.rule == "LICENCE.CG" and breach.params["groups"] == "S"


def test_max_neq_per_division_is_the_smallest_over_exposed_sites():
    es = [
        ExposedSite("H", "house", "inhabited_building", D(444)),
        ExposedSite("R", "road", "public_traffic_route", D(300)),
    ]
    limits = max_neq(es)
    # road: (300/14.8)^3 = 8,328.9 kg; house: (444/22.2)^3 = 8,000 kg
    assert limits["1.1"] == D("8000.000")
    assert limits["1.4"] is None  # only a minimum distance, met


def test_overrides_replace_a_rule_and_say_who():
    rules = load().with_overrides(
        [
            {
                "rule": "QD.1.1.IBD",
                "value": {"k": "30", "minimum_m": "500"},
                "by": "autorite",
                "reason": "x",
            }
        ]
    )
    assert rules["QD.1.1.IBD"].extra["k"] == D(30)
    assert rules["QD.1.1.IBD"].override["by"] == "autorite"
    assert not rules["QD.1.1.IBD"].provisional
    assert load()["QD.1.1.IBD"].extra["k"] == D("22.2")  # the shipped set is untouched


def test_every_rule_has_provenance():
    for rule in load().rules.values():
        assert rule.source and rule.edition and rule.clause
        assert rule.confidence in {"C", "X", "K", "I"}


neqs = st.decimals(min_value=D("0.001"), max_value=D("500000"), places=3)
ks = st.sampled_from([D(k) for k in K_COLUMNS])


@given(ks, neqs, neqs)
def test_required_distance_never_decreases_when_neq_grows(k, a, b):
    lo, hi = sorted((a, b))
    assert required_distance(k, D(0), lo) <= required_distance(k, D(0), hi)


@given(st.sampled_from(CODES), st.sampled_from(CODES))
def test_compatibility_is_symmetric(a, b):
    assert pair_rule(a.group, b.group) == pair_rule(b.group, a.group)
    ab = check_compatibility([StockItem(a), StockItem(b)])
    ba = check_compatibility([StockItem(b), StockItem(a)])
    assert ab == ba


ORDER = {"": 0, "1.4": 1, "1.6": 2, "1.3": 3, "1.2.2": 4, "1.2.1": 5, "1.1": 6}


@given(st.dictionaries(st.sampled_from(CODES), neqs, max_size=5), st.sampled_from(CODES), neqs)
def test_adding_stock_never_lowers_the_governing_hazard(stock, code, extra):
    before = aggregate(stock)
    more = dict(stock)
    more[code] = more.get(code, D(0)) + extra
    after = aggregate(more)
    assert ORDER[after.governing_hd] >= ORDER[before.governing_hd]
    if after.governing_hd == before.governing_hd:
        assert after.neq_kg >= before.neq_kg


@given(ks, st.integers(min_value=1, max_value=5000))
def test_inverse_round_trips(k, distance):
    q = max_neq_for(k, D(0), D(distance))
    assert required_distance(k, D(0), q) <= distance
    assert required_distance(k, D(0), q + D(1)) >= distance


def test_distance_rows_match_the_checks():
    from pssm.domain.explosives.qd import distance_rows

    c = parse_hazard_code
    agg = aggregate({c("1.1D"): D(700), c("1.4S"): D(5)})
    es = [
        ExposedSite("H", "house", "inhabited_building", D("380.5")),
        ExposedSite("R", "road", "public_traffic_route", D(300)),
        ExposedSite("M", "magazine", "inter_magazine", D(20)),
    ]

    rows, violations = distance_rows(agg, es)

    assert rows == [d.as_dict() for d in check_distances(agg, es)]
    assert violations == 2  # the house (400 m) and the magazine (4.8·700^(1/3) = 43 m)
    assert rows[0]["status"] == "violation" and rows[0]["margin_m"] == "-19.5"
    assert rows[1]["status"] == "ok" and rows[2]["required_m"] == "43"
