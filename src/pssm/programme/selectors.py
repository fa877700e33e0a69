"""Reads of the programme's records, always limited to the countries the user sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

from pssm.core.pdf import number
from pssm.domain import programme as rules

from .models import Activity, ModelInstallation, Participation, Sop, TemplateReview, TrainingEvent


def activity_list(
    *,
    countries: list[str],
    q: str = "",
    country: str = "",
    type_code: str = "",
    focus: str = "",
    year: str = "",
):
    qs = Activity.objects.filter(countries__code__in=countries)
    if country:
        qs = qs.filter(countries__code=country)
    if type_code:
        qs = qs.filter(types__code=type_code)
    if focus:
        qs = qs.filter(focuses__code=focus)
    if year.isdigit():
        qs = qs.filter(start_date__year=int(year))
    if q:
        qs = qs.filter(
            Q(title_en__icontains=q)
            | Q(title_fr__icontains=q)
            | Q(place__icontains=q)
            | Q(code__icontains=q)
            | Q(description_en__icontains=q)
            | Q(description_fr__icontains=q)
        )
    ids = qs.values("pk")
    return (
        Activity.objects.filter(pk__in=ids)
        .prefetch_related("countries", "types", "focuses")
        .annotate(spent=Sum("transactions__amount", filter=Q(transactions__kind__in=["3", "4"])))
        .order_by("-start_date", "code")
    )


def activity_get(*, countries: list[str], code: str) -> Activity | None:
    return (
        Activity.objects.filter(code=code, countries__code__in=countries)
        .distinct()
        .select_related("programme")
        .prefetch_related(
            "countries",
            "types",
            "focuses",
            "orgs",
            "contacts",
            "transactions",
            "sites",
            "sop_versions__sop",
            "trainings",
            "installations",
        )
        .first()
    )


def sop_list(*, countries: list[str]):
    return (
        Sop.objects.filter(country__code__in=countries)
        .select_related("country")
        .prefetch_related(
            "versions__validation__institutions",
            "versions__validation__workshop",
            "versions__templates",
            "versions__items",
        )
    )


def review_list(*, countries: list[str]):
    return TemplateReview.objects.filter(
        new_version__sop__country__code__in=countries, closed_at__isnull=True
    ).select_related("link__template", "old_version__sop", "new_version__sop")


@dataclass
class InstallationRow:
    pk: int
    code: str
    country: str
    name: str
    status: str
    status_code: str
    site: object
    planned: str
    done: str
    works: str
    level: str
    score: str
    history: list  # [(date, level, percent)]


def installation_rows(countries: list[str]) -> list[InstallationRow]:
    from pssm.inspections.models import Inspection

    items = list(
        ModelInstallation.objects.filter(country__code__in=countries)
        .select_related("country", "site")
        .annotate(budget=Sum("works__budget_amount"))
        .prefetch_related("works")
    )
    site_ids = [i.site_id for i in items if i.site_id]
    history: dict[int, list] = {}
    for insp in Inspection.objects.filter(site_id__in=site_ids, state="closed").order_by(
        "inspected_on", "pk"
    ):
        history.setdefault(insp.site_id, []).append((insp.inspected_on, insp.level, insp.percent))
    rows = []
    for i in items:
        h = history.get(i.site_id, [])
        currency = i.works.all()[0].currency if i.works.all() else ""
        rows.append(
            InstallationRow(
                pk=i.pk,
                code=i.code,
                country=i.country.code,
                name=i.name,
                status=i.get_status_display(),
                status_code=i.status,
                site=i.site,
                planned=f"{i.planned_date:%Y-%m-%d}",
                done=f"{i.done_date:%Y-%m-%d}" if i.done_date else "",
                works=f"{number(round(i.budget))} {currency}" if i.budget else "",
                level="" if not h or h[-1][1] is None else str(h[-1][1]),
                score="" if not h or h[-1][2] is None else f"{number(h[-1][2])} %",
                history=h,
            )
        )
    return rows


def cascade_for(*, countries: list[str]):
    """The cascade of the events of ``countries``, with the persons by id."""
    parts = list(
        Participation.objects.filter(event__country__code__in=countries).select_related(
            "event", "person"
        )
    )
    by_event: dict = {}
    persons = {}
    for p in parts:
        persons[str(p.person_id)] = p.person
        entry = by_event.setdefault(p.event.code, (p.event.start_date, set(), set()))
        (entry[1] if p.role == "trainer" else entry[2]).add(str(p.person_id))
    sessions = [
        rules.Session(code, start, frozenset(tr), frozenset(te))
        for code, (start, tr, te) in by_event.items()
    ]
    return rules.cascade(sessions), persons


def training_list(*, countries: list[str]):
    return (
        TrainingEvent.objects.filter(country__code__in=countries)
        .select_related("country", "site")
        .prefetch_related("participants__person")
    )


def trained_by_group(*, countries: list[str]) -> dict:
    """Distinct persons trained (as trainees), by country and institution and by site (the
    site of the event, else the person's own), each person counted once per group."""
    rows = Participation.objects.filter(
        role="trainee", event__country__code__in=countries
    ).values_list(
        "person_id",
        "event__country__code",
        "institution",
        "event__site__code",
        "person__site__code",
    )
    by_institution: dict = {}
    by_site: dict = {}
    for person, country, institution, event_site, own_site in rows:
        by_institution.setdefault((country, institution), set()).add(person)
        site = event_site or own_site
        if site:
            by_site.setdefault(site, set()).add(person)
    return {
        "institutions": sorted((c, i, len(p)) for (c, i), p in by_institution.items()),
        "sites": sorted((s, len(p)) for s, p in by_site.items()),
    }
