"""Compliance dashboard: per site, organisation and country, the counts due and overdue, open
discrepancy cases and their age, the latest inspection score and RRPL level, and the open
corrective actions; the model installations side by side. Aggregates only (no serials), so
the programme's viewers see it too; a fixed number of queries whatever the number of sites."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count as N
from django.db.models import Max, Min, Q
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain import count_policies
from pssm.domain.access import Action
from pssm.sites.models import Site

from .models import CorrectiveAction, Count, Inspection


@dataclass
class Row:
    """One site, or the sum over the sites of an organisation or a country."""

    code: str
    name: str
    sites: int = 1
    model_installation: bool = False
    counts_overdue: int = 0
    counts_due_soon: int = 0
    most_overdue_days: int = 0
    last_count: date | None = None
    open_cases: int = 0
    oldest_case_days: int | None = None
    losses_open: int = 0
    inspection_percent: float | None = None
    inspection_level: int | None = None
    inspected_on: date | None = None
    open_actions: int = 0
    overdue_actions: int = 0
    calendar: list = field(default_factory=list)

    def add(self, other: Row) -> None:
        self.sites += other.sites
        self.counts_overdue += other.counts_overdue
        self.counts_due_soon += other.counts_due_soon
        self.most_overdue_days = max(self.most_overdue_days, other.most_overdue_days)
        self.open_cases += other.open_cases
        self.losses_open += other.losses_open
        if other.oldest_case_days is not None:
            self.oldest_case_days = max(self.oldest_case_days or 0, other.oldest_case_days)
        self.open_actions += other.open_actions
        self.overdue_actions += other.overdue_actions
        if other.inspection_level is not None:
            # the weakest site sets the level of the group
            self.inspection_level = (
                other.inspection_level
                if self.inspection_level is None
                else min(self.inspection_level, other.inspection_level)
            )


def visible_sites(user):
    authz.check_anywhere(user, Action.AGGREGATES_VIEW)
    return authz.scoped(
        user,
        Action.AGGREGATES_VIEW,
        Site.objects.filter(is_active=True).select_related("organisation__country"),
    )


def site_rows(sites, today: date | None = None) -> list[Row]:
    from pssm.movements.models import Discrepancy

    today = today or timezone.localdate()
    sites = list(sites.order_by("code"))
    ids = [s.pk for s in sites]
    last = defaultdict(dict)
    any_last = {}
    for row in (
        Count.objects.filter(site_id__in=ids, state=Count.State.CLOSED)
        .values("site_id", "policy")
        .annotate(last=Max("closed_at"))
    ):
        day = timezone.localtime(row["last"]).date()
        if row["policy"]:
            last[row["site_id"]][row["policy"]] = day
        any_last[row["site_id"]] = max(any_last.get(row["site_id"], day), day)
    cases = {
        r["site_id"]: r
        for r in Discrepancy.objects.filter(site_id__in=ids)
        .exclude(state=Discrepancy.State.CLOSED)
        .values("site_id")
        .annotate(
            n=N("pk"),
            oldest=Min("created_at"),
            losses=N("pk", filter=Q(kind__in=["missing", "shortage"])),
        )
    }
    latest = {}
    for i in (
        Inspection.objects.filter(site_id__in=ids, state=Inspection.State.CLOSED)
        .order_by("site_id", "-inspected_on", "-pk")
        .only("site_id", "score_ratio", "level", "inspected_on")
    ):
        latest.setdefault(i.site_id, i)
    actions = {
        r["inspection__site_id"]: r
        for r in CorrectiveAction.objects.filter(
            inspection__site_id__in=ids, closed_at__isnull=True
        )
        .values("inspection__site_id")
        .annotate(n=N("pk"), late=N("pk", filter=Q(due_date__lt=today)))
    }
    rows = []
    for s in sites:
        cal = count_policies.calendar(
            s.kind,
            s.organisation.country.code,
            last.get(s.pk, {}),
            timezone.localtime(s.created_at).date(),
            today,
        )
        c, i, a = cases.get(s.pk), latest.get(s.pk), actions.get(s.pk)
        overdue = [d for d in cal if d.state == count_policies.DueState.OVERDUE]
        rows.append(
            Row(
                code=s.code,
                name=s.name,
                model_installation=s.is_model_installation,
                counts_overdue=len(overdue),
                counts_due_soon=sum(d.state == count_policies.DueState.DUE_SOON for d in cal),
                most_overdue_days=max((d.days_overdue for d in overdue), default=0),
                last_count=any_last.get(s.pk),
                open_cases=c["n"] if c else 0,
                oldest_case_days=(today - timezone.localtime(c["oldest"]).date()).days
                if c
                else None,
                losses_open=c["losses"] if c else 0,
                inspection_percent=i.percent if i else None,
                inspection_level=i.level if i else None,
                inspected_on=i.inspected_on if i else None,
                open_actions=a["n"] if a else 0,
                overdue_actions=a["late"] if a else 0,
                calendar=cal,
            )
        )
    return rows


def grouped(sites, rows: list[Row], by: str) -> list[Row]:
    """Sum the site rows per organisation or per country."""
    if by == "site":
        return rows
    by_code = {s.code: s for s in sites}
    groups: dict[str, Row] = {}
    for row in rows:
        site = by_code[row.code]
        owner = site.organisation if by == "organisation" else site.organisation.country
        group = groups.get(owner.code)
        if group is None:
            group = groups[owner.code] = Row(code=owner.code, name=owner.name, sites=0)
        group.add(row)
    return sorted(groups.values(), key=lambda g: g.code)


def losses(user, days: int = 90) -> dict:
    """Losses and thefts in the user's reach: open cases of missing weapons or lot shortages,
    and loss reports posted in the last ``days`` days. Serial-level for those who see serials;
    a number only for the others."""
    from datetime import timedelta

    from pssm.domain.ledger import Kind
    from pssm.movements.models import Discrepancy, Voucher

    since = timezone.now() - timedelta(days=days)
    lost_kinds = [Discrepancy.Kind.MISSING, Discrepancy.Kind.SHORTAGE]
    if authz.can_anywhere(user, Action.SERIALS_VIEW):
        cases = list(
            authz.scoped(
                user,
                Action.SERIALS_VIEW,
                Discrepancy.objects.filter(kind__in=lost_kinds)
                .exclude(state=Discrepancy.State.CLOSED)
                .select_related("site", "lot"),
            ).order_by("created_at")[:50]
        )
        reports = list(
            authz.scoped(
                user,
                Action.SERIALS_VIEW,
                Voucher.objects.filter(
                    kind=Kind.LOSS, state=Voucher.State.POSTED, posted_at__gte=since
                ).select_related("site"),
            )
            .prefetch_related("lines__lot")
            .order_by("-posted_at")[:50]
        )
        return {"cases": cases, "reports": reports, "serials": True, "days": days}
    scoped_cases = authz.scoped(
        user,
        Action.AGGREGATES_VIEW,
        Discrepancy.objects.filter(kind__in=lost_kinds).exclude(state=Discrepancy.State.CLOSED),
    )
    scoped_reports = authz.scoped(
        user,
        Action.AGGREGATES_VIEW,
        Voucher.objects.filter(kind=Kind.LOSS, state=Voucher.State.POSTED, posted_at__gte=since),
    )
    return {
        "case_count": scoped_cases.count(),
        "report_count": scoped_reports.count(),
        "serials": False,
        "days": days,
    }
