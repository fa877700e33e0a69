"""Ammunition lot lines of vouchers: adding them to a draft (their posting is
:mod:`.lotpost`, a part of the movement engine).

The same vouchers, numbering, approval and journal as weapons (:mod:`.drafts`,
:mod:`.services`); a line here carries a lot and a whole number of units instead of a serial.
"""

from __future__ import annotations

from django.db.models import Sum

from pssm.ammunition.models import Lot, LotBalance, Nature
from pssm.ammunition.safety import rules_for_site
from pssm.ammunition.suspensions import check_not_suspended
from pssm.core.services import invalid
from pssm.domain.destruction import check_method_for_ammunition
from pssm.domain.errors import ConflictError, NotFoundError, gettext_noop
from pssm.domain.explosives.qd import check_lot_size
from pssm.domain.ledger import BLOCKED_WHEN_FROZEN, WEAPON_ONLY, Kind
from pssm.domain.stock import (
    check_issuable,
    normalise_lot_number,
)
from pssm.sites.models import StorageLocation

from .models import Discrepancy, Voucher, VoucherLine


def check_not_frozen(site, lots_by_id: dict, kind: Kind) -> None:
    """Refuse a movement out of store of a lot frozen at ``site`` by an open discrepancy case."""
    if kind not in BLOCKED_WHEN_FROZEN or not lots_by_id:
        return
    case = (
        Discrepancy.objects.filter(site=site, lot_id__in=list(lots_by_id))
        .exclude(state=Discrepancy.State.CLOSED)
        .order_by("pk")
        .first()
    )
    if case is not None:
        raise ConflictError(
            gettext_noop(
                "Lot %(lot)s is frozen at this site by discrepancy case %(case)s: it cannot be "
                "issued, sent or expended until the case is closed."
            ),
            params={"lot": lots_by_id[case.lot_id].lot_number, "case": case.number},
            details={"lot_number": gettext_noop("Frozen by a discrepancy case.")},
            code="frozen",
        )


def _quantity(value) -> int:
    try:
        q = int(str(value).strip())
    except (TypeError, ValueError):
        q = 0
    if q <= 0 or q > 10**9:
        raise invalid(gettext_noop("A quantity is a whole number of units above zero."), "quantity")
    return q


def find_or_register_lot(
    voucher: Voucher, lot_number: str, nature: Nature | None, details: dict
) -> Lot:
    norm, iatg = normalise_lot_number(lot_number)
    lot = Lot.objects.select_related("nature").filter(lot_number_norm=norm).first()
    if lot is not None:
        if nature is not None and lot.nature_id != nature.pk:
            raise ConflictError(
                gettext_noop(
                    "Lot %(lot)s is already registered as %(registered)s, not %(nature)s: a lot "
                    "number belongs to one nature."
                ),
                params={
                    "lot": lot.lot_number,
                    "registered": lot.nature.code,
                    "nature": nature.code,
                },
                details={"lot_number": gettext_noop("Registered with another nature.")},
            )
        return lot
    if voucher.kind_enum is not Kind.RECEIPT:
        raise NotFoundError(
            gettext_noop("No lot %(lot)s is registered."),
            params={"lot": lot_number},
            details={"lot_number": gettext_noop("Unknown lot.")},
        )
    if nature is None:
        raise invalid(gettext_noop("Choose the nature of this new lot."), "nature")
    condition = (details.get("condition_code") or "A").upper()
    if condition not in rules_for_site(voucher.site).value("COND.CODES"):
        raise invalid(gettext_noop("Unknown condition code."), "condition_code")
    year = details.get("year_of_manufacture")
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = -1
        if not 1900 <= year <= voucher.created_at.year:
            raise invalid(
                gettext_noop("The year of manufacture is not plausible."), "year_of_manufacture"
            )
    else:
        year = None
    lot = Lot.objects.create(
        nature=nature,
        lot_number=lot_number.strip(),
        lot_number_norm=norm,
        iatg_format=iatg,
        manufacturer=(details.get("manufacturer") or "").strip()[:80],
        year_of_manufacture=year,
        condition_code=condition,
    )
    return lot


def _source_location(voucher, lot, location):
    if location is not None:
        return location
    if (
        voucher.kind_enum in {Kind.RECEIPT, Kind.RETURN, Kind.TRANSFER_RECEIPT}
        and voucher.location_id
    ):
        return voucher.location
    held = list(
        LotBalance.objects.filter(
            lot=lot, site=voucher.site, location__isnull=False, quantity__gt=0
        )
        .select_related("location")
        .order_by("location__code")[:2]
    )
    if len(held) == 1:
        return held[0].location
    raise invalid(gettext_noop("Choose the storage location."), "location")


def lot_line_add(
    voucher: Voucher,
    *,
    lot_number: str,
    quantity,
    nature: Nature | None = None,
    location: StorageLocation | None = None,
    details: dict | None = None,
) -> VoucherLine:
    """Add a lot line to a locked draft (the caller holds the transaction and the lock)."""
    k = voucher.kind_enum
    rules = rules_for_site(voucher.site)  # the country's rule set, read once
    if k in WEAPON_ONLY:
        raise invalid(
            gettext_noop("This kind of voucher moves weapons, not ammunition lots."), "kind"
        )
    if k is Kind.DESTRUCTION:
        d = voucher.destruction
        check_method_for_ammunition(d.method, d.get_method_display())
    if k is Kind.REVERSAL:
        raise invalid(
            gettext_noop("A reversal takes its lines from the voucher it reverses."), "kind"
        )
    if location is not None and location.building.site_id != voucher.site_id:
        raise invalid(gettext_noop("This storage location belongs to another site."), "location")
    lot = find_or_register_lot(voucher, lot_number, nature, details or {})
    if k is Kind.TRANSFER_RECEIPT:
        return _receive_lot(voucher, lot, quantity, location)
    if k is Kind.CONDITION_CHANGE:
        total = (
            LotBalance.objects.filter(lot=lot, site=voucher.site).aggregate(t=Sum("quantity"))["t"]
            or 0
        )
        if not total:
            raise invalid(
                gettext_noop("Lot %(lot)s has no stock at this site."),
                "lot_number",
                lot=lot.lot_number,
            )
        qty, location = total, None
    else:
        qty = _quantity(quantity)
        location = _source_location(voucher, lot, location)
        check_lot_size(
            lot=lot.lot_number,
            quantity=qty,
            neq_kg_per_unit=lot.nature.neq_kg_per_unit,
            max_quantity=lot.nature.max_lot_quantity,
            rules=rules,
        )
    if k is Kind.ISSUE:
        check_issuable(lot.lot_number, lot.condition_code, rules)
    check_not_frozen(voucher.site, {lot.pk: lot}, k)
    check_not_suspended({lot.pk: lot}, k)
    if voucher.lines.filter(lot=lot, location=location).exists():
        raise ConflictError(
            gettext_noop("Lot %(lot)s is already on this voucher for this location."),
            params={"lot": lot.lot_number},
            details={"lot_number": gettext_noop("Already on this voucher.")},
        )
    return VoucherLine.objects.create(
        voucher=voucher, lot=lot, quantity=qty, location=location, serial=""
    )


def lots_outstanding(dispatch_id: int, *, besides: int | None = None) -> dict[int, tuple]:
    """Per lot of a dispatch: (units sent, units received by its posted receipts, whether a
    posted receipt listed the lot), ``besides`` a receipt left out (the one being posted).
    The first receipt listing a lot takes all its units off the road, whatever arrived; the
    units still to receive are sent − received (two queries, whatever the lines)."""
    sent = (
        VoucherLine.objects.filter(voucher_id=dispatch_id, lot__isnull=False)
        .values("lot_id")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    got = VoucherLine.objects.filter(
        voucher__dispatch_id=dispatch_id,
        voucher__kind=Kind.TRANSFER_RECEIPT,
        voucher__state=Voucher.State.POSTED,
        lot__isnull=False,
    )
    if besides is not None:
        got = got.exclude(voucher_id=besides)
    received = {
        row["lot_id"]: row["n"] or 0
        for row in got.values("lot_id").annotate(n=Sum("quantity_received")).order_by()
    }
    return {
        row["lot_id"]: (row["n"], received.get(row["lot_id"], 0), row["lot_id"] in received)
        for row in sent
    }


def _receive_lot(voucher, lot, quantity, location) -> VoucherLine:
    line = voucher.lines.filter(lot=lot).first()
    if line is None:
        raise invalid(
            gettext_noop("Lot %(lot)s is not on the dispatch voucher."),
            "lot_number",
            lot=lot.lot_number,
        )
    try:
        got = int(str(quantity).strip())
    except (TypeError, ValueError):
        got = -1
    if got < 0:
        raise invalid(gettext_noop("Count the units received (zero if none arrived)."), "quantity")
    if got > line.quantity:  # the line holds what is still to receive of the dispatch
        raise invalid(
            gettext_noop(
                "Lot %(lot)s: %(received)s units received, but only %(outstanding)s are still "
                "to be received from this transfer."
            ),
            "quantity",
            lot=lot.lot_number,
            received=got,
            outstanding=line.quantity,
        )
    line.quantity_received = got
    line.location = location or voucher.location
    line.received = True
    line.save(update_fields=["quantity_received", "location", "received"])
    return line
