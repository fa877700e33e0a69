"""Reads the stock and the site plan, and asks :mod:`pssm.domain.explosives` whether they are
safe: compatibility, licence limits and quantity-distance, per explosive storehouse.

Used by the movement engine before a posting (:func:`check_posting`) and by the QD report
(:func:`site_report`). Distances are measured between the plan positions of buildings and
exposed sites (metres on the site plan)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps as live_apps
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pssm.domain.errors import ValidationError, gettext_noop
from pssm.domain.explosives import ExposedSite as PlanES
from pssm.domain.explosives import (
    check_compatibility,
    check_distances,
    check_licence,
    max_neq,
    parse_hazard_code,
)
from pssm.domain.explosives.compatibility import StockItem
from pssm.domain.explosives.qd import (
    Aggregate,
    DistanceCheck,
    Holding,
    aggregate_holdings,
    check_plausible,
    distance_rows,
    fmt,
)
from pssm.domain.rules import RuleSet, load
from pssm.sites.models import Building, Site

from .models import Licence, LotBalance, QdReview, Waiver

STOREHOUSE = Building.Kind.EXPLOSIVE_STOREHOUSE
PROCESS = Building.Kind.PROCESS_BUILDING


class SafetyError(ValidationError):
    code = "safety"
    default_message = gettext_noop("This movement breaks an explosives-safety rule.")


class Models:
    """The models the safety reads go through: the live ones, or a migration's historical
    ones (``Models(apps)``), so that a migration re-evaluates the plans with this code."""

    def __init__(self, apps=None):
        get = (apps or live_apps).get_model
        self.Building = get("sites", "Building")
        self.ExposedSite = get("ammunition", "ExposedSite")
        self.LotBalance = get("ammunition", "LotBalance")
        self.RuleOverride = get("ammunition", "RuleOverride")


def _models(models: Models | None) -> Models:
    return models or Models()


def rules_for_country(
    country_code: str, *, models: Models | None = None, base: str = "explosives"
) -> RuleSet:
    """The shipped rule set (``base``: the current one, or a former edition kept for
    comparison) with the country's active national overrides applied."""
    m = _models(models)
    rows = m.RuleOverride.objects.filter(
        country__code=country_code, revoked_at__isnull=True
    ).order_by("pk")
    shipped = load(base)
    rows = [r for r in rows if r.rule_id in shipped]
    return shipped.with_overrides(
        [
            {
                "rule": r.rule_id,
                "value": r.value,
                "by": r.created_by_name,
                "at": r.created_at.isoformat(),
                "reason": r.reason,
                "country": country_code,
            }
            for r in rows
        ]
    )


def rules_for_site(site: Site) -> RuleSet:
    return rules_for_country(site.organisation.country.code)


@dataclass
class Item:
    lot: str
    nature: str
    hazard_code: str
    condition: str
    quantity: int
    neq_per_unit: Decimal
    neq_per_round: Decimal | None = None  # the round's HE NEQ (HD 1.2 sub-division, HD 1.6)

    @property
    def neq_kg(self) -> Decimal:
        return self.neq_per_unit * self.quantity


def stock_by_building(building_ids, *, models: Models | None = None) -> dict[int, list[Item]]:
    """The lots lying in each building (one query)."""
    m = _models(models)
    out: dict[int, list[Item]] = defaultdict(list)
    rows = (
        m.LotBalance.objects.filter(location__building_id__in=list(building_ids), quantity__gt=0)
        .annotate(
            building_id=F("location__building_id"),
            lot_number=F("lot__lot_number"),
            nature_code=F("lot__nature__code"),
            hazard=F("lot__nature__hazard_code"),
            condition=F("lot__condition_code"),
            neq=F("lot__nature__neq_kg_per_unit"),
            round_neq=Coalesce("lot__nature__neq_kg_per_round", "lot__nature__neq_kg_per_unit"),
        )
        .values_list(
            "building_id",
            "lot_number",
            "nature_code",
            "hazard",
            "condition",
            "quantity",
            "neq",
            "round_neq",
        )
    )
    for bid, lot, nature, hazard, condition, qty, neq, round_neq in rows:
        out[bid].append(Item(lot, nature, hazard, condition, qty, neq, round_neq))
    return out


def site_neq_kg(site: Site, *, exclude_buildings=()) -> Decimal:
    """The NEQ (kg) held at ``site``, in store and on its way out, outside the given
    buildings (one query)."""
    neq = ExpressionWrapper(
        F("quantity") * F("lot__nature__neq_kg_per_unit"),
        output_field=DecimalField(max_digits=30, decimal_places=6),
    )
    total = (
        LotBalance.objects.filter(site=site, quantity__gt=0)
        .exclude(location__building_id__in=list(exclude_buildings))
        .aggregate(t=Sum(neq))["t"]
    )
    return Decimal(total or 0)


@dataclass
class Plan:
    site: Site
    storehouses: list[Building]
    targets: list[tuple[str, str, str, Decimal | None, Decimal | None, int | None]] = field(
        default_factory=list
    )  # (code, name, relationship, x, y, building id)
    placed: list = field(default_factory=list)  # the same with a position, as floats


def site_plan(site: Site, *, models: Models | None = None) -> Plan:
    m = _models(models)
    buildings = list(
        m.Building.objects.filter(
            site=site, is_active=True, kind__in=[STOREHOUSE, PROCESS]
        ).order_by("code")
    )
    plan = Plan(site, [b for b in buildings if b.kind == STOREHOUSE])
    plan.placed = []
    for b in buildings:
        rel = "inter_magazine" if b.kind == STOREHOUSE else "process_building"
        plan.targets.append((b.code, b.name, rel, b.plan_x_m, b.plan_y_m, b.pk))
    for es in m.ExposedSite.objects.filter(site=site, is_active=True).order_by("code"):
        plan.targets.append((es.code, es.name, es.relationship, es.plan_x_m, es.plan_y_m, None))
    plan.placed = [
        (code, name, rel, float(x), float(y), bid)
        for code, name, rel, x, y, bid in plan.targets
        if x is not None and y is not None
    ]
    return plan


def _distance(ax: float, ay: float, bx: float, by: float) -> Decimal:
    return Decimal(round(math.hypot(ax - bx, ay - by) * 10)).scaleb(-1)


def pes_type(building: Building) -> str:
    if building.storehouse_type == Building.StorehouseType.EARTH_COVERED:
        return "earth_covered_magazine"
    return "barricaded" if building.barricaded else building.storehouse_type


def exposed_for(pes: Building, plan: Plan) -> list[PlanES]:
    """The exposed sites of ``pes`` with their distances; those without a plan position are
    left out (the report lists them as unplaced)."""
    if pes.plan_x_m is None or pes.plan_y_m is None:
        return []
    px, py, pk = float(pes.plan_x_m), float(pes.plan_y_m), pes.pk
    return [
        PlanES(code, name, rel, _distance(px, py, x, y))
        for code, name, rel, x, y, bid in plan.placed
        if bid != pk
    ]


def current_licence(building: Building) -> Licence | None:
    return (
        Licence.objects.filter(building=building, revoked_at__isnull=True)
        .order_by("-issued_date", "-pk")
        .first()
    )


def active_waivers(building_ids, now=None) -> dict[int, dict[str, Waiver]]:
    now = now or timezone.now()
    out: dict[int, dict[str, Waiver]] = defaultdict(dict)
    for w in Waiver.objects.filter(
        building_id__in=list(building_ids),
        revoked_at__isnull=True,
        valid_from__lte=now,
        valid_until__gt=now,
    ).order_by("valid_until"):
        out[w.building_id][w.rule] = w
    return out


@dataclass
class Evaluation:
    building: Building
    items: list[Item]
    agg: Aggregate
    conflicts: list
    licence: Licence | None
    licence_breaches: list
    distances: list[DistanceCheck]
    max_neq: dict
    exposed: list = field(default_factory=list)

    @property
    def violations(self) -> list[DistanceCheck]:
        return [d for d in self.distances if d.status == "violation"]


def evaluate(
    building: Building,
    items: list[Item],
    rules: RuleSet,
    plan: Plan,
    licence=None,
    with_distances: bool = True,
) -> Evaluation:
    holdings = []
    stock_items = []
    for item in items:
        code = parse_hazard_code(item.hazard_code, rules)
        holdings.append(Holding(code, item.neq_kg, item.neq_per_round))
        stock_items.append(StockItem(code, item.nature, item.condition))
    agg = aggregate_holdings(holdings, rules)
    conflicts = check_compatibility(stock_items, rules)
    breaches = []
    if licence is not None:
        limits = {hd: Decimal(str(v)) for hd, v in (licence.limits_kg or {}).items()}
        breaches = check_licence(agg, limits, licence.permitted_groups)
    exposed = exposed_for(building, plan)
    ptype = pes_type(building)
    return Evaluation(
        building,
        items,
        agg,
        conflicts,
        licence,
        breaches,
        check_distances(agg, exposed, ptype, rules) if with_distances else [],
        max_neq(exposed, ptype, rules),
        exposed,
    )


def check_posting(
    site: Site, changes: dict[int, list[Item]], now=None, rules: RuleSet | None = None
) -> list[dict]:
    """Check each building in ``changes`` (building id → the lots it will hold after the
    posting). Raises :class:`SafetyError` naming the first unwaived breach (rule, figures,
    source); returns the waivers relied upon, for the journal."""
    if not changes:
        return []
    rules = rules or rules_for_site(site)
    lots: dict[str, Decimal] = defaultdict(Decimal)
    for items in changes.values():
        for item in items:
            lots[item.lot] += item.neq_kg
    elsewhere = site_neq_kg(site, exclude_buildings=list(changes))
    check_plausible(lot_neq_kg=dict(lots), site_neq_kg=elsewhere + sum(lots.values()), rules=rules)
    plan = site_plan(site)
    buildings = {b.pk: b for b in Building.objects.filter(pk__in=list(changes))}
    waivers = active_waivers(changes, now)
    used = []
    for bid, items in changes.items():
        building = buildings[bid]
        if building.kind != STOREHOUSE:
            if any(i.neq_kg > 0 for i in items):
                raise SafetyError(
                    gettext_noop(
                        "%(building)s is not an explosive storehouse: ammunition cannot be "
                        "stored there."
                    ),
                    params={"building": building.code},
                    details={"location": gettext_noop("Not an explosive storehouse.")},
                )
            continue
        licence = current_licence(building)
        if licence is None:
            raise SafetyError(
                gettext_noop(
                    "%(building)s has no explosives limit licence: ammunition cannot be "
                    "received there (IATG 02.30)."
                ),
                params={"building": building.code},
                details={"location": gettext_noop("No licence.")},
                code="no_licence",
            )
        ev = evaluate(building, items, rules, plan, licence)
        held = waivers.get(bid, {})
        blocking = [c for c in ev.conflicts if c.blocks]
        if blocking:
            c = blocking[0]
            if "compatibility" not in held:
                raise SafetyError(
                    gettext_noop(
                        "Incompatible storage in %(building)s: %(first)s with %(second)s "
                        "(rule %(rule)s: %(text)s Source: %(source)s)."
                    ),
                    params={
                        "building": building.code,
                        "first": c.first,
                        "second": c.second,
                        "rule": c.rule,
                        "text": c.wording,
                        "source": c.citation,
                    },
                    details={"conflicts": [x.as_dict() for x in blocking]},
                    code="incompatible",
                )
            used.append(_waiver_record(held["compatibility"], [x.as_dict() for x in blocking]))
        if ev.licence_breaches:
            b = ev.licence_breaches[0]
            if "licence" not in held:
                raise SafetyError(
                    gettext_noop(
                        "Licence %(licence)s of %(building)s: %(breach)s (rule %(rule)s)."
                    ),
                    params={
                        "licence": licence.number,
                        "building": building.code,
                        "breach": b.wording,
                        "rule": b.rule,
                    },
                    details={"licence": [x.as_dict() for x in ev.licence_breaches]},
                    code="licence_exceeded",
                )
            used.append(_waiver_record(held["licence"], [x.as_dict() for x in ev.licence_breaches]))
        if ev.violations:
            d = ev.violations[0]
            if "qd" not in held:
                raise SafetyError(
                    gettext_noop(
                        "Quantity-distance breach: %(building)s with %(neq)s kg NEQ of HD "
                        "%(hd)s needs %(required)s m to %(es)s (%(relationship)s), which is "
                        "%(actual)s m away (rule %(rule)s: k=%(k)s, minimum %(minimum)s m; "
                        "%(source)s)."
                    ),
                    params={
                        "building": building.code,
                        "neq": fmt(d.neq_kg),
                        "hd": d.hd,
                        "required": d.required_m,
                        "es": d.exposed.code,
                        "relationship": d.exposed.relationship,
                        "actual": d.exposed.distance_m,
                        "rule": d.rule.id,
                        "k": d.rule.extra["k"],
                        "minimum": d.rule.extra["minimum_m"],
                        "source": d.rule.source,
                    },
                    details={"distances": [x.as_dict() for x in ev.violations]},
                    code="qd_breach",
                )
            used.append(_waiver_record(held["qd"], [x.as_dict() for x in ev.violations]))
    return used


def _waiver_record(waiver: Waiver, breaches: list[dict]) -> dict:
    return {
        "waiver": waiver.pk,
        "building": waiver.building.code if waiver.building_id else "",
        "rule": waiver.rule,
        "valid_until": waiver.valid_until.isoformat(),
        "breaches": breaches,
    }


def site_report(site: Site, now=None) -> dict:
    """The QD report of ``site``: per explosive storehouse its stock aggregate, licence,
    compatibility, most NEQ per division, and every PES–ES pair with its status."""
    rules = rules_for_site(site)
    plan = site_plan(site)
    stock = stock_by_building(b.pk for b in plan.storehouses)
    licences = {}
    for lic in Licence.objects.filter(
        building__in=plan.storehouses, revoked_at__isnull=True
    ).order_by("building_id", "-issued_date", "-pk"):
        licences.setdefault(lic.building_id, lic)
    waivers = active_waivers([b.pk for b in plan.storehouses], now)
    rows, pairs, violations = [], 0, 0
    for b in plan.storehouses:
        ev = evaluate(b, stock.get(b.pk, []), rules, plan, licences.get(b.pk), with_distances=False)
        distances, bad = distance_rows(ev.agg, ev.exposed, pes_type(b), rules)
        pairs += len(distances)
        violations += bad
        rows.append(
            {
                "building": b.code,
                "name": b.name,
                "storehouse_type": b.storehouse_type,
                "placed": b.plan_x_m is not None and b.plan_y_m is not None,
                "x_m": None if b.plan_x_m is None else str(b.plan_x_m),
                "y_m": None if b.plan_y_m is None else str(b.plan_y_m),
                **ev.agg.as_dict(),
                "licence": ev.licence.number if ev.licence else "",
                "licence_limits_kg": ev.licence.limits_kg if ev.licence else {},
                "licence_breaches": [x.as_dict() for x in ev.licence_breaches],
                "conflicts": [c.as_dict() for c in ev.conflicts],
                "compatible": not any(c.blocks for c in ev.conflicts),
                "max_neq_kg": {hd: (None if q is None else str(q)) for hd, q in ev.max_neq.items()},
                "waivers": [
                    {
                        "rule": w.rule,
                        "valid_until": w.valid_until.isoformat(),
                        "justification": w.justification,
                    }
                    for w in waivers.get(b.pk, {}).values()
                ],
                "distances": distances,
            }
        )
    unplaced = [code for code, _n, _r, x, y, _b in plan.targets if x is None or y is None]
    in_breach = {
        row["building"] for row in rows if any(d["status"] == "violation" for d in row["distances"])
    }
    return {
        "reviews": review_rows(QdReview.objects.filter(site=site), in_breach),
        "site": site.code,
        "name": site.name,
        "ruleset": f"{rules.name} {rules.edition}",
        "storehouses": rows,
        "exposed_sites": [
            {
                "code": c,
                "name": n,
                "relationship": r,
                "x_m": None if x is None else str(x),
                "y_m": None if y is None else str(y),
            }
            for c, n, r, x, y, _b in plan.targets
        ],
        "unplaced": unplaced,
        "pairs": pairs,
        "violations": violations,
        "provisional_rules": sorted(r.id for r in rules.rules.values() if r.provisional),
    }


def review_rows(reviews, in_breach: set[str] | None = None) -> list[dict]:
    """The storehouses a rule correction found in breach (:mod:`.review`), newest edition
    first; ``in_breach`` (building codes in breach today) adds whether each still is."""
    out = []
    for r in reviews.select_related("site", "building").order_by(
        "-reviewed_at", "site__code", "building__code"
    ):
        out.append(
            {
                "site": r.site.code,
                "building": r.building.code,
                "name": r.building.name,
                "ruleset": r.ruleset,
                "ruleset_before": r.ruleset_before,
                "in_breach_before": r.in_breach_before,
                "governing_hd": r.governing_hd,
                "neq_kg": fmt(r.neq_kg),
                "breaches": r.breaches,
                "reviewed_at": r.reviewed_at.isoformat(),
                "still_in_breach": None if in_breach is None else r.building.code in in_breach,
            }
        )
    return out


__all__ = ["SafetyError", "check_posting", "evaluate", "rules_for_site", "site_report"]
