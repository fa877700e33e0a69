"""Rules of the regional programme's records: periods, amounts, the SOP version life cycle,
indicator ratios and the training cascade.

The cascade follows the train-the-trainer model of the PSSM-Sahel programme: a first-generation
trainer is one the programme never recorded as a trainee; everyone a trainer trained is one
generation below the trainer, and a trainer's *reach* is every person trained by them or by
anyone they trained, counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import ValidationError, gettext_noop

# IATI OrganisationRole codelist (https://iatistandard.org/en/iati-standard/203/codelists/
# organisationrole/): 1 Funding, 2 Accountable, 3 Extending, 4 Implementing.
IATI_ROLES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
# PSSM-only roles, kept for the programme's own reporting; not IATI participating-org roles.
OTHER_ROLES = ("partner", "beneficiary")

SOP_STATUSES = ("draft", "under_review", "validated", "superseded")
# Which status a version may move to from which.
SOP_TRANSITIONS = {
    "draft": {"under_review", "validated"},
    "under_review": {"draft", "validated"},
    "validated": {"superseded"},
    "superseded": set(),
}


def check_period(start: date | None, end: date | None, *, field: str = "end_date") -> None:
    """Raise when ``end`` is before ``start`` (either may be missing)."""
    if start and end and end < start:
        raise ValidationError(
            gettext_noop("The end date %(end)s is before the start date %(start)s."),
            params={"end": end.isoformat(), "start": start.isoformat()},
            details={field: gettext_noop("The end date is before the start date.")},
        )


def check_amount(value: Decimal | None, *, field: str) -> None:
    """Raise when an amount of money is negative."""
    if value is not None and value < 0:
        raise ValidationError(
            gettext_noop("The amount %(field)s cannot be negative (%(value)s)."),
            params={"field": field, "value": str(value)},
            details={field: gettext_noop("An amount cannot be negative.")},
        )


def check_currency(code: str, *, field: str = "currency") -> None:
    """An ISO 4217 alphabetic code: three capital letters."""
    if not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise ValidationError(
            gettext_noop("%(value)s is not an ISO 4217 currency code (three capital letters)."),
            params={"value": code},
            details={field: gettext_noop("Three capital letters, e.g. XOF, EUR, USD.")},
        )


def check_sop_transition(current: str, new: str, *, has_validation: bool) -> None:
    """Whether an SOP version may go from ``current`` to ``new``. A version is validated only
    with its validation record (workshop, decision, signatory)."""
    if new not in SOP_TRANSITIONS.get(current, set()):
        raise ValidationError(
            gettext_noop("An SOP version cannot go from %(current)s to %(new)s."),
            params={"current": current, "new": new},
            details={"status": gettext_noop("This change of status is not allowed.")},
        )
    if new == "validated" and not has_validation:
        raise ValidationError(
            gettext_noop("A validated SOP version needs its validation record."),
            details={"validation": gettext_noop("Record the validation first.")},
        )


def percent(numerator: int, denominator: int | None) -> Decimal | None:
    """``numerator / denominator`` in per cent, one decimal, or None without a denominator."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Session:
    """One training event as the cascade sees it: when, who trained, who was trained."""

    key: str
    start: date
    trainers: frozenset[str]
    trainees: frozenset[str]


@dataclass(frozen=True)
class Cascade:
    generation: dict[str, int]  # person -> 1 for first-generation trainers, 2, 3, ...
    trained_by: dict[str, frozenset[str]]  # person -> trainers who trained them
    reach: dict[str, frozenset[str]]  # trainer -> everyone reached, directly or not

    def first_generation(self) -> list[str]:
        return sorted(p for p, g in self.generation.items() if g == 1 and self.reach.get(p))

    def depth(self) -> int:
        return max(self.generation.values(), default=0)


def check_session(trainers: Iterable[str], trainees: Iterable[str]) -> None:
    """A person is trainer or trainee of one event, never both."""
    both = sorted(set(trainers) & set(trainees))
    if both:
        raise ValidationError(
            gettext_noop("%(persons)s cannot be both trainer and trainee of the same event."),
            params={"persons": ", ".join(both)},
            details={"role": gettext_noop("Trainer and trainee of the same event.")},
        )


def cascade(sessions: Iterable[Session]) -> Cascade:
    """The cascade of ``sessions``. A person's generation is one more than the lowest
    generation of the trainers of the earliest event where they were trained; a person never
    trained is generation 1. Reach is the transitive closure of "trained", so a person trained
    twice is counted once."""
    ordered = sorted(sessions, key=lambda s: (s.start, s.key))
    trained_by: dict[str, set[str]] = {}
    first_trained: dict[str, date] = {}
    people: set[str] = set()
    for s in ordered:
        people |= s.trainers | s.trainees
        for t in s.trainees:
            trained_by.setdefault(t, set()).update(s.trainers)
            first_trained.setdefault(t, s.start)
    generation: dict[str, int] = {}

    def gen(person: str, seen: frozenset[str]) -> int:
        if person in generation:
            return generation[person]
        trainers = trained_by.get(person, set()) - seen - {person}
        value = 1 + min((gen(t, seen | {person}) for t in trainers), default=0)
        generation[person] = value
        return value

    for person in sorted(people):
        gen(person, frozenset())
    children: dict[str, set[str]] = {}
    for trainee, trainers in trained_by.items():
        for t in trainers:
            if t != trainee:
                children.setdefault(t, set()).add(trainee)
    reach: dict[str, frozenset[str]] = {}
    for person in people:
        found: set[str] = set()
        stack = list(children.get(person, ()))
        while stack:
            p = stack.pop()
            if p in found or p == person:
                continue
            found.add(p)
            stack.extend(children.get(p, ()))
        reach[person] = frozenset(found)
    return Cascade(
        generation=generation,
        trained_by={p: frozenset(t) for p, t in trained_by.items()},
        reach=reach,
    )
