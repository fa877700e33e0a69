"""Surveillance of ammunition lots (IATG 07.10, 07.20): inspection and stability-test records,
and the calendar of what is due, overdue or past its shelf life, per site, organisation and
country. The dates and bands are computed by :mod:`pssm.domain.surveillance`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain import surveillance as rules_of
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop
from pssm.domain.stock import normalise_lot_number
from pssm.journal.services import journal_append

from .models import (
    CONDITION_CHOICES,
    Lot,
    LotBalance,
    LotInspection,
    LotSuspension,
    nature_name,
)
from .safety import rules_for_site


def lot_inspection_record(
    *,
    actor,
    site,
    lot_number: str,
    kind: str,
    inspected_on: date,
    condition_code: str = "",
    stabiliser_percent=None,
    findings: str = "",
    reference: str = "",
    today: date | None = None,
) -> LotInspection:
    """Record an inspection or a stability test of a lot held at ``site``, by an ammunition
    technician of that site. A test needs the stabiliser content; its band (rule
    ``SURV.STABILISER_BANDS``) sets the retest or says the lot is to be disposed of."""
    authz.check(actor, Action.AMMUNITION_MANAGE, site)
    today = today or timezone.localdate()
    norm, _iatg = normalise_lot_number(lot_number or "")
    lot = (
        Lot.objects.filter(lot_number_norm=norm).select_related("nature").first() if norm else None
    )
    if lot is None or not LotBalance.objects.filter(lot=lot, site=site, quantity__gt=0).exists():
        raise NotFoundError(
            gettext_noop("Lot %(lot)s is not held at %(site)s."),
            params={"lot": (lot_number or "").strip(), "site": site.code},
            details={"lot_number": gettext_noop("Not held at this site.")},
        )
    if kind not in LotInspection.Kind.values:
        raise invalid(gettext_noop("Choose an inspection or a stability test."), "kind")
    if not isinstance(inspected_on, date):
        raise invalid(gettext_noop("Give the date of the inspection or test."), "inspected_on")
    rules_of.check_inspection_date(inspected_on, today, lot.year_of_manufacture)
    condition_code = (condition_code or "").strip().upper()
    if condition_code and condition_code not in dict(CONDITION_CHOICES):
        raise invalid(gettext_noop("Unknown condition code."), "condition_code")
    if kind == LotInspection.Kind.VISUAL and not condition_code:
        raise invalid(
            gettext_noop("An inspection records the condition code found."), "condition_code"
        )
    band = None
    percent = None
    if kind == LotInspection.Kind.STABILITY:
        if stabiliser_percent in (None, ""):
            raise invalid(
                gettext_noop("A stability test records the effective stabiliser content."),
                "stabiliser_percent",
            )
        rules = rules_for_site(site)
        rules_of.check_propellant(lot.nature.hazard_code, rules.value("SURV.PROPELLANT_GROUPS"))
        percent = rules_of.check_stabiliser(stabiliser_percent)
        band = rules_of.band_for(percent, rules_of.bands(rules.value("SURV.STABILISER_BANDS")))
    record = LotInspection(
        lot=lot,
        site=site,
        kind=kind,
        inspected_on=inspected_on,
        condition_code=condition_code,
        stabiliser_percent=percent,
        band=band.code if band else "",
        retest_years=band.retest_years if band else None,
        findings=(findings or "").strip()[:4000],
        reference=(reference or "").strip()[:80],
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_by_name=str(getattr(actor, "username", actor)),
    )
    with transaction.atomic():
        record.save()
        journal_append(
            actor=actor,
            kind="lot.inspected",
            payload={
                "lot": lot.lot_number,
                "site": site.code,
                "kind": kind,
                "inspected_on": inspected_on.isoformat(),
                "condition_code": condition_code,
                "stabiliser_percent": str(percent) if percent is not None else "",
                "band": record.band,
                "dispose": bool(band and band.dispose),
                "reference": record.reference,
            },
            scope=site.scope,
        )
    return record


def surveillance_calendar(*, user, site_code: str = "", today: date | None = None) -> list[dict]:
    """Every lot held at a site in the user's reach with its surveillance dates and state,
    the most urgent first (a fixed number of queries whatever the number of lots)."""
    from pssm.domain.rules import load

    authz.check_anywhere(user, Action.AGGREGATES_VIEW)
    today = today or timezone.localdate()
    balances = authz.scoped(
        user,
        Action.AGGREGATES_VIEW,
        LotBalance.objects.filter(quantity__gt=0, location__isnull=False),
    )
    if site_code:
        balances = balances.filter(site__code=site_code)
    held = list(
        balances.values(
            "lot_id",
            "site__code",
            "site__organisation__code",
            "site__organisation__country__code",
            "lot__lot_number",
            "lot__year_of_manufacture",
            "lot__created_at",
            "lot__nature__code",
            "lot__nature__shelf_life_years",
            "lot__nature__inspection_interval_months",
            lot__nature__nomenclature=nature_name("lot__nature__"),  # in the user's language
        )
        .annotate(quantity=Sum("quantity"))
        .order_by()
    )
    lot_ids = {row["lot_id"] for row in held}
    last_visual = dict(
        LotInspection.objects.filter(lot_id__in=lot_ids, kind=LotInspection.Kind.VISUAL)
        .values("lot_id")
        .annotate(last=Max("inspected_on"))
        .values_list("lot_id", "last")
    )
    tests: dict[int, LotInspection] = {}
    for test in LotInspection.objects.filter(
        lot_id__in=lot_ids, kind=LotInspection.Kind.STABILITY
    ).order_by("lot_id", "-inspected_on", "-pk"):
        tests.setdefault(test.lot_id, test)
    suspended = set(
        LotSuspension.objects.filter(lot_id__in=lot_ids, lifted_at__isnull=True).values_list(
            "lot_id", flat=True
        )
    )
    rules = load()
    bands = {b.code: b for b in rules_of.bands(rules.value("SURV.STABILISER_BANDS"))}
    due_soon = int(rules.value("SURV.DUE_SOON_DAYS"))
    rows = []
    for row in held:
        test = tests.get(row["lot_id"])
        last_test = None
        if test is not None and test.band in bands:
            last_test = (test.inspected_on, bands[test.band])
        a = rules_of.assess(
            today=today,
            year_of_manufacture=row["lot__year_of_manufacture"],
            shelf_life_years=row["lot__nature__shelf_life_years"],
            interval_months=row["lot__nature__inspection_interval_months"],
            received_on=timezone.localtime(row["lot__created_at"]).date(),
            last_inspection=last_visual.get(row["lot_id"]),
            last_test=last_test,
            due_soon_days=due_soon,
        )
        rows.append(
            {
                "site": row["site__code"],
                "organisation": row["site__organisation__code"],
                "country": row["site__organisation__country__code"],
                "lot": row["lot__lot_number"],
                "nature": row["lot__nature__code"],
                "nomenclature": row["lot__nature__nomenclature"],
                "quantity": row["quantity"],
                "suspended": row["lot_id"] in suspended,
                "last_inspection": last_visual.get(row["lot_id"]),
                "last_test": test,
                "shelf_life_end": a.shelf_life_end,
                "next_inspection": a.next_inspection,
                "next_test": a.next_test,
                "state": a.state.value,
                "days": a.days,
            }
        )
    order = {s.value: i for i, s in enumerate(rules_of.URGENCY)}
    rows.sort(key=lambda r: (order[r["state"]], r["days"] if r["days"] is not None else 10**6))
    return rows


def surveillance_summary(rows: list[dict], by: str = "site") -> list[dict]:
    """The calendar's rows counted by state per site, organisation or country."""
    groups: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        groups[row[by]][row["state"]] += 1
    return [{"code": code, **counts} for code, counts in sorted(groups.items())]


def lot_inspection_list(*, user, lot_number: str = ""):
    authz.check_anywhere(user, Action.AGGREGATES_VIEW)
    qs = authz.scoped(user, Action.AGGREGATES_VIEW, LotInspection.objects.all())
    if lot_number:
        norm, _iatg = normalise_lot_number(lot_number)
        qs = qs.filter(lot__lot_number_norm=norm)
    return qs.select_related("lot__nature", "site").order_by("-inspected_on", "-pk")
