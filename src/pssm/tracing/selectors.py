"""Reads of tracing, filtered to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from pssm.accounts import authz
from pssm.domain import reporting
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop
from pssm.domain.ledger import Kind
from pssm.movements.models import Voucher, VoucherLine
from pssm.registry.models import Weapon
from pssm.registry.selectors import weapon_search

from .models import TraceRequest, TransferDocument


def transfer_document_list(*, user, filters: dict | None = None) -> QuerySet[TransferDocument]:
    """Transfer documents the user may see; ``q`` searches the licence, end-user certificate,
    exemption number, importer, exporter, carrier and voucher number."""
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    qs = authz.scoped(
        user,
        Action.SERIALS_VIEW,
        TransferDocument.objects.select_related("voucher__site__organisation__country"),
    )
    f = filters or {}
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(licence_number__icontains=q)
            | Q(end_user_certificate__icontains=q)
            | Q(regional_exemption__icontains=q)
            | Q(importer__icontains=q)
            | Q(exporter__icontains=q)
            | Q(carrier__icontains=q)
            | Q(voucher__number__icontains=q)
        )
    if f.get("counterpart"):
        qs = qs.filter(counterpart_state=f["counterpart"].upper())
    if f.get("direction"):
        qs = qs.filter(direction=f["direction"])
    if f.get("country"):
        qs = qs.filter(voucher__site__organisation__country__code=f["country"])
    return qs.order_by("-created_at", "-pk")


def transfer_document_get(*, user, pk: int) -> TransferDocument:
    doc = transfer_document_list(user=user).filter(pk=pk).first()
    if doc is None:
        raise NotFoundError(gettext_noop("No such transfer document."))
    return doc


def importable_vouchers(*, user) -> QuerySet[Voucher]:
    """Receipts by acquisition and exports that the user may document, newest first."""
    authz.check_anywhere(user, Action.VOUCHER_PREPARE)
    return (
        authz.scoped(
            user,
            Action.VOUCHER_PREPARE,
            Voucher.objects.filter(
                Q(kind=Kind.RECEIPT, reason="acquisition") | Q(kind=Kind.EXPORT)
            ).exclude(state=Voucher.State.CANCELLED),
        )
        .select_related("site")
        .order_by("-created_at", "-pk")
    )


def _trace_scope(user, action: Action, qs):
    r = authz.reach_of(user, action)
    if r.everywhere:
        return qs
    return qs.filter(country__code__in=sorted(r.countries))


def trace_request_list(*, user, filters: dict | None = None) -> QuerySet[TraceRequest]:
    authz.check_anywhere(user, Action.TRACE_MANAGE)
    qs = _trace_scope(user, Action.TRACE_MANAGE, TraceRequest.objects.select_related("country"))
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("direction"):
        qs = qs.filter(direction=f["direction"])
    if f.get("overdue"):
        qs = qs.filter(state=TraceRequest.State.OPEN, deadline__lt=timezone.localdate())
    if f.get("country"):
        qs = qs.filter(country__code=f["country"])
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(serial__icontains=q)
            | Q(counterpart__icontains=q)
            | Q(counterpart_reference__icontains=q)
        )
    return qs.order_by("state", "deadline", "-pk")


def trace_request_get(*, user, pk: int) -> TraceRequest:
    found = trace_request_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such trace request."))
    return found


def trace_overdue_count(*, user, today: date | None = None) -> dict:
    """Open and overdue trace requests in the user's reach (counts only: aggregates)."""
    qs = TraceRequest.objects.all()
    r = authz.reach_of(user, Action.AGGREGATES_VIEW)
    if not r.everywhere:
        qs = qs.filter(country__code__in=sorted(r.countries))
    today = today or timezone.localdate()
    return {
        "open": qs.filter(state=TraceRequest.State.OPEN).count(),
        "overdue": qs.filter(state=TraceRequest.State.OPEN, deadline__lt=today).count(),
    }


@dataclass(frozen=True)
class Candidate:
    match: str  # exact, normalised, near
    weapon: Weapon
    same_make: bool
    same_model: bool
    same_calibre: bool

    @property
    def score(self) -> int:
        order = {"exact": 0, "normalised": 1, "near": 2}.get(self.match, 3)
        return order * 10 - (self.same_make + self.same_model + self.same_calibre)


def _same(a: str, b: str) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def trace_candidates(*, user, request: TraceRequest, limit: int = 20) -> list[Candidate]:
    """The weapons of the request's country that may be the one asked about: exact and
    normalised matches of the serial, and the serials one character off (always searched:
    a trace request often carries a misread serial), ranked by how much of make, model and
    calibre agrees as well."""
    authz.check(user, Action.TRACE_MANAGE, request)
    query = request.serial or request.marks
    hits = weapon_search(user=user, query=query, limit=limit, near=True)
    ids = [hit.id for _m, hit in hits]
    weapons = {
        w.pk: w
        for w in Weapon.objects.filter(
            pk__in=ids, site__organisation__country=request.country
        ).select_related("weapon_type", "site")
    }
    out = []
    for match, hit in hits:
        weapon = weapons.get(hit.id)
        if weapon is None:
            continue
        t = weapon.weapon_type
        out.append(
            Candidate(
                match.value,
                weapon,
                _same(request.make, t.make) or _same(request.make, weapon.manufacturer),
                _same(request.model, t.model),
                _same(request.calibre, t.calibre),
            )
        )
    return sorted(out, key=lambda c: (c.score, c.weapon.serial))


def weapon_history(weapon: Weapon) -> QuerySet[VoucherLine]:
    """The posted movements of ``weapon``, oldest first (for the answer to a trace request)."""
    return (
        VoucherLine.objects.filter(weapon=weapon, voucher__state=Voucher.State.POSTED)
        .select_related("voucher__site", "voucher__destination")
        .order_by("voucher__posted_at", "pk")
    )


def lost_stolen_records(
    *, user, country: str = "", still_missing: bool = True
) -> QuerySet[VoucherLine]:
    """The weapons reported lost or stolen (posted loss vouchers), newest first; by default
    only those still missing (not recovered since). Serial-level: needs serials.view."""
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    qs = authz.scoped(
        user,
        Action.SERIALS_VIEW,
        VoucherLine.objects.filter(
            voucher__kind=Kind.LOSS, voucher__state=Voucher.State.POSTED, weapon__isnull=False
        ),
        paths={
            "country": "voucher__site__organisation__country__code",
            "organisation": "voucher__site__organisation__code",
            "site": "voucher__site__code",
        },
    ).select_related("weapon__weapon_type", "voucher__site__organisation__country")
    if country:
        qs = qs.filter(voucher__site__organisation__country__code=country)
    if still_missing:
        qs = qs.filter(weapon__status__in=["lost", "stolen"])
    return qs.order_by("-voucher__posted_at", "-pk")


def iarms_row(line: VoucherLine) -> list:
    """One record for iARMS (columns :data:`pssm.domain.reporting.IARMS_COLUMNS`)."""
    w, v = line.weapon, line.voucher
    t = w.weapon_type
    return [
        w.manufacturer or t.make,
        t.model,
        t.calibre,
        w.serial,
        reporting.IARMS_TYPES.get(t.category, t.category),
        w.country_of_manufacture or t.country_of_manufacture,
        v.site.organisation.country.code,
        reporting.iarms_event(v.reason),
        timezone.localtime(v.posted_at).date().isoformat() if v.posted_at else "",
        v.number,
        v.police_report,
    ]
