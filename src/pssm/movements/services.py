"""The life of a voucher after it is drafted: approval (which posts it) and cancellation.

Approval and posting are one transaction: the voucher is locked, the approver's role and the
two-person rule are checked, the movement engine (:mod:`.engine`) checks and writes every
line, the discrepancies it found become cases (:mod:`.cases`), the cases a write-off settles
are closed, and one journal entry records the voucher with each line's holding before and
after and the facts of the posting. If anything fails, nothing is written.

The drafts themselves (numbering, lines, submission, reversal drafts) are :mod:`.drafts`;
their functions are also reachable from here, the one module the interfaces call.
"""

from __future__ import annotations

from django.db import transaction

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import PermissionDeniedError, gettext_noop
from pssm.journal.services import journal_append
from pssm.registry.models import Person

from . import cases, engine
from .drafts import (  # noqa: F401 - the interfaces call them through this module
    NEW_WEAPON_FIELDS,
    lock_voucher,
    next_number,
    state_conflict,
    voucher_create,
    voucher_header,
    voucher_line_add,
    voucher_line_remove,
    voucher_lines_add,
    voucher_lot_line_add,
    voucher_reverse,
    voucher_submit,
)
from .engine import frozen_error, holding_of  # noqa: F401
from .models import Voucher


def voucher_cancel(*, actor, voucher: Voucher) -> Voucher:
    with transaction.atomic():
        if not (
            authz.can(actor, Action.VOUCHER_PREPARE, voucher)
            or authz.can(actor, Action.VOUCHER_APPROVE, voucher)
        ):
            authz.check(actor, Action.VOUCHER_PREPARE, voucher)
        v = lock_voucher(voucher)
        if v.state not in {Voucher.State.DRAFT, Voucher.State.SUBMITTED}:
            raise state_conflict(v, "draft")
        v.state, v.cancelled_at, v.cancelled_by = Voucher.State.CANCELLED, engine.now(), actor
        v.save(update_fields=["state", "cancelled_at", "cancelled_by"])
        if v.above_site:
            cases.release_by_voucher(actor, v)
        journal_append(
            actor=actor, kind="voucher.cancelled", payload={"number": v.number}, scope=v.scope
        )
    return v


def voucher_approve(*, actor, voucher: Voucher) -> Voucher:
    """Approve a submitted voucher and post it, in one transaction. The approver holds the
    approver role on the voucher's site and is not its preparer (two-person rule)."""
    with transaction.atomic():
        v = engine.lock(voucher.pk)
        if v.above_site:
            authz.check_above_site(actor, Action.WRITE_OFF_APPROVE, v.scope)
        else:
            authz.check(actor, Action.VOUCHER_APPROVE, v.scope)
        if v.state != Voucher.State.SUBMITTED:
            raise state_conflict(v, "submitted")
        if v.prepared_by_id == actor.pk:
            raise PermissionDeniedError(
                gettext_noop(
                    "Two-person rule: the person who prepared a voucher cannot approve it."
                ),
                code="two_person_rule",
            )
        now = engine.now()
        outcome = engine.post(v, now)  # approval and posting are one step
        if outcome.cases:
            full = v.model()
            for found in outcome.cases:
                cases.open_case(site=full.site, voucher=full, **found)
        engine.mark_posted(v, actor, now)
        if v.above_site:
            cases.settle_by_voucher(actor, v, now)
        journal_append(
            actor=actor,
            kind="voucher.posted",
            payload={
                **_header(v, outcome.codes),
                "prepared_by": v.prepared_by,
                "approved_by": actor.username,
                "lines": outcome.records,
            },
            scope=v.scope,
            now=now,
            facts=outcome.facts,
        )
    voucher.state, voucher.approved_by, voucher.approved_at, voucher.posted_at = (
        Voucher.State.POSTED,
        actor,
        now,
        now,
    )
    return voucher


def _header(v: engine.Header, codes: engine.Codes) -> dict:
    """The voucher's header for its journal entry, from the codes the engine read."""
    custodian = v.custodian_unit
    if v.custodian_id:
        custodian = str(Person.objects.get(pk=v.custodian_id))
    related = {}
    if v.dispatch_id or v.reverses_id:
        related = dict(
            Voucher.objects.filter(pk__in=[v.dispatch_id, v.reverses_id]).values_list(
                "pk", "number"
            )
        )
    return {
        "number": v.number,
        "kind": v.kind,
        "reason": v.reason,
        "site": v.site_code,
        "location": codes.location(v.location_id) if v.location_id else "",
        "custodian": custodian,
        "destination": codes.site(v.destination_id) if v.destination_id else "",
        "dispatch": related.get(v.dispatch_id, ""),
        "reverses": related.get(v.reverses_id, ""),
    }
