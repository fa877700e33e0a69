"""The rules of a destruction (pssm.domain.destruction), as properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain import destruction as d
from pssm.domain.errors import ValidationError

TODAY = date(2026, 12, 1)
names = st.text(alphabet="abcdeéïKLM ", min_size=1, max_size=20).filter(lambda s: s.strip())


@given(st.integers(min_value=-2000, max_value=2000))
def test_a_planned_date_is_accepted_exactly_inside_its_window(offset):
    planned = TODAY + timedelta(days=offset)
    inside = -d.PAST_DAYS <= offset <= d.AHEAD_DAYS
    if inside:
        d.check_planned_date(planned, TODAY)
    else:
        with pytest.raises(ValidationError) as err:
            d.check_planned_date(planned, TODAY)
        assert "planned_date" in err.value.details


@given(st.integers(min_value=-800, max_value=30), st.integers(min_value=2000, max_value=2026))
def test_a_destruction_is_never_dated_in_the_future_or_before_its_lots(offset, made):
    when = TODAY + timedelta(days=offset)
    try:
        d.check_destroyed_on(when, today=TODAY, opened_on=TODAY, years_made=[made])
    except ValidationError as err:
        assert "destroyed_on" in err.details
        assert when > TODAY or when < date(made, 1, 1) or offset < -d.PAST_DAYS
    else:
        assert date(made, 1, 1) <= when <= TODAY and offset >= -d.PAST_DAYS


@given(names, st.lists(st.sampled_from([" ", "  "]), max_size=3))
def test_one_person_typed_twice_is_never_two_witnesses(name, spaces):
    again = "".join(spaces) + "  ".join(name.upper().split()) + "".join(spaces)
    with pytest.raises(ValidationError) as err:
        d.check_witnesses([{"name": name, "outside": True}, {"name": again, "organisation": "x"}])
    assert "witnesses" in err.value.details


def test_methods_for_weapons_only_refuse_ammunition():
    for method in ("cutting", "crushing", "smelting"):
        with pytest.raises(ValidationError):
            d.check_method_for_ammunition(method, method)
    for method in d.AMMUNITION_METHODS:
        d.check_method_for_ammunition(method, method)
