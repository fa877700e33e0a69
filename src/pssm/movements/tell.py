"""Who is told what, when a voucher moves (notifications, inside the posting's transaction):
the approvers when a voucher waits for them, the receiving site when a transfer is on its
way, both sites when a transfer arrives short, the preparer when a voucher is sent back."""

from __future__ import annotations

from django.urls import reverse

from pssm.domain.access import Action
from pssm.domain.errors import gettext_noop
from pssm.notices.services import notify, recipients


def _voucher_url(v) -> str:
    return reverse("movements:voucher_detail", args=[v.pk])


def submitted(actor, v) -> None:
    if v.above_site:
        users = recipients(Action.WRITE_OFF_APPROVE, v.site, above_site=True, exclude=[actor])
    else:
        users = recipients(Action.VOUCHER_APPROVE, v.site, exclude=[actor])
    notify(
        users=users,
        kind="voucher.submitted",
        message=gettext_noop("Voucher %(number)s of %(site)s waits for your approval."),
        params={"number": v.number, "site": v.site.name},
        url=_voucher_url(v),
    )


def dispatched(actor, v, weapons: int) -> None:
    notify(
        users=recipients(Action.VOUCHER_PREPARE, v.destination, exclude=[actor]),
        kind="transfer.dispatched",
        message=gettext_noop(
            "Transfer %(number)s from %(site)s is on its way to %(destination)s: "
            "%(n)s item(s) to receive."
        ),
        params={
            "number": v.number,
            "site": v.site.name,
            "destination": v.destination.name,
            "n": weapons,
        },
        url=_voucher_url(v),
    )


def arrived_short(actor, receipt, found: list) -> None:
    """``found``: the cases the receipt opened."""
    dispatch = receipt.dispatch
    users = {
        u.pk: u
        for site in (dispatch.site, receipt.site)
        for action in (Action.VOUCHER_PREPARE, Action.VOUCHER_APPROVE)
        for u in recipients(action, site, exclude=[actor])
    }
    for case in found:
        notify(
            users=list(users.values()),
            kind="transfer.short",
            message=gettext_noop(
                "Transfer %(number)s arrived short at %(site)s: %(serial)s is missing "
                "(case %(case)s)."
            ),
            params={
                "number": dispatch.number,
                "site": receipt.site.name,
                "serial": case.serial or (case.lot.lot_number if case.lot_id else ""),
                "case": case.number,
            },
            url=reverse("movements:case_detail", args=[case.pk]),
        )


def sent_back(actor, v) -> None:
    notify(
        users=[v.prepared_by] if v.prepared_by_id != getattr(actor, "pk", None) else [],
        kind="voucher.sent_back",
        message=gettext_noop("Voucher %(number)s was sent back to you: %(reason)s"),
        params={"number": v.number, "reason": v.returned_reason},
        url=_voucher_url(v),
    )
