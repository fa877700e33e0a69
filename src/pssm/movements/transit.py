"""Reads of what is in transit between sites: each posted dispatch, its age and what has not
been received yet (weapons still in transit to the destination, lots of which fewer units
were received than sent), with the open cases of its receipts.

A weapon in transit belongs to exactly one dispatch: the last posted transfer that names it
(it cannot be sent again before it is received). The counts are subqueries of the page's
query, so the page costs the same few statements whatever the number of dispatches.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from pssm.domain.ledger import Kind, Status

from .models import Discrepancy, Voucher, VoucherLine
from .selectors import vouchers_visible

OUTSTANDING_SHOWN = 12  # serials listed per dispatch; the voucher lists them all


def outstanding_weapon_lines() -> QuerySet[VoucherLine]:
    """Lines of posted dispatches whose weapon is still in transit from that dispatch."""
    later = VoucherLine.objects.filter(
        weapon_id=OuterRef("weapon_id"),
        voucher__kind=Kind.TRANSFER,
        voucher__state=Voucher.State.POSTED,
        voucher__posted_at__gt=OuterRef("voucher__posted_at"),
    )
    return VoucherLine.objects.filter(
        voucher__kind=Kind.TRANSFER,
        voucher__state=Voucher.State.POSTED,
        weapon__status=Status.IN_TRANSIT,
        weapon__destination_id=F("voucher__destination_id"),
    ).exclude(Exists(later))


def _lot_lines_outstanding() -> QuerySet[VoucherLine]:
    """Lot lines of dispatches with units still to receive: the lot's units sent by the
    dispatch are more than its posted receipts received."""
    same_lot = {"lot_id": OuterRef("lot_id")}
    sent = (
        VoucherLine.objects.filter(voucher_id=OuterRef("voucher_id"), **same_lot)
        .order_by()
        .values("lot_id")
        .annotate(n=Sum("quantity"))
        .values("n")[:1]
    )
    got = (
        VoucherLine.objects.filter(
            voucher__dispatch_id=OuterRef("voucher_id"),
            voucher__kind=Kind.TRANSFER_RECEIPT,
            voucher__state=Voucher.State.POSTED,
            **same_lot,
        )
        .order_by()
        .values("lot_id")
        .annotate(n=Sum("quantity_received"))
        .values("n")[:1]
    )
    return (
        VoucherLine.objects.filter(lot__isnull=False)
        .annotate(
            sent=Subquery(sent, output_field=IntegerField()),
            got=Coalesce(Subquery(got, output_field=IntegerField()), 0),
        )
        .filter(sent__gt=F("got"))
    )


def _count(qs: QuerySet, key: str):
    return Coalesce(
        Subquery(
            qs.filter(**{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def dispatches_outstanding(qs: QuerySet[Voucher]) -> QuerySet[Voucher]:
    """The posted dispatches of ``qs`` with something not received yet, annotated with
    ``weapons_outstanding``, ``lots_outstanding``, ``lines_total`` and ``cases_open``."""
    received = Voucher.objects.filter(
        dispatch_id=OuterRef("pk"), kind=Kind.TRANSFER_RECEIPT, state=Voucher.State.POSTED
    )
    lot_lines = VoucherLine.objects.filter(lot__isnull=False)
    return (
        qs.filter(kind=Kind.TRANSFER, state=Voucher.State.POSTED)
        .annotate(
            weapons_outstanding=_count(outstanding_weapon_lines(), "voucher_id"),
            lot_lines=_count(lot_lines, "voucher_id"),
            lines_total=_count(VoucherLine.objects.all(), "voucher_id"),
            cases_open=_count(
                Discrepancy.objects.exclude(state=Discrepancy.State.CLOSED),
                "voucher__dispatch_id",
            ),
            any_receipt=Exists(received),
        )
        .annotate(
            lots_outstanding=Coalesce(
                Subquery(
                    _lot_lines_outstanding()
                    .filter(voucher_id=OuterRef("pk"))
                    .order_by()
                    .values("voucher_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            )
        )
        .filter(Q(weapons_outstanding__gt=0) | Q(lots_outstanding__gt=0))
    )


def in_transit_list(*, user, site: str = "") -> QuerySet[Voucher]:
    """What the user may see in transit (sent by or to the sites they see), oldest first;
    ``site`` keeps the dispatches sent by or to that site."""
    qs = vouchers_visible(user)
    if site:
        qs = qs.filter(Q(site__code=site) | Q(destination__code=site))
    return (
        dispatches_outstanding(qs)
        .select_related("site", "destination", "prepared_by", "approved_by")
        .order_by("posted_at", "pk")
    )


def outstanding_serials(dispatch_ids: list[int]) -> dict[int, list[str]]:
    """Up to OUTSTANDING_SHOWN serials still in transit per dispatch (one statement)."""
    out: dict[int, list[str]] = {pk: [] for pk in dispatch_ids}
    rows = (
        outstanding_weapon_lines()
        .filter(voucher_id__in=dispatch_ids)
        .order_by("voucher_id", "pk")
        .values_list("voucher_id", "weapon__serial")
    )
    for voucher_id, serial in rows:
        if len(out[voucher_id]) < OUTSTANDING_SHOWN:
            out[voucher_id].append(serial)
    return out


def age_days(posted_at: datetime, now: datetime) -> int:
    return max(0, (now - posted_at).days)
