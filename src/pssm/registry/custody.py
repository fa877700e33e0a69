"""Reads of custody: what a person holds and since when, their history, and the weapons
overdue for return (pssm.domain.custody decides when a hand-over is due back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from pssm.domain import custody
from pssm.domain.ledger import Status, custodian_ref
from pssm.movements.models import Voucher, VoucherLine

from .models import Person, Weapon
from .selectors import WEAPON_RELATED, weapons_visible

HANDOVER_KINDS = (custody.ISSUE, custody.LOAN)


def return_policy() -> custody.ReturnPolicy:
    """The node's limits: PSSM_LOAN_DAYS (default 30) and PSSM_ISSUE_DAYS (default: none)."""
    return custody.ReturnPolicy(
        loan_days=settings.PSSM_LOAN_DAYS or None, issue_days=settings.PSSM_ISSUE_DAYS or None
    )


def _handover():
    """The last posted issue or loan line of the weapon (the hand-over that put it where it
    is, since a return, transfer or loss would have followed it)."""
    return VoucherLine.objects.filter(
        weapon=OuterRef("pk"), voucher__state=Voucher.State.POSTED, voucher__kind__in=HANDOVER_KINDS
    ).order_by("-voucher__posted_at", "-pk")


def held_weapons(*, user) -> QuerySet[Weapon]:
    """Weapons held by a person or a unit, each with ``held_since``, ``held_kind`` and
    ``held_voucher`` (id) and ``held_number`` of the voucher that handed it over."""
    last = _handover()
    return (
        weapons_visible(user)
        .filter(status=Status.ISSUED)
        .select_related(*WEAPON_RELATED)
        .annotate(
            held_since=Subquery(last.values("voucher__posted_at")[:1]),
            held_kind=Subquery(last.values("voucher__kind")[:1]),
            held_voucher=Subquery(last.values("voucher_id")[:1]),
            held_number=Subquery(last.values("voucher__number")[:1]),
        )
    )


@dataclass
class Holding:
    weapon: Weapon
    since: datetime | None
    kind: str
    voucher_id: int | None
    number: str
    days_held: int
    due: datetime | None
    days_overdue: int


def _holdings(weapons, now: datetime, policy: custody.ReturnPolicy) -> list[Holding]:
    rows = []
    for w in weapons:
        since = w.held_since
        rows.append(
            Holding(
                weapon=w,
                since=since,
                kind=w.held_kind or "",
                voucher_id=w.held_voucher,
                number=w.held_number or "",
                days_held=custody.days_held(since, now) if since else 0,
                due=custody.due_back(w.held_kind or "", since, policy) if since else None,
                days_overdue=custody.days_overdue(w.held_kind or "", since, now, policy)
                if since
                else 0,
            )
        )
    return rows


def person_holdings(*, user, person: Person, now: datetime | None = None) -> list[Holding]:
    """What ``person`` holds now, oldest hand-over first."""
    now = now or timezone.now()
    weapons = held_weapons(user=user).filter(custodian=person).order_by("held_since", "pk")
    return _holdings(weapons, now, return_policy())


def person_history(*, user, person: Person) -> QuerySet[VoucherLine]:
    """Every posted movement that handed a weapon to ``person`` or took one back, newest
    first (what the person held before and after is in each line's holdings).

    The weapons ever handed to the person are found first (an indexed look-up by the
    vouchers' custodian), then only their lines are read."""
    ref = custodian_ref(person.pk)
    handed = VoucherLine.objects.filter(
        voucher__custodian=person, voucher__state=Voucher.State.POSTED, weapon__isnull=False
    ).values_list("weapon_id", flat=True)
    weapon_ids = list(
        weapons_visible(user).filter(pk__in=list(handed)).values_list("pk", flat=True)
    )
    return (
        VoucherLine.objects.filter(voucher__state=Voucher.State.POSTED, weapon_id__in=weapon_ids)
        .filter(Q(voucher__custodian=person) | Q(before__custodian=ref) | Q(after__custodian=ref))
        .select_related("voucher", "voucher__site", "weapon", "weapon__weapon_type")
        .order_by("-voucher__posted_at", "-pk")
    )


def overdue_list(*, user, filters: dict | None = None, now: datetime | None = None) -> list:
    """Weapons whose hand-over is past its due date, most overdue first."""
    now = now or timezone.now()
    policy = return_policy()
    f = filters or {}
    due = Q(pk__in=[])
    for kind in HANDOVER_KINDS:
        cutoff = custody.since_cutoff(kind, now, policy)
        if cutoff is not None:
            due |= Q(held_kind=kind, held_since__lt=cutoff)
    qs = held_weapons(user=user).filter(due)
    if f.get("site"):
        qs = qs.filter(site__code=f["site"])
    if f.get("kind") in HANDOVER_KINDS:
        qs = qs.filter(held_kind=f["kind"])
    return sorted(_holdings(qs, now, policy), key=lambda h: (-h.days_overdue, h.weapon.pk))
