"""Rules of a destruction (IATG 10.10, MOSAIC 05.50): who must witness it, when it can be
dated, and which methods suit ammunition. Pure: the service in ``movements.destruction``
applies them."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import ValidationError, gettext_noop

# How far a planned or recorded date may lie from the day it is entered: a destruction held
# before its paperwork is recorded afterwards, but not a year and more later.
PAST_DAYS = 366
AHEAD_DAYS = 731

# Ammunition is destroyed by burning, detonation or industrial demilitarisation (IATG
# 10.10); cutting, crushing and smelting are for weapons (MOSAIC 05.50). Weapons may also be
# burnt or blown up (public "flame of peace" destructions).
AMMUNITION_METHODS = frozenset({"open_burning", "open_detonation", "industrial"})


def _invalid(message: str, field: str, **params) -> ValidationError:
    return ValidationError(message, params=params, details={field: message})


def check_planned_date(planned: date, today: date) -> None:
    earliest, latest = today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)
    if not earliest <= planned <= latest:
        raise _invalid(
            gettext_noop(
                "The planned date must lie between %(earliest)s and %(latest)s (one year back, "
                "two years ahead)."
            ),
            "planned_date",
            earliest=earliest.isoformat(),
            latest=latest.isoformat(),
        )


def check_destroyed_on(
    destroyed_on: date, *, today: date, opened_on: date, years_made: list[int]
) -> None:
    """Not in the future, not more than a year before the voucher was opened, and not before
    the year any of its lots was made."""
    if destroyed_on > today:
        raise _invalid(
            gettext_noop("A destruction cannot be recorded for a future date."), "destroyed_on"
        )
    earliest = opened_on - timedelta(days=PAST_DAYS)
    made = [year for year in years_made if year]
    if made:
        earliest = max(earliest, date(max(made), 1, 1))
    if destroyed_on < earliest:
        raise _invalid(
            gettext_noop(
                "The destruction cannot be dated before %(earliest)s: at most one year "
                "before the voucher was opened, and not before its items were made."
            ),
            "destroyed_on",
            earliest=earliest.isoformat(),
        )


def check_witnesses(given) -> list[dict]:
    """The witnesses, names and organisations with their spaces tidied: at least two
    different people (case and spacing aside), one from outside the holding unit."""
    people = []
    for row in given or []:
        name = " ".join((row.get("name") or "").split())  # "mme  keïta " is "Mme Keïta"
        if not name:
            continue
        people.append(
            {
                "name": name[:150],
                "organisation": " ".join((row.get("organisation") or "").split())[:150],
                "outside": bool(row.get("outside")),
            }
        )
    names = {p["name"].casefold() for p in people}
    if len(people) < 2 or len(names) < 2:
        raise _invalid(
            gettext_noop("A destruction needs at least two different witnesses."), "witnesses"
        )
    if len(names) != len(people):
        raise _invalid(gettext_noop("The same person is named twice as witness."), "witnesses")
    if not any(p["outside"] for p in people):
        raise _invalid(
            gettext_noop("At least one witness must come from outside the holding unit."),
            "witnesses",
        )
    return people


def check_method_for_ammunition(method: str, method_label: str) -> None:
    if method not in AMMUNITION_METHODS:
        raise _invalid(
            gettext_noop(
                "Ammunition cannot be destroyed by %(method)s: plan a destruction by open "
                "burning, open detonation or industrial demilitarisation (IATG 10.10)."
            ),
            "lot_number",
            method=method_label,
        )
