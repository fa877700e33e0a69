"""Ammunition surveillance and proof (IATG 07.10 "Surveillance and in-service proof", IATG
07.20 "Inspection of ammunition"; domain-rules.md §6).

- Shelf life ends ``shelf_life_years`` after manufacture. Only the year of manufacture is
  recorded, so the life is counted from 1 January of that year: the earliest the lot can
  expire (the stricter reading).
- The next inspection is due ``inspection_interval_months`` after the last inspection of the
  lot, or after its first receipt when it was never inspected (IATG 07.20 asks for an
  inspection on receipt).
- A propellant stability test gives the effective stabiliser content (%), which falls into a
  band of rule ``SURV.STABILISER_BANDS`` (data with provenance, provisional): the band sets the
  retest interval, or says the lot must be disposed of.
- A state per lot: ``expired`` (past shelf life), ``dispose`` (its last test says so),
  ``overdue``, ``due_soon`` (within ``SURV.DUE_SOON_DAYS``), ``ok``, or ``unknown`` (the nature
  gives no interval and no shelf life).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import ValidationError, gettext_noop


class State(StrEnum):
    EXPIRED = "expired"
    DISPOSE = "dispose"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"
    UNKNOWN = "unknown"


# The order in which a lot's states are shown: the most urgent first.
URGENCY = [State.EXPIRED, State.DISPOSE, State.OVERDUE, State.DUE_SOON, State.OK, State.UNKNOWN]


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - the 28th always exists


def shelf_life_end(year_of_manufacture: int | None, shelf_life_years: int | None) -> date | None:
    if not year_of_manufacture or not shelf_life_years:
        return None
    return date(year_of_manufacture + shelf_life_years, 1, 1)


@dataclass(frozen=True)
class Band:
    code: str
    minimum_percent: Decimal
    retest_years: int | None  # None: dispose of the lot
    text: str

    @property
    def dispose(self) -> bool:
        return self.retest_years is None


def bands(rule_value: list[dict]) -> list[Band]:
    """The stability bands of the rule, highest minimum first."""
    out = [
        Band(
            row["band"],
            Decimal(str(row["min_percent"])),
            row.get("retest_years"),
            row.get("text", ""),
        )
        for row in rule_value
    ]
    return sorted(out, key=lambda b: b.minimum_percent, reverse=True)


class SurveillanceError(ValidationError):
    code = "surveillance"


def check_stabiliser(value) -> Decimal:
    """A stabiliser content in percent (0 to 10), or SurveillanceError naming the field."""
    try:
        percent = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        percent = None
    if percent is None or not percent.is_finite() or percent < 0 or percent > 10:
        raise SurveillanceError(
            gettext_noop(
                "“%(value)s” is not a stabiliser content: give a percentage between 0 and 10."
            ),
            params={"value": value},
            details={"stabiliser_percent": gettext_noop("Not a percentage between 0 and 10.")},
        )
    return percent


def band_for(percent: Decimal, all_bands: list[Band]) -> Band:
    for band in all_bands:
        if percent >= band.minimum_percent:
            return band
    return all_bands[-1]


@dataclass(frozen=True)
class LotSurveillance:
    shelf_life_end: date | None
    next_inspection: date | None
    next_test: date | None  # the retest a stability test asked for
    state: State
    days: int | None  # days until (negative: since) the most urgent date


def assess(
    *,
    today: date,
    year_of_manufacture: int | None,
    shelf_life_years: int | None,
    interval_months: int | None,
    received_on: date,
    last_inspection: date | None,
    last_test: tuple[date, Band] | None,
    due_soon_days: int,
) -> LotSurveillance:
    """Where a lot stands (see the module)."""
    end = shelf_life_end(year_of_manufacture, shelf_life_years)
    base = last_inspection or received_on
    next_inspection = add_months(base, interval_months) if interval_months else None
    next_test = None
    disposed = False
    if last_test is not None:
        tested_on, band = last_test
        if band.dispose:
            disposed = True
        else:
            next_test = add_months(tested_on, 12 * band.retest_years)
    if end is not None and today >= end:
        return LotSurveillance(end, next_inspection, next_test, State.EXPIRED, (end - today).days)
    if disposed:
        return LotSurveillance(end, next_inspection, next_test, State.DISPOSE, None)
    due = [d for d in (next_inspection, next_test) if d is not None]
    if not due and end is None:
        return LotSurveillance(end, None, None, State.UNKNOWN, None)
    first = min(due) if due else end
    days = (first - today).days
    if due and min(due) < today:
        state = State.OVERDUE
    elif days <= due_soon_days:
        state = State.DUE_SOON
    else:
        state = State.OK
    return LotSurveillance(end, next_inspection, next_test, state, days)


def check_inspection_date(inspected_on: date, today: date, year_of_manufacture: int | None) -> None:
    if inspected_on > today:
        raise SurveillanceError(
            gettext_noop("An inspection or test cannot be dated in the future (%(day)s)."),
            params={"day": inspected_on.isoformat()},
            details={"inspected_on": gettext_noop("In the future.")},
        )
    if year_of_manufacture and inspected_on < date(year_of_manufacture, 1, 1):
        raise SurveillanceError(
            gettext_noop("The lot was made in %(year)s: it cannot have been inspected on %(day)s."),
            params={"year": year_of_manufacture, "day": inspected_on.isoformat()},
            details={"inspected_on": gettext_noop("Before the lot was made.")},
        )


def check_propellant(hazard_code: str, groups: list[str]) -> None:
    """Refuse a propellant stability test of a nature whose compatibility group (the last
    letter of ``hazard_code``) holds no propellant (rule ``SURV.PROPELLANT_GROUPS``)."""
    group = (hazard_code or "").strip()[-1:].upper()
    if group not in groups:
        raise SurveillanceError(
            gettext_noop(
                "A propellant stability test is only for ammunition with propellant: "
                "compatibility group %(group)s holds none (rule SURV.PROPELLANT_GROUPS)."
            ),
            params={"group": group or "-"},
            details={"kind": gettext_noop("No propellant in this nature.")},
        )


__all__ = [
    "URGENCY",
    "Band",
    "LotSurveillance",
    "State",
    "SurveillanceError",
    "add_months",
    "assess",
    "check_propellant",
    "band_for",
    "bands",
    "check_inspection_date",
    "check_stabiliser",
    "shelf_life_end",
]
