"""The facts of a copy: what a node took from another, in the journal's replay form
(:mod:`pssm.domain.replay`, ``mirror``), read back from the rows just written."""

from __future__ import annotations

from pssm.ammunition.models import LotBalance
from pssm.domain.ledger import custodian_ref
from pssm.registry.models import Weapon
from pssm.sites.models import Site, StorageLocation


def holdings(weapon_ids) -> dict[int, tuple[str, str, list, bool]]:
    """Each weapon's uuid, serial, holding (the replay's form) and hold, by id."""
    sites = dict(Site.objects.values_list("pk", "code"))
    locations = dict(StorageLocation.objects.values_list("pk", "code"))
    out = {}
    weapon_ids = list(weapon_ids)
    for start in range(0, len(weapon_ids), 5000):
        part = weapon_ids[start : start + 5000]
        for pk, uid, serial, status, site, loc, cust, unit, dest, hold in (
            Weapon.objects.filter(pk__in=part)
            .order_by("pk")
            .values_list(
                "pk",
                "uuid",
                "serial",
                "status",
                "site_id",
                "location_id",
                "custodian_id",
                "custodian_unit",
                "destination_id",
                "on_hold",
            )
        ):
            holding = [
                status,
                sites[site],
                locations[loc] if loc else "",
                custodian_ref(cust, unit),
                sites[dest] if dest else "",
            ]
            out[pk] = (str(uid), serial, holding, bool(hold))
    return out


def mirror(weapon_ids, balance_ids, ref, before: dict | None = None) -> dict:
    """``before`` (see :func:`holdings`, taken before the copy was written) gives, for the
    weapons this node already held a record of, the state the copy changes: a copy that
    says what it changes may change it (a transfer received at the other end); one that does
    not must agree with the journal."""
    sites = dict(Site.objects.values_list("pk", "code"))
    locations = dict(StorageLocation.objects.values_list("pk", "code"))
    before = before or {}
    w, h = [], []
    for pk, (uid, serial, holding, hold) in sorted(holdings(weapon_ids).items()):
        was = before.get(pk)
        w.append([uid, serial, was[2] if was else None, holding])
        h.append([uid, hold])
    lots = []
    for start in range(0, len(balance_ids), 5000):
        part = balance_ids[start : start + 5000]
        lots += [
            [lot, sites[site], locations[loc] if loc else "", sites[dest] if dest else "", qty]
            for lot, site, loc, dest, qty in LotBalance.objects.filter(pk__in=part)
            .order_by("pk")
            .values_list(
                "lot__lot_number", "site_id", "location_id", "in_transit_to_id", "quantity"
            )
        ]
    return {"mirror": True, "ref": ref, "w": w, "h": h, "l": lots}
