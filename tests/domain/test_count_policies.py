"""Count policies as data and the calendar of due counts."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pssm.domain import count_policies as cp

TODAY = date(2026, 11, 23)
SINCE = date(2025, 1, 1)


def _state(rows, code):
    return next(d for d in rows if d.policy.code == code)


def test_policies_apply_by_site_kind_with_their_source():
    armoury = {p.code for p in cp.applicable("armoury")}
    depot = {p.code for p in cp.applicable("ammunition_depot")}
    assert {"COUNT.OPENING", "COUNT.MONTHLY_SERIAL", "COUNT.ANNUAL_FULL"} <= armoury
    assert "COUNT.RANDOM_SAMPLE" in depot and "COUNT.MONTHLY_SERIAL" not in depot
    assert all("domain-rules" in p.source for p in cp.policies().values())


def test_a_site_never_counted_is_overdue_from_its_registration():
    rows = cp.calendar("armoury", "ML", {}, SINCE, TODAY)
    monthly = _state(rows, "COUNT.MONTHLY_SERIAL")
    assert monthly.state is cp.DueState.OVERDUE and monthly.due_on == SINCE + timedelta(days=31)
    assert _state(rows, "COUNT.OPENING").state is cp.DueState.EVENT


def test_an_annual_count_also_satisfies_the_monthly_inventory():
    done = {"COUNT.ANNUAL_FULL": TODAY - timedelta(days=3)}
    rows = cp.calendar("armoury", "ML", done, SINCE, TODAY)
    assert _state(rows, "COUNT.MONTHLY_SERIAL").state is cp.DueState.OK
    assert _state(rows, "COUNT.MONTHLY_SERIAL").last_done == TODAY - timedelta(days=3)
    done = {"COUNT.MONTHLY_SERIAL": TODAY - timedelta(days=3)}
    rows = cp.calendar("armoury", "ML", done, SINCE, TODAY)
    assert _state(rows, "COUNT.ANNUAL_FULL").state is cp.DueState.OVERDUE


@given(st.integers(min_value=0, max_value=800))
def test_due_state_follows_the_days_since_the_last_count(days_ago):
    last = TODAY - timedelta(days=days_ago)
    row = _state(
        cp.calendar("armoury", "ML", {"COUNT.MONTHLY_SERIAL": last}, SINCE, TODAY),
        "COUNT.MONTHLY_SERIAL",
    )
    assert row.due_on == last + timedelta(days=31)
    if days_ago > 31:
        assert row.state is cp.DueState.OVERDUE and row.days_overdue == days_ago - 31
    elif days_ago >= 31 - cp.DUE_SOON_DAYS:
        assert row.state is cp.DueState.DUE_SOON
    else:
        assert row.state is cp.DueState.OK
