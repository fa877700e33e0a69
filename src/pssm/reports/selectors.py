"""Reads of the reports: the generated reports, the records behind a figure, and the
regional aggregates (figures without any serial number or personal name)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain import reporting
from pssm.domain.access import Action, Scope
from pssm.domain.errors import NotFoundError, gettext_noop
from pssm.sites.models import Country

from . import sources
from .models import Report

REGIONAL_FORMAT = "pssm.regional-figures/1"


def countries_for(user, action: Action = Action.AGGREGATES_VIEW) -> QuerySet[Country]:
    """The countries whose national figures the user may read (national or global grants)."""
    r = authz.reach_of(user, action)
    qs = Country.objects.order_by("code")
    return qs if r.everywhere else qs.filter(code__in=sorted(r.countries))


def country_get(*, user, code: str, action: Action = Action.AGGREGATES_VIEW) -> Country:
    country = Country.objects.filter(code=(code or "").upper()).first()
    if country is None:
        raise NotFoundError(
            gettext_noop("No country %(code)s."), params={"code": code}, details={"country": code}
        )
    authz.check(user, action, Scope(country=country.code))
    return country


def report_list(*, user, filters: dict | None = None) -> QuerySet[Report]:
    authz.check_anywhere(user, Action.AGGREGATES_VIEW)
    qs = Report.objects.select_related("country", "signed_by").filter(
        country__in=countries_for(user)
    )
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("country"):
        qs = qs.filter(country__code=f["country"])
    if f.get("year"):
        qs = qs.filter(period_end__year=f["year"])
    return qs.order_by("-generated_at", "-pk")


def report_get(*, user, pk: int) -> Report:
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise NotFoundError(gettext_noop("No such report."))
    return report


def figure_records(
    *, user, country: Country, source: str, period: reporting.Period, filters: dict
) -> QuerySet:
    """The records behind a figure: the same source and filters it was counted with.
    Serial-level, so it needs serials.view on the country."""
    authz.check(user, Action.SERIALS_VIEW, Scope(country=country.code))
    ctx = sources.Context(country.code, period.start, period.end)
    qs = sources.records(source, ctx, filters)
    kind = sources.SOURCES[source].kind
    if kind == "line":
        qs = qs.select_related("weapon__weapon_type", "voucher__site").order_by(
            "voucher__posted_at", "pk"
        )
    elif kind == "weapon":
        qs = qs.select_related("weapon_type", "owner").order_by("serial_norm", "pk")
    elif kind == "case":
        qs = qs.select_related("site").order_by("created_at", "pk")
    elif kind == "entry":
        qs = qs.order_by("recorded_at", "seq")
    else:
        qs = qs.order_by("received_on", "pk")
    return qs


def _counts(source: str, ctx: sources.Context, group, filters=None) -> dict:
    return sources.count(source, ctx, filters or {}, group)


def regional_figures(*, country: str, period_start: date, period_end: date) -> dict:
    """The aggregate figures a regional node receives for ``country`` over the period: plain
    JSON-able data, counts only: no serial number, no person, no site (organisations by kind
    only). The shape is documented in ADR 0022. ValidationError on a bad period."""
    period = reporting.check_period(period_start, period_end)
    ctx = sources.Context(country, period.start, period.end)
    from pssm.sites.models import Organisation

    kinds = dict(Organisation.objects.filter(country__code=country).values_list("code", "kind"))
    by_org = _counts("holdings", ctx, "organisation")
    by_kind: dict[str, int] = {}
    for code, n in by_org.items():
        key = kinds.get(code, "other")
        by_kind[key] = by_kind.get(key, 0) + n

    def transfers(source: str) -> list[dict]:
        out = []
        for key, n in sorted(_counts(source, ctx, ["att", "counterpart"]).items()):
            att, counterpart = key.split("|")
            out.append({"att_category": att, "counterpart_state": counterpart, "quantity": n})
        return out

    instrument = reporting.instrument_for(country, period.end)
    return {
        "format": REGIONAL_FORMAT,
        "country": country,
        "period": period.as_dict(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "instrument": instrument.key,
        "stock": {
            "total": sum(_counts("holdings", ctx, "").values()),
            "by_category": _counts("holdings", ctx, "category"),
            "by_status": _counts("holdings", ctx, "status"),
            "by_organisation_kind": dict(sorted(by_kind.items())),
        },
        "imports": transfers("imports"),
        "exports": transfers("exports"),
        "losses": _counts("losses", ctx, "reason"),
        "destructions": _counts("destructions", ctx, "method"),
        "registered": sum(_counts("registered", ctx, "").values()),
        "trace_requests": {
            "by_direction": _counts("traces", ctx, "direction"),
            "by_timeliness": _counts("traces", ctx, "timeliness"),
        },
        "open_discrepancies": _counts("open_cases", ctx, "kind"),
    }
