"""The national dashboard of one country: stock by category and status, weapons by
organisation and site, movements per month, losses and thefts per year apart from open
discrepancies, destructions, overdue counts and trace requests, and the depots' compliance.
Each chart is a list of bars, each bar with the address of the list behind it; aggregates
only (the lists behind need serials.view)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.domain.access import Action, Scope
from pssm.domain.ledger import FINAL
from pssm.movements.models import Discrepancy
from pssm.registry.models import Weapon

from . import sources
from .labels import value_label
from .svg import Bar, bar_chart


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar]
    more: str = ""  # the whole list behind the chart

    @property
    def svg(self) -> str:
        return bar_chart(f"chart-{self.key}", self.title, self.bars)

    @property
    def total(self) -> int:
        return sum(b.value for b in self.bars)


def _records(country: str, source: str, start: date, end: date, **filters) -> str:
    query = {"source": source, "start": start.isoformat(), "end": end.isoformat(), **filters}
    return reverse("reports:records", args=[country]) + "?" + urlencode(query)


def _weapons(**filters) -> str:
    return reverse("registry:weapon_list") + "?" + urlencode(filters)


def national_dashboard(*, user, country, today: date | None = None) -> list[Chart]:
    authz.check(user, Action.AGGREGATES_VIEW, Scope(country=country.code))
    today = today or timezone.localdate()
    code = country.code
    held = Weapon.objects.filter(site__organisation__country=country).exclude(
        status__in=[s.value for s in FINAL]
    )
    charts = []

    def grouped(field):
        return {
            r[field]: r["n"] for r in held.values(field).annotate(n=Count("pk")).order_by(field)
        }

    charts.append(
        Chart(
            "category",
            _("Weapons held, by category"),
            [
                Bar(value_label("category", k), n, _weapons(category=k))
                for k, n in grouped("weapon_type__category").items()
            ],
            reverse("registry:weapon_list"),
        )
    )
    charts.append(
        Chart(
            "status",
            _("Weapons held, by status"),
            [
                Bar(value_label("status", k), n, _weapons(status=k))
                for k, n in grouped("status").items()
            ],
            reverse("registry:weapon_list"),
        )
    )
    charts.append(
        Chart(
            "organisation",
            _("Weapons held, by organisation"),
            [
                Bar(k, n, reverse("sites:organisation_detail", args=[k]))
                for k, n in grouped("owner__code").items()
            ],
            reverse("sites:organisation_list"),
        )
    )
    charts.append(
        Chart(
            "site",
            _("Weapons held, by site"),
            [Bar(k, n, _weapons(site=k)) for k, n in grouped("site__code").items()],
            reverse("sites:site_list"),
        )
    )
    # Movements per month over the last twelve months.
    first = date(today.year - 1, today.month, 1)
    if today.month == 12:
        first = date(today.year, 1, 1)
    ctx = sources.Context(code, first, today)
    per_month = sources.count("movements", ctx, {}, ["year", "month"])
    bars, y, m = [], first.year, first.month
    for _i in range(12):
        n = per_month.get(f"{y}|{m}", 0)
        start = date(y, m, 1)
        end = date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
        bars.append(
            Bar(
                f"{y}-{m:02d}",
                n,
                _records(code, "movements", start, date.fromordinal(end), year=y, month=m),
            )
        )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    charts.append(
        Chart(
            "movements",
            _("Weapons moved per month (posted voucher lines)"),
            bars,
            reverse("movements:voucher_list") + "?state=posted",
        )
    )
    # Losses and thefts per year (five years), apart from the open discrepancy cases.
    five = sources.Context(code, date(today.year - 4, 1, 1), today)
    losses = sources.count("losses", five, {}, ["year", "reason"])
    bars = []
    for year in range(today.year - 4, today.year + 1):
        for reason in ("lost", "stolen"):
            bars.append(
                Bar(
                    f"{year} — {value_label('reason', reason)}",
                    losses.get(f"{year}|{reason}", 0),
                    _records(
                        code,
                        "losses",
                        date(year, 1, 1),
                        date(year, 12, 31),
                        year=year,
                        reason=reason,
                    ),
                )
            )
    charts.append(
        Chart(
            "losses",
            _("Weapons reported lost or stolen, per year"),
            bars,
            reverse("tracing:lost_stolen") + "?" + urlencode({"country": code, "all": 1}),
        )
    )
    open_cases = (
        Discrepancy.objects.filter(site__organisation__country=country)
        .exclude(state=Discrepancy.State.CLOSED)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    charts.append(
        Chart(
            "discrepancies",
            _("Open discrepancy cases (not losses until written off)"),
            [
                Bar(
                    value_label("kind", r["kind"]),
                    r["n"],
                    reverse("movements:case_list") + "?state=open",
                )
                for r in open_cases
            ],
            reverse("movements:case_list") + "?state=open",
        )
    )
    year_ctx = sources.Context(code, date(today.year, 1, 1), today)
    charts.append(
        Chart(
            "destructions",
            _("Weapons destroyed this year, by method"),
            [
                Bar(
                    value_label("method", k),
                    n,
                    _records(code, "destructions", year_ctx.start, today, method=k),
                )
                for k, n in sorted(sources.count("destructions", year_ctx, {}, "method").items())
            ],
            reverse("movements:destruction_list"),
        )
    )
    from pssm.inspections.dashboard import site_rows, visible_sites

    rows = site_rows(visible_sites(user).filter(organisation__country=country), today)
    charts.append(_overdue_chart(rows, country, today))
    charts.append(_compliance_chart(rows))
    return charts


def _overdue_chart(rows, country, today) -> Chart:
    from pssm.tracing.models import TraceRequest

    traces = TraceRequest.objects.filter(country=country, state=TraceRequest.State.OPEN)
    compliance = reverse("inspections:compliance")
    trace_list = reverse("tracing:request_list")
    return Chart(
        "overdue",
        _("Overdue counts and trace requests"),
        [
            Bar(_("Stock counts overdue"), sum(r.counts_overdue for r in rows), compliance),
            Bar(_("Corrective actions overdue"), sum(r.overdue_actions for r in rows), compliance),
            Bar(_("Trace requests open"), traces.count(), trace_list + "?state=open"),
            Bar(
                _("Trace requests overdue"),
                traces.filter(deadline__lt=today).count(),
                trace_list + "?overdue=1",
            ),
        ],
        compliance,
    )


def _compliance_chart(rows) -> Chart:
    buckets: dict[str, int] = {}
    for r in rows:
        if r.inspection_percent is None:
            key = _("Never inspected")
        elif r.counts_overdue or r.overdue_actions:
            key = _("Inspected, with overdue counts or actions")
        else:
            key = _("Inspected, nothing overdue")
        buckets[key] = buckets.get(key, 0) + 1
    compliance = reverse("inspections:compliance")
    return Chart(
        "compliance",
        _("Depots' compliance"),
        [Bar(k, n, compliance) for k, n in sorted(buckets.items())],
        compliance,
    )
