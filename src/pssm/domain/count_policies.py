"""Count policies as data (domain-rules §4, stock-check frequencies) and the calendar of due
and overdue counts.

A policy applies to some site kinds, runs every N days (or at an event such as each opening
of an armoury, which has no due date), and may be tightened or relaxed per country (the
``countries`` map of a policy gives that country's ``every_days``). A closed count done under a
policy satisfies it, and the policies it lists in ``satisfies`` (an annual 100 % count is also
the month's serial inventory).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .rules import load

DUE_SOON_DAYS = 7


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"
    EVENT = "event"  # done at an event (each opening), never "overdue" by the calendar


@dataclass(frozen=True)
class Policy:
    code: str
    title_en: str
    title_fr: str
    every_days: int | None
    site_kinds: frozenset[str]
    satisfies: frozenset[str]
    source: str
    items: str = "all"  # what is counted: weapons, lots or all
    sample_one_in: int | None = None  # a random sample of one record in N

    def title(self, language: str) -> str:
        return self.title_fr if language.startswith("fr") else self.title_en


def policies(country: str = "") -> dict[str, Policy]:
    """Every policy, with the country's own frequencies applied."""
    out = {}
    for rule in load("counts").rules.values():
        v = rule.value
        every = v["every_days"]
        if country and country in v.get("countries", {}):
            every = v["countries"][country].get("every_days", every)
        out[rule.id] = Policy(
            code=rule.id,
            title_en=v["title_en"],
            title_fr=v["title_fr"],
            every_days=every,
            site_kinds=frozenset(v["site_kinds"]),
            satisfies=frozenset(v.get("satisfies", [])),
            source=rule.citation(),
            items=v.get("items", "all"),
            sample_one_in=v.get("sample_one_in"),
        )
    return out


def sample(records: list, one_in: int | None, rng) -> list:
    """A random sample of one record in ``one_in`` (at least one when there are records), in
    the records' order; everything when ``one_in`` is None."""
    if not one_in or not records:
        return list(records)
    size = max(1, len(records) // one_in)
    chosen = set(rng.sample(range(len(records)), size))
    return [r for i, r in enumerate(records) if i in chosen]


def applicable(site_kind: str, country: str = "") -> list[Policy]:
    return [p for p in policies(country).values() if site_kind in p.site_kinds]


@dataclass(frozen=True)
class Due:
    policy: Policy
    last_done: date | None
    due_on: date | None
    state: DueState
    days_overdue: int = 0


def calendar(
    site_kind: str, country: str, last_done: dict[str, date], since: date, today: date
) -> list[Due]:
    """What is due at one site. ``last_done``: policy code → date of the latest closed count
    under it; ``since``: when the site entered the register (the first counts fall due from
    then)."""
    rows = []
    all_policies = policies(country)
    for p in applicable(site_kind, country):
        done = [d for code, d in last_done.items() if code == p.code]
        done += [
            d
            for code, d in last_done.items()
            if code in all_policies and p.code in all_policies[code].satisfies
        ]
        last = max(done) if done else None
        if p.every_days is None:
            rows.append(Due(p, last, None, DueState.EVENT))
            continue
        due_on = (last or since) + timedelta(days=p.every_days)
        if due_on < today:
            rows.append(Due(p, last, due_on, DueState.OVERDUE, (today - due_on).days))
        elif due_on <= today + timedelta(days=DUE_SOON_DAYS):
            rows.append(Due(p, last, due_on, DueState.DUE_SOON))
        else:
            rows.append(Due(p, last, due_on, DueState.OK))
    return rows
