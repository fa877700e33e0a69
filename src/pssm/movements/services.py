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

from dataclasses import dataclass, field

from django.db import transaction

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain.access import Action
from pssm.domain.errors import PermissionDeniedError, PssmError, gettext_noop
from pssm.domain.ledger import Kind
from pssm.journal.services import journal_append
from pssm.registry.models import Person

from . import cases, drafts, engine, tell
from .batches import voucher_lines_add  # noqa: F401
from .drafts import (  # noqa: F401 - the interfaces call them through this module
    NEW_WEAPON_FIELDS,
    lock_voucher,
    next_number,
    state_conflict,
    voucher_create,
    voucher_header,
    voucher_line_add,
    voucher_line_remove,
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
        if v.above_site:
            cases.check_settlement_approver(actor, v)
        now = engine.now()
        outcome = engine.post(v, now)  # approval and posting are one step
        if outcome.cases:
            full = v.model()
            origin = full.dispatch.site if v.kind == Kind.TRANSFER_RECEIPT else None
            opened = [
                cases.open_case(site=full.site, voucher=full, origin_site=origin, **found)
                for found in outcome.cases
            ]
            if origin is not None:
                tell.arrived_short(actor, full, opened)
        if v.kind == Kind.TRANSFER:
            tell.dispatched(actor, v.model(), len(outcome.records))
        engine.mark_posted(v, actor, now)
        if v.above_site:
            cases.settle_by_voucher(actor, v, now)
        if v.kind == Kind.TRANSFER_RECEIPT:
            received = [r["weapon"] for r in outcome.records if r.get("weapon")]
            cases.settle_by_receipt(actor, v, received, now)
            cases.settle_lots_by_receipt(actor, v, now)
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
    documents = {}
    if v.kind in {"receipt", "loss", "export"}:
        documents = drafts.documents_of(Voucher.objects.get(pk=v.pk))
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
        **documents,
    }


@dataclass
class Check:
    """What approving a voucher now would do: whether it would post, the error it would
    meet (the same message the approver would get), and for every storehouse that would
    receive ammunition, its QD-report row as it would be after the posting."""

    ok: bool
    error: PssmError | None = None
    storehouses: list[dict] = field(default_factory=list)

    def as_dict(self, translate=None) -> dict:
        from pssm.core.errors import details, message

        return {
            "ok": self.ok,
            "code": self.error.code if self.error else "",
            "message": message(self.error) if self.error else "",
            "details": details(self.error) if self.error else {},
            "storehouses": self.storehouses,
        }


def voucher_check(*, actor, voucher: Voucher) -> Check | None:
    """Run the posting of a draft or submitted voucher without keeping anything (the engine
    works inside a savepoint that is rolled back), so that the preparer sees at once what
    the approver would meet: compatibility, licence and quantity-distance in words and
    figures, or a ledger error. None for a voucher that is no longer open."""
    if not (
        authz.can(actor, Action.VOUCHER_PREPARE, voucher)
        or authz.can(actor, Action.VOUCHER_APPROVE, voucher)
        or authz.can_above_site(actor, Action.WRITE_OFF_APPROVE, voucher)
    ):
        authz.check(actor, Action.VOUCHER_PREPARE, voucher)
    if voucher.state not in {Voucher.State.DRAFT, Voucher.State.SUBMITTED}:
        return None
    if not voucher.lines.exists():
        return None
    result = Check(ok=True)
    with transaction.atomic():
        point = transaction.savepoint()
        try:
            outcome = engine.post(engine.lock(voucher.pk))
            result.storehouses = _storehouses_after(voucher, outcome)
        except PssmError as exc:
            result = Check(ok=False, error=exc)
        finally:
            transaction.savepoint_rollback(point)
    return result


def _storehouses_after(voucher: Voucher, outcome) -> list[dict]:
    """The QD-report rows of the storehouses the posting fills (read before the rollback)."""
    from pssm.ammunition.safety import site_report
    from pssm.sites.models import StorageLocation

    filled = {location for _lot, _s, location, _d, delta in outcome.facts.get("l", ()) if delta > 0}
    if not filled:
        return []
    buildings = set(
        StorageLocation.objects.filter(code__in=filled).values_list("building__code", flat=True)
    )
    report = site_report(voucher.site)
    rows = []
    for row in report["storehouses"]:
        if row["building"] not in buildings:
            continue
        worst = min(row["distances"], key=lambda d: float(d["margin_m"]), default=None)
        rows.append({**row, "worst": worst})
    return rows


def voucher_send_back(*, actor, voucher: Voucher, reason: str) -> Voucher:
    """Give a submitted voucher back to its preparer as a draft, saying why (an approval
    refused for safety, a wrong line…). Journaled; the approver's role is needed."""
    reason = (reason or "").strip()
    with transaction.atomic():
        v = lock_voucher(voucher)
        if v.above_site:
            authz.check_above_site(actor, Action.WRITE_OFF_APPROVE, v)
        else:
            authz.check(actor, Action.VOUCHER_APPROVE, v)
        if v.state != Voucher.State.SUBMITTED:
            raise state_conflict(v, "submitted")
        if len(reason) < 5:
            raise invalid(gettext_noop("Say why the voucher goes back to its preparer."), "reason")
        now = engine.now()
        v.state, v.submitted_at = Voucher.State.DRAFT, None
        v.returned_reason, v.returned_at = reason[:2000], now
        v.returned_by = actor if getattr(actor, "pk", None) else None  # None: the CLI's operator
        v.save(
            update_fields=["state", "submitted_at", "returned_reason", "returned_at", "returned_by"]
        )
        tell.sent_back(actor, v)
        journal_append(
            actor=actor,
            kind="voucher.sent_back",
            payload={"number": v.number, "reason": v.returned_reason},
            scope=v.scope,
            now=now,
        )
    return v
