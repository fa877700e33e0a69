"""What waits for a user, for the top of their dashboard: vouchers to approve, drafts sent
back, incoming transfers, discrepancy cases with a step the user can take, counts and
inspections due, open trace requests (with their deadline), ammunition surveillance due and
suspended lots. Each item has its age and a
link; each part is one or two set queries, limited to the oldest items (the pages behind the
links list everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.domain.access import Action

SHOWN = 20  # items per part; each part links to its full list


@dataclass
class Item:
    part: str  # approve, returned, incoming, case, count, trace, surveillance, suspended
    title: str
    detail: str
    url: str
    since: datetime | None
    age: object = None  # a timedelta, set by work_queue


def _vouchers_to_approve(user) -> list[Item]:
    from pssm.movements.models import Voucher

    submitted = Voucher.objects.filter(state=Voucher.State.SUBMITTED).exclude(prepared_by=user)
    own = authz.scoped(user, Action.VOUCHER_APPROVE, submitted.filter(above_site=False))
    above = authz.scoped(user, Action.WRITE_OFF_APPROVE, submitted.filter(above_site=True))
    qs = (
        Voucher.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=above.values("pk")))
        .select_related("site__organisation__country", "prepared_by")
        .order_by("submitted_at", "pk")
    )
    items = []
    for v in qs[: SHOWN * 2]:
        if v.above_site and not authz.can_above_site(user, Action.WRITE_OFF_APPROVE, v):
            continue
        items.append(
            Item(
                "approve",
                _("%(kind)s %(number)s to approve")
                % {"kind": v.get_kind_display(), "number": v.number},
                _("%(site)s · prepared by %(name)s")
                % {"site": v.site.name, "name": v.prepared_by.get_full_name() or v.prepared_by},
                reverse("movements:voucher_detail", args=[v.pk]),
                v.submitted_at,
            )
        )
    return items[:SHOWN]


def _returned_drafts(user) -> list[Item]:
    from pssm.movements.models import Voucher

    qs = (
        Voucher.objects.filter(
            prepared_by=user, state=Voucher.State.DRAFT, returned_at__isnull=False
        )
        .select_related("site")
        .order_by("returned_at")[:SHOWN]
    )
    return [
        Item(
            "returned",
            _("%(number)s sent back to you") % {"number": v.number},
            v.returned_reason[:120],
            reverse("movements:voucher_detail", args=[v.pk]),
            v.returned_at,
        )
        for v in qs
    ]


def _incoming(user) -> list[Item]:
    from pssm.movements.models import Voucher
    from pssm.movements.selectors import DESTINATION_PATHS
    from pssm.movements.transit import dispatches_outstanding

    to_mine = authz.scoped(
        user, Action.VOUCHER_PREPARE, Voucher.objects.all(), paths=DESTINATION_PATHS
    )
    qs = (
        dispatches_outstanding(Voucher.objects.filter(pk__in=to_mine.values("pk")))
        .select_related("site", "destination")
        .order_by("posted_at", "pk")[:SHOWN]
    )
    return [
        Item(
            "incoming",
            _("Transfer %(number)s from %(site)s to receive")
            % {"number": v.number, "site": v.site.name},
            _("%(n)s weapon(s) and %(lots)s lot(s) on the way to %(site)s")
            % {"n": v.weapons_outstanding, "lots": v.lots_outstanding, "site": v.destination.name},
            reverse("movements:voucher_create")
            + f"?site={v.destination.code}&kind=transfer_receipt",
            v.posted_at,
        )
        for v in qs
    ]


def _cases(user) -> list[Item]:
    from pssm.movements import cases, selectors

    labels = {
        "recount": _("recount by another person"),
        "investigate": _("investigation note"),
        "write_off": _("write-off"),
        "explain": _("close as explained"),
        "receive": _("late receipt"),
    }
    found = selectors.case_list(user=user, filters={"state": "active"}).order_by("created_at", "pk")
    items = []
    for c in found[: SHOWN * 3]:
        steps = cases.steps_open_to(user, c)
        if c.state == c.State.OPEN and c.recounted_at is not None:
            steps.discard("recount")
        if not steps:
            continue
        wanted = [labels[s] for s in cases.STEPS if s in steps]
        items.append(
            Item(
                "case",
                _("Case %(case)s: %(kind)s %(what)s")
                % {
                    "case": c.number,
                    "kind": c.get_kind_display().lower(),
                    "what": c.lot.lot_number if c.lot_id else c.serial,
                },
                _("%(site)s · to do: %(steps)s")
                % {"site": c.site.name, "steps": ", ".join(wanted)},
                reverse("movements:case_detail", args=[c.pk]),
                c.created_at,
            )
        )
        if len(items) >= SHOWN:
            break
    return items


def _counts_due(user) -> list[Item]:
    from pssm.inspections.dashboard import site_rows
    from pssm.sites.models import Site

    actions = (Action.INSPECTION_RECORD, Action.VOUCHER_APPROVE, Action.VOUCHER_PREPARE)
    sites = Site.objects.none()
    for action in actions:
        sites = sites | authz.scoped(user, action, Site.objects.filter(is_active=True))
    items = []
    for row in site_rows(sites.distinct().select_related("organisation__country")):
        for due in row.calendar:
            if due.state.value not in {"overdue", "due_soon"}:
                continue
            title = due.policy.title_fr if get_language() == "fr" else due.policy.title_en
            items.append(
                Item(
                    "count",
                    _("%(policy)s at %(site)s") % {"policy": title, "site": row.name},
                    _("overdue by %(days)s day(s)") % {"days": due.days_overdue}
                    if due.state.value == "overdue"
                    else _("due by %(date)s") % {"date": date_format(due.due_on)},
                    reverse("inspections:count_list", args=[row.code]),
                    None,
                )
            )
    return items[:SHOWN]


def _trace_requests(user) -> list[Item]:
    """Open trace requests, the nearest deadline first: every one of the user's countries for
    who answers them; for the other users, those naming a weapon held at one of their sites
    (the weapon is to be checked where it is)."""
    from pssm.registry.models import Weapon
    from pssm.tracing.models import TraceRequest

    open_ = TraceRequest.objects.filter(state=TraceRequest.State.OPEN).select_related("weapon")
    manage = authz.can_anywhere(user, Action.TRACE_MANAGE)
    if manage:
        reach = authz.reach_of(user, Action.TRACE_MANAGE)
        if not reach.everywhere:
            open_ = open_.filter(country__code__in=sorted(reach.countries))
    else:
        held = authz.scoped(user, Action.SERIALS_VIEW, Weapon.objects.all())
        open_ = open_.filter(
            Q(weapon__in=held.values("pk"))
            | Q(serial_norm__in=held.values("serial_norm")) & ~Q(serial_norm="")
        )
    today = timezone.localdate()
    items = []
    for r in open_.order_by("deadline", "pk")[:SHOWN]:
        late = (today - r.deadline).days
        detail = (
            _("overdue by %(days)s day(s)") % {"days": late}
            if late > 0
            else _("due by %(date)s") % {"date": date_format(r.deadline)}
        )
        serial = r.weapon.serial if r.weapon_id else r.serial
        if not manage:
            detail = _("weapon %(serial)s to check; %(due)s") % {"serial": serial, "due": detail}
        items.append(
            Item(
                "trace",
                _("Trace request %(number)s from %(who)s")
                % {"number": r.number, "who": r.counterpart},
                detail,
                reverse("tracing:request_detail", args=[r.pk])
                if manage
                else reverse("registry:weapon_list") + "?" + urlencode({"q": serial}),
                timezone.make_aware(datetime.combine(r.received_on, time())),
            )
        )
    return items


def work_queue(user) -> dict[str, list[Item]]:
    """The parts of the user's queue that have something, in the order they are shown."""
    parts: dict[str, list[Item]] = {}
    if authz.can_anywhere(user, Action.VOUCHER_APPROVE) or authz.can_anywhere(
        user, Action.WRITE_OFF_APPROVE
    ):
        parts["approve"] = _vouchers_to_approve(user)
    if authz.can_anywhere(user, Action.VOUCHER_PREPARE):
        parts["returned"] = _returned_drafts(user)
        parts["incoming"] = _incoming(user)
    if authz.can_anywhere(user, Action.SERIALS_VIEW):
        parts["case"] = _cases(user)
    parts["count"] = _counts_due(user)
    if authz.can_anywhere(user, Action.TRACE_MANAGE) or authz.can_anywhere(
        user, Action.SERIALS_VIEW
    ):
        parts["trace"] = _trace_requests(user)
    now = timezone.now()
    for items in parts.values():
        for item in items:
            item.age = (now - item.since) if item.since else None
    return {name: items for name, items in parts.items() if items}
