# ruff: noqa: E501
"""RRPL scoring (UN SaferGuard model, domain-rules.md §3.2)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.inspections import Answer, Question, score

T = {1: D("0.5"), 2: D("0.7"), 3: D("0.9")}
QUESTIONS = [
    Question("A", 3, frozenset({1})),
    Question("B", 2, frozenset({2})),
    Question("C", 1),
    Question("D", 2, frozenset({3})),
]


def test_weighted_score_and_levels():
    all_yes = {q.code: Answer.YES for q in QUESTIONS}
    assert score(QUESTIONS, all_yes, T).level == 3 and score(QUESTIONS, all_yes, T).ratio == 1

    s = score(QUESTIONS, {**all_yes, "C": Answer.NO, "D": Answer.PARTLY}, T)
    assert s.ratio == D("0.750")  # (3 + 2 + 0 + 1) / 8
    assert s.level == 2 and s.failed_criticals == {3: ("D",)}


def test_a_failed_critical_caps_the_level_whatever_the_score():
    s = score(QUESTIONS, {"A": Answer.PARTLY, "B": Answer.YES, "C": Answer.YES, "D": Answer.YES}, T)
    assert s.ratio == D("0.813") and s.level == 0  # A is critical for level 1


def test_not_applicable_questions_leave_the_denominator():
    s = score(
        QUESTIONS,
        {"A": Answer.YES, "B": Answer.YES, "C": Answer.NOT_APPLICABLE, "D": Answer.YES},
        T,
    )
    assert s.ratio == 1 and s.applicable == 3


answers = st.sampled_from(list(Answer))


@given(st.lists(answers, min_size=4, max_size=4), st.integers(min_value=0, max_value=3))
def test_improving_an_answer_never_lowers_the_score_or_level(values, index):
    before = dict(zip("ABCD", values, strict=True))
    if before["ABCD"[index]] is Answer.NOT_APPLICABLE:
        return
    after = {**before, "ABCD"[index]: Answer.YES}
    a, b = score(QUESTIONS, before, T), score(QUESTIONS, after, T)
    assert b.ratio >= a.ratio and b.level >= a.level


@given(st.lists(answers, min_size=4, max_size=4))
def test_the_level_never_exceeds_what_the_criticals_allow(values):
    s = score(QUESTIONS, dict(zip("ABCD", values, strict=True)), T)
    for level in range(1, s.level + 1):
        assert level not in s.failed_criticals


def test_a_critical_question_declared_not_applicable_without_leave_counts_as_no():
    """The score cannot be raised by answering a failed critical question "not applicable"
    where the template does not allow it (issue: the RRPL score could be gamed)."""
    strict = [Question("A", 3, frozenset({1}), na_allowed=False), Question("C", 1)]
    lenient = [Question("A", 3, frozenset({1}), na_allowed=True), Question("C", 1)]
    answers = {"A": Answer.NOT_APPLICABLE, "C": Answer.YES}

    gamed = score(strict, answers, T)
    allowed = score(lenient, answers, T)

    assert (gamed.ratio, gamed.level, gamed.failed_criticals) == (D("0.250"), 0, {1: ("A",)})
    assert (allowed.ratio, allowed.level, allowed.applicable) == (1, 3, 1)


@given(st.lists(st.sampled_from(list(Answer)), min_size=4, max_size=4))
def test_declaring_not_applicable_never_beats_answering_no_for_a_strict_critical(values):
    strict = [Question(q.code, q.weight, q.critical, na_allowed=False) for q in QUESTIONS]
    answers = {q.code: a for q, a in zip(strict, values, strict=True)}
    as_no = {c: (Answer.NO if a is Answer.NOT_APPLICABLE else a) for c, a in answers.items()}
    critical_na = {c for c, a in answers.items() if a is Answer.NOT_APPLICABLE}
    a, b = score(strict, answers, T), score(strict, as_no, T)
    if all(next(q for q in strict if q.code == c).critical for c in critical_na):
        assert (a.ratio, a.level) == (b.ratio, b.level)
