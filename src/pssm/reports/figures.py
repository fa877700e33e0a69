"""The figures of a national report, computed from its definition (data) and the sources.

A definition (``definitions/<kind>[-<instrument>]-<from year>.json``) gives the report's
title, its source documents and its sections of tables; each table names a source, the
group(s) it is counted by, fixed filters, and whether the value of a year before is shown
beside it. The definition in force for a year is the one with the latest ``from_year`` not
after it, so a new template year is a new file. The regional report takes the definition of
the instrument binding the country at the end of the period (:mod:`pssm.domain.reporting`).

The result is plain JSON-able data: what is stored with a generated report (its figures do
not change afterwards), printed by ``pssm report --json`` and rendered as PDF and XLSX.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources

from pssm.domain import reporting
from pssm.domain.errors import ValidationError, gettext_noop

from . import sources

KINDS = ("poa", "att", "unroca", "regional", "stock")
FORMAT = "pssm.report-figures/1"


@lru_cache(maxsize=1)
def definitions() -> tuple[dict, ...]:
    folder = resources.files("pssm.reports").joinpath("definitions")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text("utf-8"))
            data["key"] = entry.name[: -len(".json")]
            out.append(data)
    return tuple(out)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        message = gettext_noop(
            "Unknown report %(kind)s: choose poa, att, unroca, regional or stock."
        )
        raise ValidationError(
            message, params={"kind": kind}, details={"kind": gettext_noop("Unknown report.")}
        )
    return kind


def definition_for(kind: str, country: str, period: reporting.Period) -> dict:
    """The definition of ``kind`` in force for the year the period ends in."""
    check_kind(kind)
    instrument = ""
    if kind == "regional":
        instrument = reporting.instrument_for(country, period.end).key
    found = [
        d
        for d in definitions()
        if d["kind"] == kind
        and d.get("instrument", "") == instrument
        and d["from_year"] <= period.end.year
    ]
    if not found:
        message = gettext_noop("No %(kind)s report template covers %(year)s.")
        raise ValidationError(
            message,
            params={"kind": kind, "year": period.end.year},
            details={"year": gettext_noop("No template for this year.")},
        )
    return max(found, key=lambda d: d["from_year"])


def _table(table: dict, ctx: sources.Context) -> dict:
    group = table.get("group", "")
    groups = [group] if isinstance(group, str) else list(group)
    groups = [g for g in groups if g]
    filters = dict(table.get("filters", {}))
    counts = sources.count(table["source"], ctx, filters, groups)
    previous = None
    if table.get("compare") == "year_before":
        previous = sources.count(table["source"], ctx.shifted_year_before(), filters, groups)
    only = table.get("only", "")
    keys = sorted(set(counts) | set(previous or {}))
    rows = []
    for key in keys:
        values = key.split("|") if groups else []
        if only and groups and groups[0] == "att" and not values[0].startswith(only):
            continue
        row = {
            "key": key,
            "values": dict(zip(groups, values, strict=True)),
            "value": counts.get(key, 0),
            "filters": {**filters, **dict(zip(groups, values, strict=True))},
        }
        if previous is not None:
            row["previous"] = previous.get(key, 0)
            row["change"] = row["value"] - row["previous"]
        rows.append(row)
    out = {
        "key": table["key"],
        "title": table["title"],
        "source": table["source"],
        "groups": groups,
        "filters": filters,
        "rows": rows,
        "total": sum(r["value"] for r in rows),
    }
    if previous is not None:
        out["previous_total"] = sum(r["previous"] for r in rows)
    return out


def compute(*, kind: str, country: str, period: reporting.Period) -> dict:
    """The figures of report ``kind`` for ``country`` over ``period``."""
    definition = definition_for(kind, country, period)
    ctx = sources.Context(country, period.start, period.end)
    sections = [
        {
            "key": s["key"],
            "title": s["title"],
            "tables": [_table(t, ctx) for t in s["tables"]],
        }
        for s in definition["sections"]
    ]
    figures = {
        "format": FORMAT,
        "kind": kind,
        "definition": definition["key"],
        "title": definition["title"],
        "source": definition["source"],
        "country": country,
        "period": period.as_dict(),
        "sections": sections,
    }
    if kind == "regional":
        inst = reporting.instrument_for(country, period.end)
        figures["instrument"] = {"key": inst.key, "title": inst.title, "source": inst.source}
    if definition.get("nil_report"):
        # A nil report: no transfer at all in the period (holdings are background only).
        figures["nil"] = all(
            t["total"] == 0
            for s in sections
            for t in s["tables"]
            if t["source"] in {"imports", "exports"}
        )
    return figures


def digest(figures: dict) -> str:
    """The SHA-256 of the figures' canonical JSON (signed off, journaled)."""
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
