"""Rules of the national reports and of tracing (pssm.domain.reporting)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain import reporting
from pssm.domain.errors import ValidationError

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(dates, dates)
def test_a_period_is_accepted_exactly_when_it_does_not_end_before_it_starts(a, b):
    if b < a:
        with pytest.raises(ValidationError) as exc:
            reporting.check_period(a, b)
        assert "period_end" in exc.value.details
    else:
        period = reporting.check_period(a, b)
        assert period.days == (b - a).days + 1 >= 1


@given(st.integers(min_value=1990, max_value=9999))
def test_a_year_covers_its_365_or_366_days(year):
    period = reporting.year_period(year)

    assert period.start == date(year, 1, 1) and period.end == date(year, 12, 31)
    assert period.days in {365, 366}


@pytest.mark.parametrize("year", [1989, 0, -5])
def test_a_year_before_the_register_is_refused(year):
    with pytest.raises(ValidationError) as exc:
        reporting.year_period(year)
    assert "year" in exc.value.details


@given(st.sampled_from(reporting.WEAPON_CATEGORIES), st.text(max_size=12))
def test_the_default_att_category_of_a_weapon_type_always_fits_it(category, calibre):
    chosen = reporting.att_category(category, calibre)

    assert chosen in reporting.ATT_CATEGORIES
    assert reporting.check_att_category(chosen, category, calibre) == chosen


@given(
    st.sampled_from(reporting.WEAPON_CATEGORIES), st.sampled_from(list(reporting.ATT_CATEGORIES))
)
def test_an_att_category_is_refused_exactly_when_it_does_not_fit_the_type(category, att):
    fits = reporting.att_categories(category)
    if att in fits:
        assert reporting.check_att_category(att, category) == att
    else:
        with pytest.raises(ValidationError) as exc:
            reporting.check_att_category(att, category)
        assert "att_category" in exc.value.details


# ATT art. 2(1)(c): large-calibre artillery is 75 mm and above; UNROCA SALW LW 6 is mortars
# "of calibres less than 75 mm"; MANPADS are reported under category VII (ATT template).
@pytest.mark.parametrize(
    "category, calibre, expected",
    [
        ("mortar", "60 mm", ("VIII.LW.6",)),
        ("mortar", "82 mm", ("III",)),
        ("mortar", "", ("VIII.LW.6", "III")),
        ("manpads", "72 mm", ("VII",)),
        ("assault_rifle", "7.62x39 mm", ("VIII.SA.4",)),
        ("pistol", "9x19 mm", ("VIII.SA.1",)),
        ("hmg", "12,7 mm", ("VIII.LW.1",)),
    ],
)
def test_att_categories_of_weapon_types(category, calibre, expected):
    assert reporting.att_categories(category, calibre) == expected


def test_an_unknown_att_category_is_refused():
    with pytest.raises(ValidationError):
        reporting.check_att_category("IX", "rifle")


# Sources: ECOWAS Convention in force 5 Nov 2009; withdrawal of Burkina Faso, Mali and Niger
# from ECOWAS effective 29 Jan 2025; Kinshasa Convention in force 8 March 2017 (Chad a party);
# Mauritania left ECOWAS in 2000 and is party to neither.
@pytest.mark.parametrize(
    "country, on, instrument",
    [
        ("NG", date(2026, 6, 1), "ecowas"),
        ("ML", date(2024, 12, 31), "ecowas"),
        ("ML", date(2025, 1, 28), "ecowas"),
        ("ML", date(2025, 1, 29), "national"),
        ("BF", date(2026, 12, 31), "national"),
        ("NE", date(2026, 12, 31), "national"),
        ("TD", date(2026, 12, 31), "kinshasa"),
        ("TD", date(2016, 12, 31), "national"),
        ("MR", date(2026, 12, 31), "national"),
    ],
)
def test_the_regional_instrument_binding_a_country_on_a_date(country, on, instrument):
    found = reporting.instrument_for(country, on)

    assert found.key == instrument
    assert found.definition == f"regional-{instrument}"


def test_only_the_ecowas_convention_grants_exemption_numbers():
    assert reporting.instrument("ecowas").exemption_number
    assert not reporting.instrument("kinshasa").exemption_number
    assert not reporting.instrument("national").exemption_number


@given(
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=12),
    st.sampled_from(["make", "model", "calibre"]),
)
def test_a_serial_and_one_of_make_model_or_calibre_identify_a_weapon(serial, which):
    found = reporting.check_identification(serial=serial, **{which: "X"})

    assert found


@given(st.text(alphabet=" -./", max_size=8))
def test_a_request_without_marks_cannot_be_searched(serial):
    with pytest.raises(ValidationError) as exc:
        reporting.check_identification(serial=serial, make="Kalashnikov", model="AKM")
    assert "serial" in exc.value.details


def test_a_serial_alone_without_type_is_not_enough():
    with pytest.raises(ValidationError) as exc:
        reporting.check_identification(serial="AK-123456")
    assert "make" in exc.value.details


def test_other_marks_may_stand_for_a_serial():
    assert reporting.check_identification(marks="Crest and 1979", model="Type 56")


def test_iarms_events_are_lost_or_stolen_only():
    assert reporting.iarms_event("lost") == "Lost"
    assert reporting.iarms_event("stolen") == "Stolen"
    with pytest.raises(ValidationError):
        reporting.iarms_event("destroyed")
