"""Versioned rule tables with their provenance, and the loader that applies national overrides.

Every coefficient, table and threshold of the explosives-safety engine lives in a data file of
this package (``explosives.json``), one row per rule, each with its source document, edition,
clause and confidence tag (C confirmed, X cross-check source only, K provisional, I inference;
see docs/domain-rules.md §0). Rows tagged K or I are shown as "provisional" in the interface.
A national authority overrides a rule's value for its country; the override carries who, when
and why, and replaces the confidence tag by "N" (national).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

PROVISIONAL = frozenset({"K", "I"})


@dataclass(frozen=True)
class Rule:
    id: str
    value: Any
    source: str
    edition: str
    clause: str
    confidence: str
    extra: dict = field(default_factory=dict)
    override: dict | None = None  # {"by", "at", "reason", "country"} when nationally overridden

    @property
    def provisional(self) -> bool:
        return self.override is None and self.confidence in PROVISIONAL

    @cached_property
    def qd_fields(self) -> dict:
        """The fixed part of a quantity-distance row (computed once per rule)."""
        return {
            "k": "" if self.extra.get("table") else str(self.extra["k"]),
            "minimum_m": str(self.extra["minimum_m"]),
            "rule": self.id,
            "source": self.citation(),
            "provisional": self.provisional,
        }

    def citation(self) -> str:
        return f"{self.id} — {self.source}, {self.edition}, {self.clause} [{self.confidence}]"

    def as_dict(self) -> dict:
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        return {
            "id": self.id,
            "value": value,
            "source": self.source,
            "edition": self.edition,
            "clause": self.clause,
            "confidence": self.confidence,
            "provisional": self.provisional,
            "override": self.override,
            **{k: str(v) if isinstance(v, Decimal) else v for k, v in self.extra.items()},
        }


@dataclass(frozen=True)
class RuleSet:
    name: str
    edition: str
    rules: dict[str, Rule]

    def __getitem__(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def __contains__(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def value(self, rule_id: str) -> Any:
        return self.rules[rule_id].value

    def with_overrides(self, overrides: list[dict]) -> RuleSet:
        """A copy where each ``{"rule", "value", "by", "at", "reason", "country"}`` replaces
        the value of its rule. Unknown rule ids raise KeyError (the service validates first)."""
        if not overrides:
            return self
        rules = dict(self.rules)
        for item in overrides:
            base = rules[item["rule"]]
            value = _coerce(base, item["value"])
            meta = {k: item.get(k, "") for k in ("by", "at", "reason", "country")}
            extra = base.extra
            if "k" in base.extra:  # a QD formula replaces the whole formula
                kept = {k: v for k, v in base.extra.items() if k not in ("exponent", "table")}
                extra = {**kept, **value}
            rules[base.id] = replace(base, value=value, extra=extra, confidence="N", override=meta)
        return RuleSet(self.name, self.edition, rules)


def _coerce(base: Rule, value: Any) -> Any:
    if "k" in base.extra:
        return _qd_value(value)
    if isinstance(base.value, Decimal):
        return Decimal(str(value))
    return value


def _qd_value(value: dict) -> dict:
    """A QD rule's value: k (0 when only a minimum or a table), the minimum in metres, and
    optionally the exponent (default 1/3) or a table of [up to and including kg, metres]."""
    out = {"k": Decimal(str(value.get("k", "0"))), "minimum_m": Decimal(str(value["minimum_m"]))}
    if value.get("exponent") not in (None, ""):
        out["exponent"] = str(value["exponent"])
    if value.get("table"):
        out["table"] = [[str(q), str(d)] for q, d in value["table"]]
    return out


def _rule_from_row(row: dict) -> Rule:
    row = dict(row)
    meta = {k: row.pop(k) for k in ("id", "source", "edition", "clause", "confidence")}
    value = row.pop("value", None)
    extra = row
    if "relationship" in extra:  # a quantity-distance row: its value is its formula
        value = _qd_value(extra)
        extra.update(value)
    elif isinstance(value, str) and value.replace(".", "", 1).isdigit():
        value = Decimal(value)
    return Rule(value=value, extra=extra, **meta)


@lru_cache(maxsize=4)
def load(name: str = "explosives") -> RuleSet:
    """The rule set shipped in ``<name>.json`` (cached; rule sets are immutable)."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    rules = {}
    for row in data["rules"]:
        rule = _rule_from_row(row)
        if rule.id in rules:
            raise ValueError(f"duplicate rule id {rule.id}")
        rules[rule.id] = rule
    return RuleSet(data["ruleset"], data["edition"], rules)
