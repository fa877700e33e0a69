"""Surveillance dates and states (IATG 07.10, 07.20) against worked cases and properties."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain import surveillance as s
from pssm.domain.rules import load

BANDS = s.bands(load().value("SURV.STABILISER_BANDS"))


def assess(**kw):
    base = {
        "today": date(2026, 12, 1),
        "year_of_manufacture": 2016,
        "shelf_life_years": 15,
        "interval_months": 12,
        "received_on": date(2020, 5, 10),
        "last_inspection": None,
        "last_test": None,
        "due_soon_days": 60,
    }
    return s.assess(**{**base, **kw})


def test_shelf_life_counts_from_the_first_of_january_of_the_year_of_manufacture():
    assert s.shelf_life_end(2016, 15) == date(2031, 1, 1)
    assert assess(year_of_manufacture=2011).state is s.State.EXPIRED  # ended 2026-01-01


def test_a_lot_never_inspected_is_due_from_its_receipt():
    a = assess()
    assert a.next_inspection == date(2021, 5, 10) and a.state is s.State.OVERDUE


def test_the_last_inspection_sets_the_next_one():
    a = assess(last_inspection=date(2026, 3, 31))
    assert a.next_inspection == date(2027, 3, 31) and a.state is s.State.OK
    soon = assess(last_inspection=date(2026, 1, 15))
    assert soon.next_inspection == date(2027, 1, 15) and soon.state is s.State.DUE_SOON


@pytest.mark.parametrize(
    ("percent", "band", "retest"),
    [("0.8", "A", 5), ("0.5", "A", 5), ("0.35", "B", 1), ("0.2", "B", 1), ("0.15", "C", None)],
)
def test_stabiliser_bands_of_the_rule(percent, band, retest):
    """domain-rules.md §6 (provisional [K]): 0.5 % and up normal, 0.2–0.5 % shortened."""
    found = s.band_for(D(percent), BANDS)
    assert (found.code, found.retest_years) == (band, retest)


def test_a_failed_stability_test_means_disposal_and_a_depleting_one_a_retest():
    bad = assess(last_inspection=date(2026, 6, 1), last_test=(date(2026, 6, 1), BANDS[-1]))
    assert bad.state is s.State.DISPOSE
    b = next(x for x in BANDS if x.code == "B")
    depleting = assess(last_inspection=date(2026, 6, 1), last_test=(date(2025, 11, 1), b))
    assert depleting.next_test == date(2026, 11, 1) and depleting.state is s.State.OVERDUE


def test_bad_values_are_refused_naming_the_field():
    for bad in ["-1", "abc", "11", "nan"]:
        with pytest.raises(s.SurveillanceError) as err:
            s.check_stabiliser(bad)
        assert "stabiliser_percent" in err.value.details
    with pytest.raises(s.SurveillanceError) as err:
        s.check_inspection_date(date(2027, 1, 1), date(2026, 12, 1), 2016)
    assert "inspected_on" in err.value.details
    with pytest.raises(s.SurveillanceError):
        s.check_inspection_date(date(2015, 6, 1), date(2026, 12, 1), 2016)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(days, st.integers(min_value=0, max_value=240))
def test_adding_months_never_goes_back_and_lands_in_the_right_month(day, months):
    later = s.add_months(day, months)
    assert later >= day
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months


@given(
    st.decimals(min_value=D("0"), max_value=D("10"), places=3),
    st.decimals(min_value=D("0"), max_value=D("10"), places=3),
)
def test_more_stabiliser_never_means_a_worse_band(a, b):
    lo, hi = sorted((a, b))
    rank = {band.code: i for i, band in enumerate(BANDS)}
    assert rank[s.band_for(hi, BANDS).code] <= rank[s.band_for(lo, BANDS).code]


@pytest.mark.parametrize(
    ("hazard_code", "has_propellant"),
    [
        ("1.3C", True),  # propelling charges
        ("1.4S", True),  # small-arms cartridges
        ("1.2E", True),  # projectiles with their propelling charge
        ("1.1D", False),  # TNT demolition charge, HE without propellant
        ("1.4B", False),  # detonators
        ("1.6N", False),
    ],
)
def test_a_stability_test_is_only_for_ammunition_with_propellant(hazard_code, has_propellant):
    groups = load().value("SURV.PROPELLANT_GROUPS")
    if has_propellant:
        s.check_propellant(hazard_code, groups)
    else:
        with pytest.raises(s.SurveillanceError) as err:
            s.check_propellant(hazard_code, groups)
        assert "kind" in err.value.details and hazard_code[-1] in str(err.value)
