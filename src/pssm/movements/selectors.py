"""Reads of vouchers: a voucher is seen by those who see serials at its site, a transfer
also by those of its destination site, and a transfer's receipt by those of the sender."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop
from pssm.sites.models import site_scope_paths

from .models import Discrepancy, Voucher, VoucherLine

DESTINATION_PATHS = site_scope_paths("destination__")
DISPATCH_PATHS = site_scope_paths("dispatch__site__")
VOUCHER_RELATED = (
    "site",
    "site__organisation__country",
    "destination",
    "location",
    "custodian",
    "prepared_by",
    "approved_by",
    "dispatch",
    "reverses",
)


def vouchers_visible(user) -> QuerySet[Voucher]:
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    own = authz.scoped(user, Action.SERIALS_VIEW, Voucher.objects.all())
    incoming = authz.scoped(
        user, Action.SERIALS_VIEW, Voucher.objects.all(), paths=DESTINATION_PATHS
    )
    # The sender of a transfer sees its receipts too (what arrived, what did not).
    receipts = authz.scoped(user, Action.SERIALS_VIEW, Voucher.objects.all(), paths=DISPATCH_PATHS)
    return Voucher.objects.filter(
        Q(pk__in=own.values("pk"))
        | Q(pk__in=incoming.values("pk"))
        | Q(pk__in=receipts.values("pk"))
    )


def voucher_list(*, user, filters: dict | None = None) -> QuerySet[Voucher]:
    qs = vouchers_visible(user).select_related(*VOUCHER_RELATED)
    f = filters or {}
    if f.get("site"):
        qs = qs.filter(site__code=f["site"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("q"):
        qs = qs.filter(number__icontains=f["q"])
    if f.get("incoming"):
        qs = qs.filter(destination__code=f["incoming"], kind="transfer", state="posted")
    return qs.order_by("-created_at", "-pk")


def voucher_get(*, user, pk: int) -> Voucher:
    """The voucher ``pk`` if the user sees it (see the module), read in one statement; the
    check is the one :func:`vouchers_visible` makes, on the row itself."""
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    voucher = (
        Voucher.objects.select_related(
            *VOUCHER_RELATED,
            "destination__organisation__country",
            "dispatch__site__organisation__country",
        )
        .filter(pk=pk)
        .first()
    )
    places = [] if voucher is None else [voucher.site]
    if voucher is not None and voucher.destination_id:
        places.append(voucher.destination)
    if voucher is not None and voucher.dispatch_id:
        places.append(voucher.dispatch.site)
    if not any(authz.can(user, Action.SERIALS_VIEW, place) for place in places):
        raise NotFoundError(gettext_noop("No such voucher."))
    return voucher


def voucher_lines(voucher: Voucher) -> QuerySet[VoucherLine]:
    return voucher.lines.select_related(
        "weapon", "weapon__weapon_type", "location", "lot", "lot__nature"
    ).order_by("pk")


def voucher_discrepancies(voucher: Voucher) -> QuerySet[Discrepancy]:
    return voucher.discrepancies.all()


def weapon_history(weapon) -> QuerySet[VoucherLine]:
    """The posted movements of a weapon, oldest first."""
    return (
        VoucherLine.objects.filter(weapon=weapon, voucher__state=Voucher.State.POSTED)
        .select_related("voucher", "voucher__prepared_by", "voucher__approved_by")
        .order_by("voucher__posted_at", "pk")
    )


CASE_RELATED = (
    "site",
    "origin_site",
    "weapon",
    "lot",
    "count",
    "voucher",
    "closing_voucher",
    "recount_by",
)


def case_list(*, user, filters: dict | None = None) -> QuerySet[Discrepancy]:
    """Discrepancy cases the user may see (serial-level: those who see serials at the site)."""
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    filters = filters or {}
    own = authz.scoped(user, Action.SERIALS_VIEW, Discrepancy.objects.all())
    sent = authz.scoped(
        user, Action.SERIALS_VIEW, Discrepancy.objects.all(), paths=Discrepancy.ORIGIN_PATHS
    )
    qs = Discrepancy.objects.filter(
        Q(pk__in=own.values("pk")) | Q(pk__in=sent.values("pk"))
    ).select_related(*CASE_RELATED)
    if filters.get("site"):
        code = filters["site"].upper()
        qs = qs.filter(Q(site__code=code) | Q(origin_site__code=code))
    if filters.get("state") == "active":
        qs = qs.exclude(state=Discrepancy.State.CLOSED)
    elif filters.get("state") in Discrepancy.State.values:
        qs = qs.filter(state=filters["state"])
    if filters.get("kind") in Discrepancy.Kind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        from pssm.domain import serials

        qs = qs.filter(serial__icontains=filters["q"]) | qs.filter(
            weapon__serial_norm=serials.normalise(filters["q"])
        )
    return qs.order_by("-created_at", "-pk")


def case_site_codes(*, user) -> list[str]:
    """The codes of the sites where the cases the user may see were opened or came from."""
    cases = case_list(user=user).order_by()
    codes = set(cases.values_list("site__code", flat=True))
    codes |= set(cases.exclude(origin_site=None).values_list("origin_site__code", flat=True))
    return sorted(codes)


def case_get(*, user, pk: int) -> Discrepancy:
    found = case_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such discrepancy case."))
    return found
