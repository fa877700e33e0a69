"""The programme's pure rules: periods, amounts, SOP status changes, ratios and the training
cascade (generations and reach), with property tests for the cascade."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain import programme as rules
from pssm.domain.errors import ValidationError


def test_an_end_before_the_start_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        rules.check_period(date(2018, 3, 2), date(2018, 3, 1))

    assert "end_date" in exc.value.details
    rules.check_period(date(2018, 3, 1), date(2018, 3, 1))


def test_a_negative_amount_and_a_bad_currency_are_refused():
    with pytest.raises(ValidationError):
        rules.check_amount(Decimal("-0.01"), field="budget_amount")
    with pytest.raises(ValidationError):
        rules.check_currency("eur")
    rules.check_amount(Decimal(0), field="budget_amount")
    rules.check_currency("XOF")


def test_a_version_is_validated_only_with_its_validation_record():
    with pytest.raises(ValidationError) as exc:
        rules.check_sop_transition("under_review", "validated", has_validation=False)

    assert "validation" in exc.value.details
    rules.check_sop_transition("under_review", "validated", has_validation=True)
    with pytest.raises(ValidationError):
        rules.check_sop_transition("superseded", "draft", has_validation=True)


def test_percent_needs_a_denominator():
    assert rules.percent(1, 18) == Decimal("5.6")
    assert rules.percent(3, 0) is None


def test_a_trainer_cannot_be_a_trainee_of_the_same_event():
    with pytest.raises(ValidationError):
        rules.check_session(["a"], ["b", "a"])


def test_three_generations():
    # MAG experts train 2 trainers (2017), who train storekeepers (2018), one of whom trains.
    d = date(2017, 10, 1)
    sessions = [
        rules.Session("tot", d, frozenset({"x"}), frozenset({"a", "b"})),
        rules.Session("kti", d + timedelta(150), frozenset({"a"}), frozenset({"c", "d"})),
        rules.Session("gao", d + timedelta(250), frozenset({"b"}), frozenset({"d", "e"})),
        rules.Session("g3", d + timedelta(330), frozenset({"c"}), frozenset({"f"})),
    ]

    c = rules.cascade(sessions)

    assert c.generation == {"x": 1, "a": 2, "b": 2, "c": 3, "d": 3, "e": 3, "f": 4}
    assert c.reach["x"] == {"a", "b", "c", "d", "e", "f"}  # d trained twice, counted once
    assert c.first_generation() == ["x"]
    assert c.depth() == 4


people = st.sampled_from([f"p{i}" for i in range(8)])
sessions_st = st.lists(
    st.tuples(
        st.integers(0, 400),
        st.frozensets(people, min_size=1, max_size=2),
        st.frozensets(people, min_size=1, max_size=4),
    ),
    max_size=6,
).map(
    lambda rows: [
        rules.Session(f"e{i}", date(2017, 1, 1) + timedelta(days), tr, te - tr)
        for i, (days, tr, te) in enumerate(rows)
    ]
)


@given(sessions_st)
def test_everyone_trained_has_a_trainer_of_a_lower_generation(sessions):
    c = rules.cascade(sessions)

    for person, trainers in c.trained_by.items():
        others = trainers - {person}
        if others and c.generation[person] > 1:
            assert min(c.generation[t] for t in others) < c.generation[person]


@given(sessions_st)
def test_reach_holds_every_direct_trainee_and_never_the_trainer(sessions):
    c = rules.cascade(sessions)

    for s in sessions:
        for t in s.trainers:
            assert s.trainees <= c.reach[t] | {t}
    for person, reached in c.reach.items():
        assert person not in reached
        for other in reached:
            assert c.reach[other] <= reached | {person}
