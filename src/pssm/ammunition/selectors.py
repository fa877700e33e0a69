"""Reads of the ammunition app, scoped by the caller's roles."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, ValidationError, gettext_noop
from pssm.domain.explosives import check_compatibility, parse_hazard_code
from pssm.domain.explosives.compatibility import StockItem
from pssm.domain.explosives.qd import (
    Holding,
    aggregate_holdings,
    check_neq,
    check_plausible,
    distance_table,
)
from pssm.domain.rules import load
from pssm.sites import selectors as site_selectors
from pssm.sites.models import Site

from .models import ExposedSite, Licence, Lot, LotBalance, Nature, QdReview, Waiver, nature_name
from .safety import review_rows, rules_for_country, site_report


def qd_for_stock(pairs: list[tuple], *, pes_type: str = "", country: str = "") -> dict:
    """Compatibility, aggregation and the required distance per relationship for a stock
    given as (hazard code, NEQ kg) or (hazard code, NEQ kg, HE NEQ of one round kg) tuples.
    Bad codes or masses, and stock no depot could hold, raise ValidationError."""
    if not pairs:
        raise ValidationError(gettext_noop("Give at least one hazard code and NEQ."))
    rules = rules_for_country(country) if country else load()
    site_max = Decimal(str(rules.value("NEQ.MAX_SITE_KG")))
    holdings = []
    items = []
    for pair in pairs:
        code_text, kg = pair[0], pair[1]
        per_round = pair[2] if len(pair) > 2 and pair[2] not in (None, "") else None
        code = parse_hazard_code(code_text, rules)
        neq = check_neq(kg, maximum=site_max)
        if per_round is not None:
            per_round = check_neq(per_round, "neq_kg_per_round", rules.value("NEQ.MAX_PER_UNIT_KG"))
        holdings.append(Holding(code, neq, per_round))
        items.append(StockItem(code, nature=str(code)))
    check_plausible(lot_neq_kg={}, site_neq_kg=sum(h.neq_kg for h in holdings), rules=rules)
    agg = aggregate_holdings(holdings, rules)
    conflicts = check_compatibility(items, rules)
    return {
        **agg.as_dict(),
        "compatible": not any(c.blocks for c in conflicts),
        "conflicts": [c.as_dict() for c in conflicts],
        "distances": distance_table(agg, pes_type, rules),
        "ruleset": f"{rules.name} {rules.edition}",
    }


def qd_site_report(*, user, site_code: str = "", site: Site | None = None) -> dict:
    """The QD report of a site in the user's reach (give its code, or the site already read)."""
    site = site or site_selectors.site_get(user=user, code=site_code.strip().upper())
    authz.check(user, Action.AGGREGATES_VIEW, site)
    return site_report(site)


def qd_review_list(*, user) -> list[dict]:
    """Storehouses in the user's reach that a correction of the QD rules found in breach."""
    reviews = authz.scoped(user, Action.AGGREGATES_VIEW, QdReview.objects.all())
    return review_rows(reviews)


def nature_list(*, user, query: str = ""):
    authz.check_anywhere(user, Action.GEO_VIEW)
    qs = Nature.objects.filter(is_active=True)
    if query:
        qs = qs.filter(
            Q(code__icontains=query)
            | Q(nomenclature__icontains=query)
            | Q(calibre__icontains=query)
        )
    return qs.order_by("code")


def lot_list(*, user, site: Site | None = None, query: str = ""):
    """Lots with stock in the user's reach, with their total per site (serial-level view)."""
    balances = authz.scoped(user, Action.SERIALS_VIEW, LotBalance.objects.filter(quantity__gt=0))
    if site is not None:
        balances = balances.filter(site=site)
    qs = (
        balances.values(
            "lot_id",
            "lot__lot_number",
            "lot__nature__code",
            "lot__nature__hazard_code",
            "lot__nature__neq_kg_per_unit",
            "lot__condition_code",
            "site__code",
            lot__nature__nomenclature=nature_name("lot__nature__"),  # in the user's language
        )
        .annotate(total=Sum("quantity"))
        .order_by("lot__lot_number", "site__code")
    )
    if query:
        qs = qs.filter(
            Q(lot__lot_number_norm__icontains=query.replace(" ", "").upper())
            | Q(lot__nature__code__icontains=query)
        )
    return qs


def stock_by_location(*, user, site: Site | None = None):
    """Every balance in a storage location, one row per lot and location, with what a stock
    list carries (the columns the ammunition import reads back)."""
    qs = authz.scoped(
        user,
        Action.SERIALS_VIEW,
        LotBalance.objects.filter(quantity__gt=0, location__isnull=False),
    )
    if site is not None:
        qs = qs.filter(site=site)
    return qs.select_related("lot__nature", "location", "site").order_by(
        "site__code", "location__code", "lot__lot_number"
    )


def lot_get(*, user, lot_id: int) -> tuple[Lot, list]:
    lot = Lot.objects.select_related("nature").filter(pk=lot_id).first()
    balances = list(
        authz.scoped(user, Action.SERIALS_VIEW, LotBalance.objects.filter(lot_id=lot_id))
        .select_related("site", "location", "in_transit_to")
        .order_by("site__code", "location__code")
    )
    if lot is None or not balances:
        raise NotFoundError(gettext_noop("No such lot in your reach."))
    return lot, balances


def licence_list(*, user, site: Site | None = None):
    qs = authz.scoped(user, Action.AGGREGATES_VIEW, Licence.objects.all()).select_related(
        "building"
    )
    if site is not None:
        qs = qs.filter(building__site=site)
    return qs.order_by("building__code", "-issued_date")


def waiver_list(*, user, site: Site | None = None):
    qs = authz.scoped(user, Action.AGGREGATES_VIEW, Waiver.objects.all()).select_related(
        "building", "granted_by"
    )
    if site is not None:
        qs = qs.filter(building__site=site)
    return qs


def exposed_site_list(*, user, site: Site):
    return authz.scoped(user, Action.GEO_VIEW, ExposedSite.objects.filter(site=site))
