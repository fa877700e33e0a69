"""The counting behind each indicator: per country, a numerator, a denominator and the
records behind the numerator (the drill-down). Counts only; never a serial number.

``as_of`` computes the value as it stood at the end of that day, for the trend of the
evaluation report; measures whose records carry no date give today's value and say so."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pssm.core.pdf import number
from pssm.domain import programme as rules
from pssm.sites.models import Country, Site

from .models import Indicator, ModelInstallation, Participation, Sop, SopVersion, TrainingEvent


@dataclass
class Row:
    label: str
    detail: str = ""
    url: str = ""


@dataclass
class Figure:
    country: str  # country code, "" for the region
    numerator: int
    denominator: int | None
    rows: list[Row] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        return rules.percent(self.numerator, self.denominator)

    @property
    def shown(self) -> str:
        if self.denominator is None:
            return str(self.numerator)
        pct = self.percent
        return f"{number(pct)} %" if pct is not None else "-"


def _end(as_of: date | None) -> datetime | None:
    if as_of is None:
        return None
    return timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))


def _installations_rrpl2(countries, as_of):
    from pssm.inspections.models import Inspection

    closed = Inspection.objects.filter(site=OuterRef("site"), state="closed")
    if as_of:
        closed = closed.filter(inspected_on__lte=as_of)
    latest = closed.order_by("-inspected_on", "-pk").values("level")[:1]
    items = (
        ModelInstallation.objects.filter(country__code__in=countries)
        .select_related("country", "site")
        .annotate(latest_level=Subquery(latest))
    )
    out = {}
    for inst in items:
        fig = out.setdefault(inst.country.code, Figure(inst.country.code, 0, 0))
        fig.denominator += 1
        if inst.latest_level is not None and inst.latest_level >= 2:
            fig.numerator += 1
            fig.rows.append(
                Row(str(inst), _("RRPL level %(level)s") % {"level": inst.latest_level})
            )
    return out


def _sops_validated(countries, as_of):
    versions = SopVersion.objects.filter(status__in=["validated", "superseded"])
    if as_of:
        versions = versions.filter(validation__decided_date__lte=as_of)
    validated = set(versions.values_list("sop_id", flat=True))
    out = {}
    for sop in Sop.objects.filter(country__code__in=countries).select_related("country"):
        fig = out.setdefault(sop.country.code, Figure(sop.country.code, 0, 0))
        fig.denominator += 1
        if sop.pk in validated:
            fig.numerator += 1
            fig.rows.append(Row(f"{sop.code} · {sop.title}"))
    return out


def _participations(countries, as_of):
    qs = Participation.objects.filter(event__country__code__in=countries).select_related(
        "event__country", "person"
    )
    if as_of:
        qs = qs.filter(event__end_date__lte=as_of)
    return qs


def _trainers_active(countries, as_of):
    parts = list(_participations(countries, as_of))
    tot = {}
    for p in parts:
        if p.role == "trainee" and p.event.is_trainer_course:
            tot.setdefault(p.person_id, (p.event.country.code, p.event.start_date, p.person))
    out = {code: Figure(code, 0, 0) for code in {c for c, _d, _p in tot.values()}}
    for person_id, (code, trained_on, person) in tot.items():
        out[code].denominator += 1
        later = [
            p.event
            for p in parts
            if p.person_id == person_id and p.role == "trainer" and p.event.start_date > trained_on
        ]
        if later:
            out[code].numerator += 1
            out[code].rows.append(
                Row(person.institution, _("trained others at %(n)s events") % {"n": len(later)})
            )
    return out


def _people_reached(countries, as_of):
    out = {}
    seen = set()
    for p in _participations(countries, as_of).filter(role="trainee"):
        code = p.event.country.code
        fig = out.setdefault(code, Figure(code, 0, None))
        if p.person_id in seen:
            continue
        seen.add(p.person_id)
        fig.numerator += 1
    for code, fig in out.items():
        by_event = (
            TrainingEvent.objects.filter(country__code=code, participants__role="trainee")
            .annotate(n=Count("participants"))
            .order_by("start_date")
        )
        if as_of:
            by_event = by_event.filter(end_date__lte=as_of)
        fig.rows = [Row(f"{e.code} · {e.title}", str(e.n)) for e in by_event]
    return out


def _counts_overdue(countries, as_of):
    from pssm.inspections.models import Count as StockCount

    day = as_of or timezone.localdate()
    since = _end(day - timedelta(days=365))
    recent = StockCount.objects.filter(site=OuterRef("pk"), state="closed", closed_at__gte=since)
    if as_of:
        recent = recent.filter(closed_at__lt=_end(as_of))
    sites = (
        Site.objects.filter(is_active=True, organisation__country__code__in=countries)
        .select_related("organisation__country")
        .annotate(last=Subquery(recent.order_by("-closed_at").values("closed_at")[:1]))
    )
    out = {}
    for site in sites:
        code = site.organisation.country.code
        fig = out.setdefault(code, Figure(code, 0, 0))
        fig.denominator += 1
        if site.last is None:
            fig.numerator += 1
            fig.rows.append(Row(str(site)))
    return out


def _weapons_registered(countries, as_of):
    from pssm.registry.models import Weapon

    rows = (
        Weapon.objects.filter(site__organisation__country__code__in=countries)
        .values("site__organisation__country__code", "site__code", "site__name")
        .annotate(n=Count("pk"))
        .order_by("site__code")
    )
    out = {}
    for r in rows:
        code = r["site__organisation__country__code"]
        fig = out.setdefault(code, Figure(code, 0, None))
        fig.numerator += r["n"]
        fig.rows.append(Row(f"{r['site__name']} ({r['site__code']})", str(r["n"])))
    return out


def _losses_reported(countries, as_of):
    from pssm.movements.models import VoucherLine

    lines = VoucherLine.objects.filter(
        voucher__kind="loss",
        voucher__state="posted",
        voucher__site__organisation__country__code__in=countries,
        weapon__isnull=False,
    )
    if as_of:
        lines = lines.filter(voucher__posted_at__lt=_end(as_of))
    rows = (
        lines.values("voucher__site__organisation__country__code", "voucher__number")
        .annotate(n=Count("pk"), at=Max("voucher__posted_at"))
        .order_by("at")
    )
    out = {}
    for r in rows:
        code = r["voucher__site__organisation__country__code"]
        fig = out.setdefault(code, Figure(code, 0, None))
        fig.numerator += r["n"]
        fig.rows.append(Row(r["voucher__number"], str(r["n"])))
    return out


MEASURES = {
    "installations_rrpl2": (_installations_rrpl2, True),
    "sops_validated": (_sops_validated, True),
    "trainers_active": (_trainers_active, True),
    "people_reached": (_people_reached, True),
    "counts_overdue": (_counts_overdue, True),
    "weapons_registered": (_weapons_registered, False),
    "losses_reported": (_losses_reported, True),
}
MEASURE_CHOICES = sorted(MEASURES)


@dataclass
class Result:
    indicator: Indicator
    by_country: list[Figure]
    total: Figure
    dated: bool  # False: today's value whatever the date asked


def indicator_compute(
    indicator: Indicator, *, countries: list[str], as_of: date | None = None
) -> Result:
    """The indicator's figures for each of ``countries`` and for all of them together."""
    func, dated = MEASURES[indicator.measure]
    found = func(list(countries), as_of if dated else None)
    has_denominator = bool(indicator.denominator_en)
    figures = []
    for code in sorted(countries):
        fig = found.get(code) or Figure(code, 0, 0 if has_denominator else None)
        figures.append(fig)
    total = Figure(
        "",
        sum(f.numerator for f in figures),
        sum(f.denominator or 0 for f in figures) if has_denominator else None,
    )
    return Result(indicator, figures, total, dated)


def indicators_compute(*, countries: list[str], as_of: date | None = None) -> list[Result]:
    return [
        indicator_compute(ind, countries=countries, as_of=as_of)
        for ind in Indicator.objects.filter(measure__in=MEASURES)
    ]


def programme_countries() -> list[str]:
    return list(Country.objects.order_by("code").values_list("code", flat=True))
