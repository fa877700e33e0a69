"""Site compliance scored by the Risk Reduction Process Levels (UN SaferGuard RRPL, IATG 01.20;
domain-rules.md §3.2).

Each question has a weight, an answer (yes = 1, partly = 0.5, no = 0, or not applicable) and
flags saying for which levels it is critical. A critical question answered "not applicable"
where its template does not allow it counts as "no". The score is Σ(weight·answer) / Σ(weight of the
applicable questions). A site reaches level n when the score meets that level's threshold and
every question critical for levels 1…n is answered yes (levels are cumulative). The SaferGuard
thresholds were not retrievable: the thresholds are PSSM's own (``RRPL.THRESHOLDS``,
provisional), and the interface says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

LEVELS = (1, 2, 3)


class Answer(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_APPLICABLE = "na"


VALUE = {Answer.YES: Decimal(1), Answer.PARTLY: Decimal("0.5"), Answer.NO: Decimal(0)}


@dataclass(frozen=True)
class Question:
    code: str
    weight: int
    critical: frozenset[int] = frozenset()
    evidence_required: bool = False
    # A critical question may be "not applicable" only where its template says so (e.g. the
    # explosives licence at a site that stores no ammunition); elsewhere such an answer
    # counts as "no", so that the score cannot be raised by declaring criticals away.
    na_allowed: bool = True


def na_permitted(q: Question) -> bool:
    return not q.critical or q.na_allowed


@dataclass(frozen=True)
class Score:
    ratio: Decimal  # 0 … 1, three decimals
    level: int  # 0 when even level 1 is not reached
    failed_criticals: dict[int, tuple[str, ...]] = field(default_factory=dict)
    applicable: int = 0

    @property
    def percent(self) -> Decimal:
        return (self.ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score(
    questions: list[Question], answers: dict[str, Answer], thresholds: dict[int, Decimal]
) -> Score:
    """The RRPL score of ``answers`` (question code → answer; a missing answer counts as no)."""
    total = got = Decimal(0)
    applicable = 0
    failed: dict[int, list[str]] = {n: [] for n in LEVELS}
    for q in questions:
        answer = answers.get(q.code, Answer.NO)
        if answer is Answer.NOT_APPLICABLE and not na_permitted(q):
            answer = Answer.NO
        if answer is Answer.NOT_APPLICABLE:
            continue
        applicable += 1
        total += q.weight
        got += q.weight * VALUE[answer]
        if answer is not Answer.YES:
            for n in q.critical:
                failed[n].append(q.code)
    ratio = (
        (got / total).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if total else Decimal(0)
    )
    level = 0
    for n in LEVELS:
        if ratio >= thresholds[n] and not any(failed[m] for m in LEVELS if m <= n):
            level = n
        else:
            break
    return Score(ratio, level, {n: tuple(c) for n, c in failed.items() if c}, applicable)
