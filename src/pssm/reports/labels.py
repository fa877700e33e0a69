"""Words for the values a figure is grouped by (category, status, method...), translated in
the language the report is rendered in; sites and organisations are named beside their code
where the caller gives their names (:func:`place_names`, the printed reports), states stay
codes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pssm.domain import reporting
from pssm.domain.ledger import Kind, Status

GROUP_TITLES = {
    "category": gettext_lazy("Category"),
    "status": gettext_lazy("Status"),
    "site": gettext_lazy("Site"),
    "organisation": gettext_lazy("Organisation"),
    "kind": gettext_lazy("Kind"),
    "month": gettext_lazy("Month"),
    "year": gettext_lazy("Year"),
    "counterpart": gettext_lazy("Counterpart state"),
    "att": gettext_lazy("Category"),
    "import_mark": gettext_lazy("Import mark"),
    "reason": gettext_lazy("Event"),
    "method": gettext_lazy("Method"),
    "direction": gettext_lazy("Direction"),
    "state": gettext_lazy("State"),
    "outcome": gettext_lazy("Outcome"),
    "timeliness": gettext_lazy("Answer"),
    "requester": gettext_lazy("Other party"),
}

TIMELINESS = {
    "on_time": gettext_lazy("Answered on time"),
    "late": gettext_lazy("Answered late"),
    "open": gettext_lazy("Not answered yet"),
}
IMPORT_MARKS = {
    "marked": gettext_lazy("With an import mark"),
    "unmarked": gettext_lazy("Without an import mark"),
}


def _choices():
    from pssm.movements.models import KIND_LABELS, Destruction, Discrepancy
    from pssm.registry.models import STATUS_LABELS, WeaponType
    from pssm.tracing.models import TraceRequest

    return {
        "category": dict(WeaponType.Category.choices),
        "status": {s.value: STATUS_LABELS[s] for s in Status},
        "reason": {s.value: STATUS_LABELS[s] for s in (Status.LOST, Status.STOLEN)},
        "kind": {
            **{k.value: KIND_LABELS[k] for k in Kind},
            **dict(Discrepancy.Kind.choices),
        },
        "method": dict(Destruction.Method.choices),
        "direction": dict(TraceRequest.Direction.choices),
        "state": dict(TraceRequest.State.choices),
        "outcome": dict(TraceRequest.Outcome.choices),
        "requester": dict(TraceRequest.Requester.choices),
        "timeliness": TIMELINESS,
        "import_mark": IMPORT_MARKS,
    }


def place_names() -> dict[str, dict[str, str]]:
    """The names of the sites and organisations by code, for :func:`row_label` (two queries)."""
    from pssm.sites.models import Organisation, Site

    return {
        "site": dict(Site.objects.values_list("code", "name")),
        "organisation": dict(Organisation.objects.values_list("code", "name")),
    }


def value_label(group: str, value: str, names: dict | None = None) -> str:
    """``value`` of ``group`` in words (in the active language); a site or organisation
    found in ``names`` reads ``Name (CODE)``."""
    named = (names or {}).get(group, {}).get(value)
    if named:
        return f"{named} ({value})"
    if group == "att":
        text = reporting.ATT_CATEGORIES.get(value)
        return _(text) if text else value
    if group == "outcome" and value == "":
        return _("Not answered yet")
    label = _choices().get(group, {}).get(value)
    return str(label) if label is not None else value


def row_label(table: dict, row: dict, names: dict | None = None) -> str:
    if not table["groups"]:
        return _("Total")
    return " — ".join(value_label(g, row["values"][g], names) for g in table["groups"])


def group_title(table: dict) -> str:
    if not table["groups"]:
        return ""
    return " / ".join(str(GROUP_TITLES.get(g, g)) for g in table["groups"])
