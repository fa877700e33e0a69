"""The baseline: the whole state of the stock written to the journal at once.

A node that held stock before its journal entries carried their facts (see
:mod:`pssm.domain.replay`) cannot rebuild that stock from the older entries. The migration
that brought the facts writes the state as it stood then, in parts of ``PART`` weapons, as
``journal.baseline`` entries; the replay starts afresh at the first part. History before
the baseline stays protected by the hash chain; the state after it is rebuilt from facts.
"""

from __future__ import annotations

from pssm.domain.ledger import custodian_ref

from .services import journal_append

PART = 5000


def write_baseline(apps, *, actor=None) -> int:
    """Write the baseline entries (none when there is no stock); returns how many."""
    Weapon = apps.get_model("registry", "Weapon")
    LotBalance = apps.get_model("ammunition", "LotBalance")
    Site = apps.get_model("sites", "Site")
    StorageLocation = apps.get_model("sites", "StorageLocation")
    if not Weapon.objects.exists() and not LotBalance.objects.filter(quantity__gt=0).exists():
        return 0
    sites = dict(Site.objects.values_list("pk", "code"))
    locations = dict(StorageLocation.objects.values_list("pk", "code"))
    weapons, holds = [], []
    for row in Weapon.objects.order_by("pk").values_list(
        "uuid",
        "serial",
        "status",
        "site_id",
        "location_id",
        "custodian_id",
        "custodian_unit",
        "destination_id",
        "on_hold",
    ):
        uid, serial, status, site, loc, cust, unit, dest, hold = row
        holding = [
            status,
            sites[site],
            locations[loc] if loc else "",
            custodian_ref(cust, unit),
            sites[dest] if dest else "",
        ]
        weapons.append([str(uid), serial, None, holding])
        if hold:
            holds.append([str(uid), True])
    lots = [
        [lot, sites[site], locations[loc] if loc else "", sites[dest] if dest else "", qty]
        for lot, site, loc, dest, qty in LotBalance.objects.filter(quantity__gt=0)
        .order_by("pk")
        .values_list("lot__lot_number", "site_id", "location_id", "in_transit_to_id", "quantity")
    ]
    parts = max(1, -(-len(weapons) // PART))
    held = {uid for uid, _h in holds}
    for part in range(parts):
        chunk = weapons[part * PART : (part + 1) * PART]
        journal_append(
            actor=actor,
            kind="journal.baseline",
            payload={"part": part + 1, "parts": parts, "weapons": len(chunk)},
            facts={
                "ref": ["baseline", "journal"],
                "baseline": [part + 1, parts],
                "w": chunk,
                "h": [[w[0], True] for w in chunk if w[0] in held],
                "l": lots if part == 0 else [],
            },
        )
    return parts
