"""Which tables synchronisation carries, who writes them, and in which order they apply.

- **Master data** is written at the national node and sent to every depot: countries,
  organisations, sites, buildings, storage locations, weapon types, natures, checklists,
  licences, waivers, national rule overrides, lot suspensions, and the users and roles that
  cover the depot's site.
- **Site records** belong to one site and are written by the node that writes that site
  (``SiteWriter``): persons, weapons, vouchers and their lines, cases, counts, inspections,
  keys, ammunition balances. ``OWNER`` gives the path from a row to its site.
- **Shared** rows (ammunition lots) are written where the lot is received and read everywhere.

Node-local tables (sessions, tokens, imports, second-factor devices, the journal itself,
which travels as entries) are not carried. Photo files travel with their rows (``files``).
"""

from __future__ import annotations

from functools import cache

from django.apps import apps

MASTER = (
    "sites.Country",
    "sites.Organisation",
    "sites.Site",
    "sites.Building",
    "sites.StorageLocation",
    "accounts.User",
    "accounts.RoleGrant",
    "registry.WeaponType",
    "ammunition.Nature",
    "ammunition.RuleOverride",
    "ammunition.ExposedSite",
    "ammunition.Licence",
    "ammunition.Waiver",
    "ammunition.LotSuspension",
    "inspections.ChecklistTemplate",
    "inspections.ChecklistQuestion",
)
SHARED = ("ammunition.Lot",)
# site record -> the path from one of its rows to the id of the site it belongs to
OWNER = {
    "registry.Person": "site_id",
    "registry.Weapon": "site_id",
    "movements.Voucher": "site_id",
    "movements.VoucherLine": "voucher__site_id",
    "movements.VoucherSequence": "site_id",
    "movements.CaseSequence": "site_id",
    "movements.Discrepancy": "site_id",
    "movements.Destruction": "voucher__site_id",
    "ammunition.LotBalance": "site_id",
    "ammunition.QdReview": "site_id",
    "ammunition.LotInspection": "site_id",
    "inspections.Inspection": "site_id",
    "inspections.InspectionAnswer": "inspection__site_id",
    "inspections.CorrectiveAction": "inspection__site_id",
    "inspections.Key": "site_id",
    "inspections.KeyLoan": "key__site_id",
    "inspections.AccessEntry": "building__site_id",
    "inspections.Count": "site_id",
    "inspections.CountLotEntry": "count__site_id",
    "inspections.CountScan": "count__site_id",
    "registry.WeaponPhoto": "weapon__site_id",
    "inspections.InspectionPhoto": "inspection__site_id",
    "movements.DestructionPhoto": "destruction__voucher__site_id",
}
# national records a depot must see (written at national only, read at the depot): the
# trace requests naming a weapon the site holds, by the weapon identified or by its serial
NATIONAL = ("tracing.TraceRequest",)
# rows of another site that a depot must see, with the paths to the site they concern:
# transfers dispatched to it and what is on its way to it; and, for the sender, the receipts
# of its dispatches, the weapons they received and the cases they opened
ADDRESSED = {
    "movements.Voucher": ("destination_id", "dispatch__site_id"),
    "movements.VoucherLine": ("voucher__destination_id", "voucher__dispatch__site_id"),
    "registry.Weapon": ("destination_id", "voucher_lines__voucher__dispatch__site_id"),
    "registry.WeaponPhoto": ("weapon__destination_id",),
    "ammunition.LotBalance": ("in_transit_to_id",),
    "movements.Discrepancy": ("voucher__dispatch__site_id",),
}
# A row that another row of a bundle needs is carried with it; a user carried this way to a
# node whose site the user has no role on is carried without password, and inactive.
USER = "accounts.User"
ROLE = "accounts.RoleGrant"
PERSON = "registry.Person"
# Columns holding a weapon's holding as the ledger writes it ({"custodian": "person:<id>"}):
# the person named travels by its global id, as a reference column's row does.
HOLDINGS = {"movements.VoucherLine": ("before", "after")}


def model(label: str):
    return apps.get_model(label)


def table(label: str) -> str:
    return model(label)._meta.db_table


@cache
def ordered() -> tuple[str, ...]:
    """Every carried table's label, each after the tables it refers to."""
    labels = list(MASTER) + list(SHARED) + list(OWNER) + list(NATIONAL)
    done: list[str] = []
    pending = set(labels)
    while pending:
        progressed = False
        for label in labels:
            if label not in pending:
                continue
            needs = {
                f.related_model._meta.label
                for f in model(label)._meta.concrete_fields
                if f.is_relation and f.related_model._meta.label != label
            }
            if not (needs & pending):
                done.append(label)
                pending.discard(label)
                progressed = True
        if not progressed:
            raise RuntimeError(f"circular references between carried tables: {sorted(pending)}")
    return tuple(done)


@cache
def by_table() -> dict[str, str]:
    return {table(label): label for label in ordered()}


def national_for_site(label: str, site_id: int):
    """The rows of a NATIONAL table that concern the site ``site_id``."""
    from django.db.models import Q

    weapons = model("registry.Weapon").objects.filter(site_id=site_id)
    return model(label).objects.filter(
        Q(weapon__site_id=site_id)
        | Q(serial_norm__in=weapons.values("serial_norm")) & ~Q(serial_norm="")
    )


def carried_fields(label: str):
    """The columns a bundle carries for a table (every concrete field but the id)."""
    m = model(label)
    return [f for f in m._meta.concrete_fields if not f.primary_key]
