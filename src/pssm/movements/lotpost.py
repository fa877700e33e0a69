"""The movement engine's part for ammunition lots: posting the lot lines of a voucher.

Checks, in this order: the lot's condition (no issue of suspended or unserviceable lots), a
lot frozen by an open case, that no balance goes negative, that a return brings back no more
than is out on issue, then, for every storehouse that receives ammunition, compatibility, the
licence limit and quantity-distance (:func:`pssm.ammunition.safety.check_posting`). Nothing is
written before every check has passed. The gaps of a transfer receipt come back as cases to
open; this module opens none itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from pssm.ammunition.models import Lot, LotBalance
from pssm.ammunition.safety import Item, check_posting, rules_for_site, stock_by_building
from pssm.ammunition.suspensions import check_not_suspended
from pssm.domain.errors import gettext_noop
from pssm.domain.ledger import Kind
from pssm.domain.stock import Place, StockError, apply_deltas, check_issuable, lot_deltas
from pssm.sites.models import StorageLocation

from .lots import check_not_frozen, lots_outstanding
from .models import Discrepancy, Voucher, VoucherLine


@dataclass
class LotOutcome:
    records: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    cases: list[dict] = field(default_factory=list)  # keyword arguments of cases.open_case


def post_lot_lines(v: Voucher, lines: list[VoucherLine], now) -> LotOutcome:
    """Post the lot lines of ``v`` inside the caller's transaction; raise on the first
    problem. Returns the journal records of the lines, their facts (``l``: quantities by
    place, ``c``: condition codes; see :mod:`pssm.domain.replay`) and the cases to open."""
    if not lines:
        return LotOutcome()
    k = v.kind_enum
    lot_ids = sorted({line.lot_id for line in lines})
    lots = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update().filter(pk__in=lot_ids).select_related("nature")
    }
    check_not_frozen(v.site, lots, k)
    check_not_suspended(lots, k)
    rules = rules_for_site(v.site)
    origin = v.dispatch.site.code if v.dispatch_id else ""
    listed = set()  # lots a posted receipt of the dispatch already took off the road
    if k is Kind.TRANSFER_RECEIPT:
        listed = _check_not_over_received(v, lines, lots)
    deltas, records, discrepancies, conditions = [], [], [], {}
    for line in lines:
        lot = lots[line.lot_id]
        if k is Kind.REVERSAL:
            done = line.reversed_line.after or {}
            moves = [(Place(**p), -d) for p, d in done.get("deltas", [])]
            if done.get("condition"):
                conditions[lot.pk] = done["condition"][0]
        elif k is Kind.CONDITION_CHANGE:
            moves = []
            conditions[lot.pk] = v.reason
        else:
            if k is Kind.ISSUE:
                check_issuable(lot.lot_number, lot.condition_code, rules)
            if k is Kind.TRANSFER_RECEIPT and line.quantity_received is None:
                line.quantity_received = 0
            late = k is Kind.TRANSFER_RECEIPT and line.lot_id in listed
            if late:  # units found after the first receipt: only into store
                got, here = line.quantity_received, line.location.code if line.location_id else ""
                moves = []
                if got:
                    moves = lot_deltas(Kind.RECEIPT, got, site=v.site.code, location=here)
            else:
                moves = lot_deltas(
                    k,
                    line.quantity,
                    site=v.site.code,
                    location=line.location.code if line.location_id else "",
                    destination=v.destination.code if v.destination_id else "",
                    origin=origin,
                    received=line.quantity_received,
                )
            # a late line's shortfall is still the first receipt's case
            if k is Kind.TRANSFER_RECEIPT and not late and line.quantity_received != line.quantity:
                discrepancies.append(line)
        for place, delta in moves:
            deltas.append((lot.lot_number, place, delta, lot))
        line.before = {"condition": lot.condition_code}
        line.after = {
            "deltas": [
                [{"site": p.site, "location": p.location, "destination": p.destination}, d]
                for p, d in moves
            ],
            **(
                {"condition": [lot.condition_code, conditions[lot.pk]]}
                if lot.pk in conditions
                else {}
            ),
        }
        records.append(
            {
                "lot": lot.lot_number,
                "nature": lot.nature.code,
                "quantity": line.quantity,
                "after": line.after,
            }
        )
    if k is Kind.RETURN:
        _check_outstanding(v, lines, lots)
    balances = _locked_balances(v, deltas)
    after = apply_deltas(
        {(lot, place): qty for (lot, place), (qty, _row) in balances.items()},
        [(lot, place, d) for lot, place, d, _obj in deltas],
    )
    waivers = _check_safety(v, deltas, after, lots, conditions, rules)
    _write_balances(v, balances, after, {lot.lot_number: lot for lot in lots.values()})
    for lot_id, code in conditions.items():
        Lot.objects.filter(pk=lot_id).update(condition_code=code)
    VoucherLine.objects.bulk_update(lines, ["before", "after", "quantity_received"])
    cases = [
        {
            "lot_id": line.lot_id,
            "kind": Discrepancy.Kind.SHORTAGE
            if line.quantity_received < line.quantity
            else Discrepancy.Kind.SURPLUS,
            "expected_quantity": line.quantity,
            "found_quantity": line.quantity_received,
            "found_location": line.location.code if line.location_id else "",
        }
        for line in discrepancies
    ]
    if waivers:
        records.append({"waivers_relied_upon": waivers})
    facts = {
        "l": [
            [lot_number, place.site, place.location, place.destination, delta]
            for lot_number, place, delta, _obj in deltas
        ],
        "c": [[lots[lot_id].lot_number, code] for lot_id, code in conditions.items()],
    }
    return LotOutcome(records, facts, cases)


def _check_not_over_received(v, lines, lots) -> set[int]:
    """A transfer receipt receives no more units of a lot than its dispatch sent less what
    its posted receipts received (all the voucher's lines of a lot together; the lots are
    locked, so two receipts of one dispatch are posted one after the other). Returns the lots
    a posted receipt of the dispatch already listed."""
    state = lots_outstanding(v.dispatch_id, besides=v.pk)
    now: dict[int, int] = defaultdict(int)
    for line in lines:
        now[line.lot_id] += line.quantity_received or 0
    for lot_id, got in now.items():
        sent, before, _listed = state.get(lot_id, (0, 0, False))
        if got > sent - before:
            raise StockError(
                gettext_noop(
                    "Lot %(lot)s: %(received)s units received, but transfer %(number)s sent "
                    "%(sent)s and %(before)s were already received."
                ),
                params={
                    "lot": lots[lot_id].lot_number,
                    "received": got,
                    "number": v.dispatch.number,
                    "sent": sent,
                    "before": before,
                },
                details={"quantity": gettext_noop("More than was sent.")},
                code="over_received",
            )
    return {lot_id for lot_id, (_s, _b, listed) in state.items() if listed}


def _locked_balances(v, deltas) -> dict:
    """Current balance rows of every place the posting touches, locked, keyed (lot, place)."""
    wanted = {(lot, place) for lot, place, _d, _obj in deltas}
    lot_ids = {obj.pk for _l, _p, _d, obj in deltas}
    out = {}
    rows = (
        LotBalance.objects.select_for_update(of=("self",))
        .filter(lot_id__in=lot_ids)
        .select_related("lot", "site", "location", "in_transit_to")
    )
    for row in rows:
        place = Place(
            row.site.code,
            location=row.location.code if row.location_id else "",
            destination=row.in_transit_to.code if row.in_transit_to_id else "",
        )
        key = (row.lot.lot_number, place)
        if key in wanted:
            out[key] = (row.quantity, row)
    return out


# What a posted line does to the quantity out on issue, by its kind (and, for a reversal, by
# the kind of the line it reverses).
_OUT_ON_ISSUE = {
    (Kind.ISSUE.value, None): 1,
    (Kind.RETURN.value, None): -1,
    (Kind.REVERSAL.value, Kind.ISSUE.value): -1,
    (Kind.REVERSAL.value, Kind.RETURN.value): 1,
}


def _check_outstanding(v, lines, lots) -> None:
    """A return brings back no more than was issued to this site and not yet returned (all
    the voucher's lines of a lot together; one query for every lot)."""
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.lot_id] += line.quantity
    out: dict[int, int] = defaultdict(int)
    rows = (
        VoucherLine.objects.filter(
            lot_id__in=list(wanted),
            voucher__site=v.site,
            voucher__state=Voucher.State.POSTED,
            voucher__kind__in=[Kind.ISSUE, Kind.RETURN, Kind.REVERSAL],
        )
        .values("lot_id", "voucher__kind", "reversed_line__voucher__kind")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for row in rows:
        sign = _OUT_ON_ISSUE.get((row["voucher__kind"], row["reversed_line__voucher__kind"]), 0)
        out[row["lot_id"]] += sign * (row["total"] or 0)
    for lot_id, quantity in wanted.items():
        if quantity > out[lot_id]:
            raise StockError(
                gettext_noop(
                    "Lot %(lot)s: %(wanted)s units returned, but only %(outstanding)s are "
                    "out on issue."
                ),
                params={
                    "lot": lots[lot_id].lot_number,
                    "wanted": quantity,
                    "outstanding": out[lot_id],
                },
                details={"quantity": gettext_noop("More than was issued.")},
            )


def _check_safety(v, deltas, after, lots, conditions, rules) -> list[dict]:
    """The stock each receiving storehouse will hold, checked before anything is written."""
    by_code = {}
    for lot in lots.values():
        by_code[lot.lot_number] = lot
    receiving_locations = {
        place.location for _l, place, d, _o in deltas if d > 0 and place.location
    }
    if not receiving_locations and not conditions:
        return []
    locations = {
        loc.code: loc
        for loc in StorageLocation.objects.filter(
            building__site=v.site, code__in=receiving_locations
        )
    }
    if conditions:  # a changed condition may break the separate-storage rule where the lot lies
        for row in LotBalance.objects.filter(
            lot_id__in=list(conditions), site=v.site, location__isnull=False, quantity__gt=0
        ).select_related("location"):
            locations[row.location.code] = row.location
    building_ids = {loc.building_id for loc in locations.values()}
    current = stock_by_building(building_ids)
    code_to_building = {
        loc.code: loc.building_id
        for loc in StorageLocation.objects.filter(building_id__in=building_ids)
    }
    # Net this posting's changes into each building's stock.
    changes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lot_number, place, delta, _obj in deltas:
        bid = code_to_building.get(place.location)
        if bid in building_ids:
            changes[bid][lot_number] += delta
    result: dict[int, list[Item]] = {}
    for bid in building_ids:
        items: dict[str, Item] = {}
        for item in current.get(bid, []):
            if item.lot in items:
                items[item.lot].quantity += item.quantity
            else:
                items[item.lot] = Item(
                    item.lot,
                    item.nature,
                    item.hazard_code,
                    item.condition,
                    item.quantity,
                    item.neq_per_unit,
                    item.neq_per_round,
                )
        for lot_number, delta in changes.get(bid, {}).items():
            lot = by_code[lot_number]
            if lot_number not in items:
                items[lot_number] = Item(
                    lot_number,
                    lot.nature.code,
                    lot.nature.hazard_code,
                    lot.condition_code,
                    0,
                    lot.nature.neq_kg_per_unit,
                    lot.nature.round_neq_kg,
                )
            items[lot_number].quantity += delta
        for lot in lots.values():
            if lot.pk in conditions and lot.lot_number in items:
                items[lot.lot_number].condition = conditions[lot.pk]
        result[bid] = [i for i in items.values() if i.quantity > 0]
    return check_posting(v.site, result, rules=rules)


def _write_balances(v, balances, after, lots_by_number) -> None:
    from pssm.sites.models import Site

    new_rows, changed = [], []
    site_ids = {}
    location_ids = {}
    for (lot_number, place), qty in after.items():
        existing = balances.get((lot_number, place))
        if existing is not None:
            row = existing[1]
            if row.quantity != qty:
                row.quantity = qty
                changed.append(row)
            continue
        site_ids.setdefault(place.site, None)
        if place.destination:
            site_ids.setdefault(place.destination, None)
        if place.location:
            location_ids.setdefault(place.location, None)
        new_rows.append((lot_number, place, qty))
    if new_rows:
        sites = dict(Site.objects.filter(code__in=list(site_ids)).values_list("code", "pk"))
        locs = dict(
            StorageLocation.objects.filter(code__in=list(location_ids)).values_list("code", "pk")
        )
        LotBalance.objects.bulk_create(
            [
                LotBalance(
                    lot=lots_by_number[lot_number],
                    site_id=sites[place.site],
                    location_id=locs.get(place.location) if place.location else None,
                    in_transit_to_id=sites[place.destination] if place.destination else None,
                    quantity=qty,
                )
                for lot_number, place, qty in new_rows
            ]
        )
    if changed:
        LotBalance.objects.bulk_update(changed, ["quantity"])
