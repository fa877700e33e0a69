"""Suspension of a lot number (IATG 07.20: a lot found or suspected defective is withdrawn from
use wherever it lies).

An ammunition technician who holds the lot at one of their sites, or the national authority,
suspends a lot with a reason and a reference (a report, a message from the manufacturer).
From then on the lot cannot be issued, sent or expended at any site
(:func:`check_not_suspended`, called when a line is added and again at posting); it can still
be returned, received, counted or given a new condition code. The sites that hold it see it
on their dashboard. Lifting the suspension is journaled with its reason.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain.access import Action, Scope
from pssm.domain.errors import ConflictError, NotFoundError, gettext_noop
from pssm.domain.ledger import Kind
from pssm.domain.stock import normalise_lot_number
from pssm.journal.services import journal_append
from pssm.sites.models import Site

from .models import Lot, LotBalance, LotSuspension

# What a suspended lot may not do (a return, a receipt, a count or a condition change may).
BLOCKED = frozenset({Kind.ISSUE, Kind.TRANSFER, Kind.EXPENDITURE})


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def holding_sites(lot: Lot) -> list[Site]:
    ids = LotBalance.objects.filter(lot=lot, quantity__gt=0).values_list("site_id", flat=True)
    return list(Site.objects.filter(pk__in=set(ids)).select_related("organisation__country"))


def _check_may_suspend(actor, lot: Lot) -> list[Site]:
    sites = holding_sites(lot)
    if sites:
        if not any(authz.can(actor, Action.LOT_SUSPEND, site) for site in sites):
            authz.check(actor, Action.LOT_SUSPEND, sites[0])
    else:
        authz.check_anywhere(actor, Action.LOT_SUSPEND)
    return sites


def lot_suspend(*, actor, lot_number: str, reason: str, reference: str = "", now=None):
    """Suspend ``lot_number`` wherever it is held. Unknown lot, a lot already suspended, or a
    reason shorter than 10 characters is refused, naming the field."""
    norm, _iatg = normalise_lot_number(lot_number or "")
    lot = (
        Lot.objects.filter(lot_number_norm=norm).select_related("nature").first() if norm else None
    )
    if lot is None:
        raise NotFoundError(
            gettext_noop("No lot %(lot)s is registered."),
            params={"lot": (lot_number or "").strip()},
            details={"lot_number": gettext_noop("Unknown lot.")},
        )
    reason, reference = (reason or "").strip(), (reference or "").strip()
    if len(reason) < 10:
        raise invalid(
            gettext_noop("Say why the lot is suspended, in at least 10 characters."), "reason"
        )
    if len(reference) > 80:
        raise invalid(gettext_noop("A reference has at most 80 characters."), "reference")
    now = now or timezone.now()
    with transaction.atomic():
        Lot.objects.select_for_update().filter(pk=lot.pk).first()
        sites = _check_may_suspend(actor, lot)
        if LotSuspension.objects.filter(lot=lot, lifted_at__isnull=True).exists():
            raise ConflictError(
                gettext_noop("Lot %(lot)s is already suspended."),
                params={"lot": lot.lot_number},
                details={"lot_number": gettext_noop("Already suspended.")},
            )
        suspension = LotSuspension.objects.create(
            lot=lot,
            reason=reason[:4000],
            reference=reference,
            suspended_at=now,
            suspended_by=_user(actor),
            suspended_by_name=str(getattr(actor, "username", actor)),
        )
        journal_append(
            actor=actor,
            kind="lot.suspended",
            payload={
                "lot": lot.lot_number,
                "nature": lot.nature.code,
                "reason": suspension.reason,
                "reference": reference,
                "sites": sorted(site.code for site in sites),
            },
            scope=_national(sites),
            now=now,
        )
    return suspension


def lot_suspension_lift(*, actor, suspension: LotSuspension, reason: str, now=None):
    """Lift an active suspension, saying why (tests passed, the manufacturer's answer)."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise invalid(
            gettext_noop("Say why the suspension is lifted, in at least 10 characters."), "reason"
        )
    now = now or timezone.now()
    with transaction.atomic():
        s = LotSuspension.objects.select_for_update().select_related("lot").get(pk=suspension.pk)
        sites = _check_may_suspend(actor, s.lot)
        if s.lifted_at is not None:
            raise ConflictError(
                gettext_noop("The suspension of lot %(lot)s was already lifted."),
                params={"lot": s.lot.lot_number},
            )
        s.lifted_at, s.lifted_by = now, _user(actor)
        s.lifted_by_name, s.lift_reason = str(getattr(actor, "username", actor)), reason[:4000]
        s.save(update_fields=["lifted_at", "lifted_by", "lifted_by_name", "lift_reason"])
        journal_append(
            actor=actor,
            kind="lot.suspension_lifted",
            payload={"lot": s.lot.lot_number, "reason": s.lift_reason},
            scope=_national(sites),
            now=now,
        )
    return s


def _national(sites) -> Scope:
    """The scope of a suspension's journal entry: the country of the sites holding the lot
    (a lot number is suspended for the whole country), or none."""
    countries = {site.organisation.country.code for site in sites}
    return Scope(country=countries.pop()) if len(countries) == 1 else Scope()


def check_not_suspended(lots_by_id: dict, kind: Kind) -> None:
    """Refuse an issue, a transfer or an expenditure of a suspended lot."""
    if kind not in BLOCKED or not lots_by_id:
        return
    found = (
        LotSuspension.objects.filter(lot_id__in=list(lots_by_id), lifted_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if found is not None:
        lot = lots_by_id[found.lot_id]
        raise ConflictError(
            gettext_noop(
                "Lot %(lot)s is suspended since %(since)s (%(reason)s%(reference)s): it cannot "
                "be issued, sent or expended until the suspension is lifted."
            ),
            params={
                "lot": lot.lot_number,
                "since": found.suspended_at.date().isoformat(),
                "reason": found.reason,
                "reference": f"; {found.reference}" if found.reference else "",
            },
            details={"lot_number": gettext_noop("Suspended lot.")},
            code="suspended",
        )


def _visible(user):
    """Suspensions of the lots that are or were held at a site in the user's reach."""
    authz.check_anywhere(user, Action.AGGREGATES_VIEW)
    lots = authz.scoped(user, Action.AGGREGATES_VIEW, LotBalance.objects.all()).values("lot_id")
    return LotSuspension.objects.filter(lot_id__in=lots).select_related("lot__nature")


def suspension_get(*, user, pk: int) -> LotSuspension:
    found = _visible(user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such suspension."))
    return found


def suspension_list(*, user, active: bool | None = True, query: str = ""):
    """Suspensions of the lots held (now or before) at sites in the user's reach, newest
    first."""
    qs = _visible(user)
    if active is True:
        qs = qs.filter(lifted_at__isnull=True)
    elif active is False:
        qs = qs.filter(lifted_at__isnull=False)
    if query:
        norm, _iatg = normalise_lot_number(query)
        qs = qs.filter(lot__lot_number_norm__contains=norm) if norm else qs.none()
    return qs.order_by("-suspended_at", "-pk")


def suspended_held_by(user) -> list[dict]:
    """Active suspensions of lots held at sites in the user's reach, with the quantity held
    at each site (the dashboard's notice)."""
    if not authz.can_anywhere(user, Action.AGGREGATES_VIEW):
        return []
    active = LotSuspension.objects.filter(lifted_at__isnull=True).values_list("lot_id", "pk")
    by_lot = dict(active)
    if not by_lot:
        return []
    balances = authz.scoped(
        user,
        Action.AGGREGATES_VIEW,
        LotBalance.objects.filter(lot_id__in=list(by_lot), quantity__gt=0),
    )
    rows = (
        balances.values("lot_id", "lot__lot_number", "lot__nature__code", "site__code")
        .annotate(total=Sum("quantity"))
        .order_by("lot__lot_number", "site__code")
    )
    suspensions = {s.pk: s for s in LotSuspension.objects.filter(pk__in=list(by_lot.values()))}
    return [
        {
            "lot": r["lot__lot_number"],
            "nature": r["lot__nature__code"],
            "site": r["site__code"],
            "quantity": r["total"],
            "suspension": suspensions[by_lot[r["lot_id"]]],
        }
        for r in rows
    ]
