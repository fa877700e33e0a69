"""Discrepancy cases (domain-rules §4, discrepancy handling; ISACS/MOSAIC 05.20).

Every gap that a count or the receipt of a transfer finds opens a case. The case:

1. freezes the item concerned: the weapon, or the lot at that site, cannot be issued, lent,
   sent, expended or change status while the case is open;
2. asks for a recount by another person than the one who counted first, who says whether
   the gap is confirmed (a lot is recounted by quantity);
3. asks for an investigation note;
4. is closed either as *explained* or by a *write-off or adjustment voucher* (a loss report,
   a return or a recovery receipt) that only an approver above the site level can approve;
   posting that voucher closes the case in the same transaction. Closing as explained a gap
   that the recount confirmed accepts the books as they are, so it too needs an approver
   above the site level; when the recount agrees with the books the site's approver closes it.

Every step is journaled; nothing is edited: a cancelled write-off voucher reopens the case.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError, gettext_noop
from pssm.domain.ledger import Kind, ReceiptReason, Status
from pssm.journal.services import journal_append
from pssm.registry.models import Weapon

from . import drafts, lots
from .models import CaseSequence, Discrepancy, Voucher

OPEN_STATES = (Discrepancy.State.OPEN, Discrepancy.State.PENDING)
HANDLERS = (
    Action.VOUCHER_PREPARE,
    Action.VOUCHER_APPROVE,
    Action.INSPECTION_RECORD,
    Action.WRITE_OFF_APPROVE,
)


def _payload(case: Discrepancy, **extra) -> dict:
    return {
        "case": case.number,
        "site": case.site.code,
        "kind": case.kind,
        "serial": case.serial,
        "lot": case.lot.lot_number if case.lot_id else "",
        "expected_location": case.expected_location,
        "found_location": case.found_location,
        "expected_quantity": case.expected_quantity,
        "found_quantity": case.found_quantity,
        **extra,
    }


def _step(
    actor, c: Discrepancy, fields: list[str], kind: str, facts: dict | None = None, **extra
) -> None:
    """Save the step's fields of the case and journal it, in the caller's transaction."""
    c.save(update_fields=fields)
    journal_append(actor=actor, kind=kind, payload=_payload(c, **extra), scope=c.scope, facts=facts)


def next_case_number(site) -> str:
    """The next case number of ``site`` this year, e.g. ``DC-ML-KTI-2026-0007`` (locks the
    site's counter row). Numbers carry the site, so they stay the same on every node."""
    year = timezone.now().year
    try:
        with transaction.atomic():
            CaseSequence.objects.get_or_create(site=site, year=year)
    except IntegrityError:
        pass  # created by a concurrent transaction
    row = CaseSequence.objects.select_for_update().get(site=site, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return f"DC-{site.code}-{year}-{row.last:04d}"


def open_case(
    *,
    site,
    kind: str,
    voucher: Voucher | None = None,
    count=None,
    weapon_id: int | None = None,
    serial: str = "",
    lot_id: int | None = None,
    expected_quantity: int | None = None,
    found_quantity: int | None = None,
    expected_location: str = "",
    found_location: str = "",
    origin_site=None,
    actor=None,
) -> Discrepancy:
    """Open a case inside the caller's transaction and freeze the item. A weapon that already
    has an open case keeps that one (the new finding is journaled against it)."""
    if weapon_id is not None:
        existing = (
            Discrepancy.objects.filter(weapon_id=weapon_id, state__in=OPEN_STATES)
            .select_related("site", "lot")
            .first()
        )
        if existing is not None:
            if actor is not None:
                journal_append(
                    actor=actor,
                    kind="discrepancy.found_again",
                    payload=_payload(existing, count=getattr(count, "pk", None)),
                    scope=existing.site.scope,
                )
            return existing
        Weapon.objects.filter(pk=weapon_id).update(on_hold=True)
    case = Discrepancy.objects.create(
        site=site,
        number=next_case_number(site),
        kind=kind,
        voucher=voucher,
        count=count,
        weapon_id=weapon_id,
        serial=serial,
        lot_id=lot_id,
        expected_quantity=expected_quantity,
        found_quantity=found_quantity,
        expected_location=expected_location,
        found_location=found_location,
        origin_site=origin_site,
    )
    if actor is not None:  # a posting journals its discrepancies in the voucher's own entry
        journal_append(
            actor=actor,
            kind="discrepancy.opened",
            payload=_payload(case),
            scope=site.scope,
            facts=_hold_facts(case, True),
        )
    return case


def _hold_facts(case: Discrepancy, hold: bool) -> dict | None:
    """The facts of a case freezing or releasing its weapon (see pssm.domain.replay)."""
    if not case.weapon_id:
        return None
    uuid = Weapon.objects.filter(pk=case.weapon_id).values_list("uuid", flat=True).get()
    return {"ref": ["case", case.number], "h": [[str(uuid), hold]]}


def _lock(case: Discrepancy) -> Discrepancy:
    return (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related(
            "site__organisation__country",
            "origin_site__organisation__country",
            "count",
            "voucher",
            "weapon__site__organisation__country",
            "lot",
            "closing_voucher",
        )
        .get(pk=case.pk)
    )


def _handles(user, case: Discrepancy) -> bool:
    """Whether ``user`` handles cases at the case's site or, for a transfer found short, at
    the site that sent it."""
    targets = [case, *([case.origin_site] if case.origin_site_id else [])]
    return any(authz.can(user, action, t) for action in HANDLERS for t in targets)


def _check_handler(actor, case: Discrepancy) -> None:
    if not _handles(actor, case):
        authz.check(actor, Action.VOUCHER_PREPARE, case)


def in_transit(case: Discrepancy) -> bool:
    """Whether the case is a weapon of a transfer that has not arrived and is still in
    transit to the case's site (settled by a late receipt or a write-off by the sender)."""
    w = case.weapon if case.weapon_id else None
    return (
        w is not None
        and case.kind == Discrepancy.Kind.MISSING
        and w.status == Status.IN_TRANSIT
        and w.destination_id == case.site_id
    )


def _write_off_site(case: Discrepancy):
    """The site whose voucher writes the gap off: the sender's for a weapon lost in transit
    (its books still hold it), the case's own otherwise."""
    return case.weapon.site if in_transit(case) else case.site


def first_counter_id(case: Discrepancy):
    if case.count_id:
        return case.count.counter_id
    if case.voucher_id:
        return case.voucher.prepared_by_id
    return None


STEPS = ("recount", "investigate", "write_off", "explain", "receive")


def steps_open_to(user, case: Discrepancy) -> set[str]:
    """The steps ``user`` may take on ``case`` now (the pages show only these; each service
    still checks its own rules when called)."""
    if case.state == Discrepancy.State.PENDING and in_transit(case):
        # It may still arrive while its write-off waits for approval.
        return {"receive"} if authz.can(user, Action.VOUCHER_PREPARE, case) else set()
    if case.state != Discrepancy.State.OPEN:
        return set()
    steps = set()
    counted = first_counter_id(case) == getattr(user, "pk", None)
    transit = in_transit(case)
    if _handles(user, case):
        steps.add("investigate")
        if case.recounted_at is None and not counted:
            steps.add("recount")
    if case.recount_confirmed and authz.can(user, Action.VOUCHER_PREPARE, _write_off_site(case)):
        steps.add("write_off")
    if transit and authz.can(user, Action.VOUCHER_PREPARE, case):
        steps.add("receive")
    if transit:
        return steps  # explaining it would leave the weapon in transit for ever
    if not counted and (
        authz.can_above_site(user, Action.WRITE_OFF_APPROVE, case)
        or (not case.recount_confirmed and authz.can(user, Action.VOUCHER_APPROVE, case))
    ):
        steps.add("explain")
    return steps


def _require_open(case: Discrepancy) -> None:
    if case.state != Discrepancy.State.OPEN:
        raise ConflictError(
            gettext_noop("Case %(case)s is %(state)s: this step is no longer possible."),
            params={"case": case.number, "state": case.get_state_display()},
        )


def case_recount(*, actor, case: Discrepancy, confirmed=None, quantity=None) -> Discrepancy:
    """Record the recount by a second person: for a weapon, whether the gap is confirmed; for
    a lot, the units counted (the gap is confirmed when they differ from the books)."""
    with transaction.atomic():
        c = _lock(case)
        _check_handler(actor, c)
        _require_open(c)
        if c.recounted_at is not None:
            raise ConflictError(
                gettext_noop("Case %(case)s was already recounted."), params={"case": c.number}
            )
        if first_counter_id(c) == getattr(actor, "pk", None):
            raise PermissionDeniedError(
                gettext_noop("The recount is done by another person than the one who counted."),
                code="two_person_rule",
            )
        if c.lot_id:
            try:
                units = int(str(quantity).strip())
            except (TypeError, ValueError):
                units = -1
            if units < 0:
                raise invalid(
                    gettext_noop("Count the units of the lot (zero if none)."), "quantity"
                )
            c.recount_quantity = units
            c.recount_confirmed = units != (c.expected_quantity or 0)
        else:
            if confirmed not in (True, False):
                raise invalid(
                    gettext_noop("Say whether the recount confirms the gap."), "confirmed"
                )
            c.recount_confirmed = confirmed
        c.recount_by, c.recounted_at = actor, timezone.now()
        _step(
            actor,
            c,
            ["recount_quantity", "recount_confirmed", "recount_by", "recounted_at"],
            "discrepancy.recounted",
            confirmed=c.recount_confirmed,
            quantity=c.recount_quantity,
        )
    return c


def case_investigate(*, actor, case: Discrepancy, note: str) -> Discrepancy:
    """Record the investigation note (what happened, who was heard, what was checked). A new
    note replaces the previous one on the case; the journal keeps every version."""
    note = (note or "").strip()
    with transaction.atomic():
        c = _lock(case)
        _check_handler(actor, c)
        _require_open(c)
        if len(note) < 10:
            raise invalid(
                gettext_noop("Write the investigation note: what happened and what was checked."),
                "note",
            )
        c.investigation, c.investigated_by, c.investigated_at = note, actor, timezone.now()
        _step(
            actor,
            c,
            ["investigation", "investigated_by", "investigated_at"],
            "discrepancy.investigated",
            note=note,
        )
    return c


def _require_ready(c: Discrepancy) -> None:
    missing = []
    if c.recounted_at is None:
        missing.append("recount")
    if not c.investigation:
        missing.append("note")
    if missing:
        raise ValidationError(
            gettext_noop(
                "Case %(case)s needs a recount by another person and an investigation note "
                "before it is closed."
            ),
            params={"case": c.number},
            details={field: gettext_noop("Required before closing.") for field in missing},
        )


def _close(actor, c: Discrepancy, resolution: str, now, **extra) -> None:
    """Close the case, release the weapon it froze, journal it."""
    c.state, c.resolution, c.closed_by, c.closed_at = (
        Discrepancy.State.CLOSED,
        resolution,
        actor,
        now,
    )
    if c.weapon_id:
        Weapon.objects.filter(pk=c.weapon_id).update(on_hold=False)
    _step(
        actor,
        c,
        ["state", "resolution", "closed_by", "closed_at"],
        "discrepancy.closed",
        facts=_hold_facts(c, False),
        resolution=resolution,
        **extra,
    )


def case_explain(*, actor, case: Discrepancy, note: str) -> Discrepancy:
    """Close the case as explained. When the recount agrees with the books, the site's
    approver closes it; when it confirmed the gap, the books stay as they are only with the
    approval of someone above the site level. The counter never closes their own gap."""
    note = (note or "").strip()
    with transaction.atomic():
        c = _lock(case)
        _require_open(c)
        if c.recount_confirmed:
            authz.check_above_site(actor, Action.WRITE_OFF_APPROVE, c)
        elif not authz.can_above_site(actor, Action.WRITE_OFF_APPROVE, c):
            authz.check(actor, Action.VOUCHER_APPROVE, c)
        if first_counter_id(c) == getattr(actor, "pk", None):
            raise PermissionDeniedError(
                gettext_noop("The person who counted cannot close the case."),
                code="two_person_rule",
            )
        _require_ready(c)
        _refuse_in_transit(c)
        if not note:
            raise invalid(gettext_noop("Say how the gap is explained."), "note")
        _close(actor, c, Discrepancy.Resolution.EXPLAINED, timezone.now(), note=note)
    return c


def _refuse_in_transit(c: Discrepancy) -> None:
    if in_transit(c):
        raise ConflictError(
            gettext_noop(
                "Weapon %(serial)s is still in transit from %(site)s: receive it against "
                "transfer %(dispatch)s if it arrived late, or write it off as lost in transit."
            ),
            params={
                "serial": c.weapon.serial,
                "site": c.weapon.site.name,
                "dispatch": c.voucher.dispatch.number if c.voucher_id else "",
            },
            code="in_transit",
        )


def _settlement(c: Discrepancy, reason: str) -> tuple[str, str, dict]:
    """The voucher that settles a confirmed gap: (kind, reason, line) or a message why none
    can. ``reason`` is lost or stolen for a write-off."""
    from pssm.sites.models import StorageLocation

    def location(code):
        if not code:
            return None
        return StorageLocation.objects.filter(building__site=c.site, code=code).first()

    if c.kind == Discrepancy.Kind.MISSING and c.weapon_id:
        if reason not in {Status.LOST, Status.STOLEN}:
            raise invalid(gettext_noop("Say whether the weapon was lost or stolen."), "reason")
        return Kind.LOSS, reason, {"serial": c.weapon.serial, "weapon_type": c.weapon.weapon_type}
    if c.kind == Discrepancy.Kind.UNEXPECTED and c.weapon_id:
        w = c.weapon
        found = location(c.found_location)
        if w.site_id == c.site_id and w.status == Status.ISSUED:
            return Kind.RETURN, "", {"serial": w.serial, "location": found}
        if w.site_id == c.site_id and w.status in {Status.LOST, Status.STOLEN}:
            return Kind.RECEIPT, ReceiptReason.RECOVERY, {"serial": w.serial, "location": found}
        raise ConflictError(
            gettext_noop(
                "Weapon %(serial)s is %(status)s at site %(site)s: no adjustment voucher of "
                "this site settles it. Settle it with that site (a transfer), then close the "
                "case as explained."
            ),
            params={"serial": w.serial, "status": w.get_status_display(), "site": w.site.code},
        )
    if c.lot_id and c.count_id and c.recount_quantity is not None:
        diff = c.recount_quantity - (c.expected_quantity or 0)
        place = location(c.expected_location or c.found_location)
        if diff < 0:
            return Kind.LOSS, Status.LOST, {"lot": c.lot, "quantity": -diff, "location": place}
        return (
            Kind.RECEIPT,
            ReceiptReason.RECOVERY,
            {"lot": c.lot, "quantity": diff, "location": place},
        )
    raise ConflictError(
        gettext_noop(
            "No voucher settles this gap (%(kind)s): the books already show what arrived. "
            "Close the case as explained, with the approval of someone above the site level."
        ),
        params={"kind": c.get_kind_display()},
    )


def case_write_off(*, actor, case: Discrepancy, reason: str = "", notes: str = "") -> Voucher:
    """Prepare and submit the write-off (loss report) or adjustment voucher that settles a
    confirmed gap. It waits for an approver above the site level; its posting closes the case."""
    with transaction.atomic():
        c = _lock(case)
        site = _write_off_site(c)
        authz.check(actor, Action.VOUCHER_PREPARE, site)
        _require_open(c)
        _require_ready(c)
        if not c.recount_confirmed:
            raise ConflictError(
                gettext_noop(
                    "The recount of case %(case)s agrees with the books: close it as explained."
                ),
                params={"case": c.number},
            )
        kind, voucher_reason, line = _settlement(c, reason)
        text = f"{c.number}: {(notes or c.investigation).strip()}"[:2000]
        place = line.get("location")
        v = drafts.voucher_create(
            actor=actor,
            site=site,
            kind=kind.value,
            reason=voucher_reason,
            location=place if kind in {Kind.RETURN, Kind.RECEIPT} else None,
            notes=text,
        )
        Voucher.objects.filter(pk=v.pk).update(above_site=True)
        v.above_site = True
        if "lot" in line:
            drafts.voucher_lot_line_add(
                actor=actor,
                voucher=v,
                lot_number=line["lot"].lot_number,
                quantity=line["quantity"],
                location=place,
            )
        else:
            drafts.voucher_line_add(
                actor=actor,
                voucher=v,
                serial=line["serial"],
                weapon_type=line.get("weapon_type"),
                location=place,
            )
        v = drafts.voucher_submit(actor=actor, voucher=v)
        c.closing_voucher, c.state = v, Discrepancy.State.PENDING
        _step(
            actor,
            c,
            ["closing_voucher", "state"],
            "discrepancy.settlement_submitted",
            voucher=v.number,
            voucher_kind=v.kind,
        )
    return v


def settle_by_voucher(actor, v, now) -> None:
    """Close the cases that the posted voucher ``v`` settles (inside the posting); ``v`` has
    the voucher's ``pk``, ``kind`` and ``number``."""
    for c in (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("site", "lot")
        .filter(closing_voucher_id=v.pk, state=Discrepancy.State.PENDING)
    ):
        resolution = (
            Discrepancy.Resolution.WRITTEN_OFF
            if v.kind == Kind.LOSS
            else Discrepancy.Resolution.ADJUSTED
        )
        _close(actor, c, resolution, now, voucher=v.number)


def release_by_voucher(actor, v: Voucher) -> None:
    """A cancelled write-off voucher gives its cases back to the site, open."""
    for c in (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("site", "lot")
        .filter(closing_voucher=v, state=Discrepancy.State.PENDING)
    ):
        c.state, c.closing_voucher = Discrepancy.State.OPEN, None
        _step(
            actor,
            c,
            ["state", "closing_voucher"],
            "discrepancy.reopened",
            cancelled_voucher=v.number,
        )


def check_settlement_approver(actor, v) -> None:
    """A write-off settles cases of other sites too (a weapon lost in transit is written off
    by the sender for a case of the receiver): its approver must be above every site whose
    case it closes, not only above the site of the voucher."""
    sites = (
        Discrepancy.objects.filter(closing_voucher_id=v.pk, state=Discrepancy.State.PENDING)
        .exclude(site_id=v.site_id)
        .select_related("site__organisation__country")
    )
    for c in sites:
        authz.check_above_site(actor, Action.WRITE_OFF_APPROVE, c.site)


def _lot_still_to_receive(c: Discrepancy) -> bool:
    """Whether the case is a lot found short at a transfer's receipt whose dispatch still has
    units of it to receive."""
    dispatch_id = c.voucher.dispatch_id if c.voucher_id else None
    if not (c.lot_id and dispatch_id and c.kind == Discrepancy.Kind.SHORTAGE):
        return False
    sent, got, _listed = lots.lots_outstanding(dispatch_id).get(c.lot_id, (0, 0, False))
    return sent > got


def case_receive(*, actor, case: Discrepancy) -> Voucher:
    """Open the late receipt of a weapon or lot found short at a transfer's receipt: a new
    receipt voucher of the same dispatch, listing what is still in transit (the weapons, and
    of each lot the units sent less those received), into the location of the first receipt.
    Its posting closes the cases of the weapons it receives and of the lots it completes
    (resolution found)."""
    with transaction.atomic():
        c = _lock(case)
        authz.check(actor, Action.VOUCHER_PREPARE, c)
        if c.state == Discrepancy.State.CLOSED:
            _require_open(c)
        if not in_transit(c) and not _lot_still_to_receive(c):
            raise ConflictError(
                gettext_noop("Case %(case)s is not a weapon still in transit to this site."),
                params={"case": c.number},
            )
        first = c.voucher
        return drafts.voucher_create(
            actor=actor,
            site=c.site,
            kind=Kind.TRANSFER_RECEIPT.value,
            dispatch=first.dispatch,
            location=first.location,
            notes=c.number,
        )


def settle_by_receipt(actor, v, weapon_ids: list[int], now) -> None:
    """Close the cases of the weapons a posted transfer receipt ``v`` received after they
    were found short (late delivery against the same dispatch); a write-off still awaiting
    approval for them is cancelled, since the weapon has arrived."""
    if not weapon_ids:
        return
    found = (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("site", "lot", "closing_voucher")
        .filter(
            weapon_id__in=weapon_ids,
            kind=Discrepancy.Kind.MISSING,
            voucher__dispatch_id=v.dispatch_id,
            state__in=OPEN_STATES,
        )
        .order_by("pk")
    )
    for c in found:
        pending = c.closing_voucher
        if pending is not None and pending.state in {
            Voucher.State.DRAFT,
            Voucher.State.SUBMITTED,
        }:
            Voucher.objects.filter(pk=pending.pk).update(
                state=Voucher.State.CANCELLED, cancelled_at=now, cancelled_by=actor
            )
            journal_append(
                actor=actor,
                kind="voucher.cancelled",
                payload={"number": pending.number, "settled_by": v.number},
                scope=pending.scope,
                now=now,
            )
        _close(actor, c, Discrepancy.Resolution.FOUND, now, voucher=v.number)


def settle_lots_by_receipt(actor, v, now) -> None:
    """Close the shortage cases of the lots that a posted transfer receipt ``v`` brought to
    the full quantity sent (the rest of a lot found short at an earlier receipt of the same
    dispatch arrived): resolution found."""
    complete = [
        lot_id
        for lot_id, (sent, got, _listed) in lots.lots_outstanding(v.dispatch_id).items()
        if got >= sent
    ]
    if not complete:
        return
    found = (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("site", "lot")
        .filter(
            lot_id__in=complete,
            kind=Discrepancy.Kind.SHORTAGE,
            voucher__dispatch_id=v.dispatch_id,
            state__in=OPEN_STATES,
        )
        .exclude(voucher_id=v.pk)
        .order_by("pk")
    )
    for c in found:
        _close(actor, c, Discrepancy.Resolution.FOUND, now, voucher=v.number)
