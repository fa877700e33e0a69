"""When a held weapon is due back (pssm.domain.custody): golden cases and properties."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.custody import (
    ReturnPolicy,
    days_held,
    days_overdue,
    due_back,
    since_cutoff,
)

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
days = st.integers(min_value=1, max_value=3650)


def test_a_loan_is_due_back_after_its_days_and_an_issue_never_by_default():
    policy = ReturnPolicy()

    assert due_back("loan", T0, policy) == T0 + timedelta(days=30)
    assert due_back("issue", T0, policy) is None
    assert due_back("transfer", T0, policy) is None


def test_overdue_days_golden_cases():
    policy = ReturnPolicy(loan_days=30, issue_days=1)

    assert days_overdue("loan", T0, T0 + timedelta(days=30), policy) == 0  # due today
    assert days_overdue("loan", T0, T0 + timedelta(days=30, minutes=1), policy) == 1
    assert days_overdue("loan", T0, T0 + timedelta(days=45), policy) == 15
    assert days_overdue("issue", T0, T0 + timedelta(hours=30), policy) == 1
    assert days_overdue("issue", T0, T0 + timedelta(days=400), ReturnPolicy()) == 0


@pytest.mark.parametrize("bad", [0, -3])
def test_a_limit_below_one_day_is_refused(bad):
    with pytest.raises(ValueError, match="at least one day"):
        ReturnPolicy(loan_days=bad)


@given(moments, days, st.integers(min_value=0, max_value=10_000))
def test_overdue_grows_with_time_and_is_zero_until_due(since, limit, extra_hours):
    policy = ReturnPolicy(loan_days=limit)
    now = since + timedelta(hours=extra_hours)
    later = now + timedelta(days=1)

    assert days_overdue("loan", since, later, policy) >= days_overdue("loan", since, now, policy)
    if now <= since + timedelta(days=limit):
        assert days_overdue("loan", since, now, policy) == 0
    assert days_held(since, now) == extra_hours // 24


@given(moments, moments, days)
def test_the_database_cutoff_agrees_with_the_rule(since, now, limit):
    policy = ReturnPolicy(loan_days=limit)

    cutoff = since_cutoff("loan", now, policy)

    assert (since < cutoff) == (days_overdue("loan", since, now, policy) > 0)
    assert since_cutoff("issue", now, policy) is None
