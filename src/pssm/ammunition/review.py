"""Re-evaluation of every site plan when the quantity-distance rules change.

The 2026.2 edition of the rules corrected the HD 1.2 and HD 1.3 distances (IATG 02.20 V3
Annexes H and L). :func:`qd_review` evaluates every explosive storehouse that holds stock under
the former edition and the current one, and records each storehouse in breach under the
current one (:class:`~pssm.ammunition.models.QdReview`), with the distances it needed before
and needs now; one journal entry per site. The migration that shipped the correction calls it
with its historical models; ``pssm qd review`` calls it again at any time.
"""

from __future__ import annotations

from django.apps import apps as live_apps
from django.utils import timezone

from pssm.domain.access import Scope
from pssm.domain.explosives.qd import fmt
from pssm.journal.services import journal_append

from .safety import STOREHOUSE, Models, evaluate, rules_for_country, site_plan, stock_by_building

FORMER_EDITION = "explosives_2026_1"


def qd_review(*, apps=None, actor=None, now=None, former: str = FORMER_EDITION) -> list[dict]:
    """Review every site holding ammunition in explosive storehouses; returns one dict per
    storehouse found in breach (site, building, HD, NEQ, breaches, in breach before)."""
    models = Models(apps)
    get = (apps or live_apps).get_model
    Site = get("sites", "Site")
    QdReview = get("ammunition", "QdReview")
    now = now or timezone.now()
    site_ids = (
        models.LotBalance.objects.filter(
            quantity__gt=0, location__building__kind=STOREHOUSE, location__isnull=False
        )
        .values_list("site_id", flat=True)
        .distinct()
    )
    found = []
    sites = Site.objects.filter(pk__in=list(site_ids)).select_related("organisation__country")
    for site in sites.order_by("code"):
        country = site.organisation.country.code
        current = rules_for_country(country, models=models)
        before = rules_for_country(country, models=models, base=former)
        edition = f"{current.name} {current.edition}"
        edition_before = f"{before.name} {before.edition}"
        plan = site_plan(site, models=models)
        stock = stock_by_building([b.pk for b in plan.storehouses], models=models)
        rows = []
        for building in plan.storehouses:
            items = stock.get(building.pk, [])
            if not items:
                continue
            now_ev = evaluate(building, items, current, plan)
            if not now_ev.violations:
                continue
            old_ev = evaluate(building, items, before, plan)
            old = {d.exposed.code: d for d in old_ev.distances}
            breaches = [
                {
                    "exposed_site": d.exposed.code,
                    "name": d.exposed.name,
                    "relationship": d.exposed.relationship,
                    "hd": d.hd,
                    "neq_kg": fmt(d.neq_kg),
                    "required_m": str(d.required_m),
                    "required_before_m": str(old[d.exposed.code].required_m)
                    if d.exposed.code in old
                    else "",
                    "actual_m": str(d.exposed.distance_m),
                    "rule": d.rule.id,
                }
                for d in now_ev.violations
            ]
            row = {
                "site": site.code,
                "building": building.code,
                "governing_hd": now_ev.agg.governing_hd,
                "neq_kg": fmt(now_ev.agg.neq_kg),
                "in_breach_before": bool(old_ev.violations),
                "breaches": breaches,
            }
            QdReview.objects.update_or_create(
                building_id=building.pk,
                ruleset=edition,
                defaults={
                    "site_id": site.pk,
                    "ruleset_before": edition_before,
                    "in_breach_before": row["in_breach_before"],
                    "governing_hd": row["governing_hd"],
                    "neq_kg": now_ev.agg.neq_kg,
                    "breaches": breaches,
                    "reviewed_at": now,
                },
            )
            rows.append(row)
        if rows:
            journal_append(
                actor=actor,
                kind="qd.reviewed",
                payload={"ruleset": edition, "ruleset_before": edition_before, "buildings": rows},
                scope=_scope(site),
                now=now,
            )
            found += rows
    return found


def _scope(site) -> Scope:
    return Scope(
        country=site.organisation.country.code,
        organisation=site.organisation.code,
        site=site.code,
    )
