"""Batches of serials on a draft (a scanned list, an import, a list sent to the API): all or
nothing, one journal entry. The weapons of the batch are read in one statement and the lines
written in one, so that a batch of a thousand serials costs a few statements rather than a
few thousand; any item that is not plainly one movable weapon of the site goes the way of a
single line, which says what is wrong with it."""

from __future__ import annotations

from django.db import transaction

from pssm.domain import serials
from pssm.domain.errors import PssmError
from pssm.domain.ledger import BLOCKED_WHEN_FROZEN, Kind, apply
from pssm.journal.services import journal_append
from pssm.registry.models import Weapon

from .drafts import _add_line, _check_location, _line_for_ledger, _lock_draft
from .engine import holding_of
from .models import Voucher, VoucherLine


def voucher_lines_add(*, actor, voucher: Voucher, items: list[dict]) -> list[VoucherLine]:
    """Add a batch of weapons (a scanned list, an import) in one go: all or nothing. Each item
    has ``serial`` and optionally ``weapon_type``, ``location`` and ``details``; an error names
    the item's position in ``details['row']``."""
    with transaction.atomic():
        voucher = _lock_draft(actor, voucher)
        if voucher.kind_enum is Kind.TRANSFER_RECEIPT:
            lines = _receive_batch(actor, voucher, items)
            journal_append(
                actor=actor,
                kind="voucher.lines_added",
                payload={"number": voucher.number, "serials": [line.serial for line in lines]},
                scope=voucher.scope,
            )
            return lines
        lines = []
        found = _weapons_of_batch(voucher, items)
        on_voucher = set(
            voucher.lines.filter(weapon__isnull=False).values_list("weapon_id", flat=True)
        )
        pending: list[VoucherLine] = []
        for row, item in enumerate(items, start=1):
            try:
                line = _batch_line(voucher, item, found, on_voucher)
                if line is not None:
                    pending.append(line)
                    on_voucher.add(line.weapon_id)
                else:  # every other case goes the way of a single line (and its errors)
                    VoucherLine.objects.bulk_create(pending)
                    lines += pending
                    pending = []
                    line = _add_line(
                        actor,
                        voucher,
                        item.get("serial", ""),
                        item.get("weapon_type"),
                        item.get("location"),
                        item.get("details"),
                    )
                    lines.append(line)
                    if line.weapon_id:
                        on_voucher.add(line.weapon_id)
            except PssmError as exc:
                exc.details["row"] = row
                raise
        VoucherLine.objects.bulk_create(pending)
        lines += pending
        journal_append(
            actor=actor,
            kind="voucher.lines_added",
            payload={"number": voucher.number, "serials": [line.serial for line in lines]},
            scope=voucher.scope,
        )
    return lines


def _weapons_of_batch(voucher: Voucher, items: list[dict]) -> dict[str, list[Weapon]]:
    """The weapons of the voucher's site named by a batch, by normalised serial, read in one
    statement per few thousand serials (only for the kinds that move registered weapons of
    the site; the others take the single-line way)."""
    k = voucher.kind_enum
    if k in {Kind.RECEIPT, Kind.TRANSFER_RECEIPT}:
        return {}
    norms = sorted({serials.normalise(i.get("serial", "")) for i in items} - {""})
    out: dict[str, list[Weapon]] = {}
    for start in range(0, len(norms), 2000):
        for w in Weapon.objects.filter(
            serial_norm__in=norms[start : start + 2000], site_id=voucher.site_id
        ).select_related("site", "location", "destination"):
            out.setdefault(w.serial_norm, []).append(w)
    return out


def _batch_line(voucher, item, found, on_voucher) -> VoucherLine | None:
    """The (unsaved) line of a batch item whose weapon is plainly one weapon of the site and
    may move, checked like a single line; None when it needs the single-line way (not found,
    several weapons, a duplicate, frozen...), which then says why."""
    if not found:
        return None
    serial_clean = serials.clean(item.get("serial", ""))
    weapon_type, location = item.get("weapon_type"), item.get("location")
    if len(serial_clean) > serials.MAX_SERIAL_LENGTH or item.get("details"):
        return None
    candidates = found.get(serials.normalise(serial_clean), [])
    if weapon_type is not None:
        candidates = [w for w in candidates if w.weapon_type_id == weapon_type.pk]
    if len(candidates) != 1:
        return None
    weapon = candidates[0]
    if weapon.pk in on_voucher or (weapon.on_hold and voucher.kind_enum in BLOCKED_WHEN_FROZEN):
        return None
    if location is not None:
        _check_location(location, voucher.site)
    line = VoucherLine(voucher=voucher, weapon=weapon, serial=weapon.serial, location=location)
    try:
        apply(holding_of(weapon), _line_for_ledger(voucher, line))
    except PssmError:
        return None
    return line


def _receive_batch(actor, voucher: Voucher, items: list[dict]) -> list[VoucherLine]:
    """Tick a batch of scanned serials on a transfer receipt: the lines of the batch's
    serials read in one statement and ticked in one; a serial that is not plainly one line
    not yet ticked goes the way of a single scan (unexpected, scanned twice...)."""
    norms = sorted({serials.normalise(i.get("serial", "")) for i in items} - {""})
    by_norm: dict[str, list[VoucherLine]] = {}
    for start in range(0, len(norms), 2000):
        for line in voucher.lines.filter(
            weapon__serial_norm__in=norms[start : start + 2000], received=False
        ).select_related("weapon"):
            by_norm.setdefault(line.weapon.serial_norm, []).append(line)
    lines, ticked = [], []

    def flush():
        VoucherLine.objects.filter(pk__in=[line.pk for line in ticked]).update(received=True)
        ticked.clear()

    for row, item in enumerate(items, start=1):
        weapon_type = item.get("weapon_type")
        candidates = [
            line
            for line in by_norm.get(serials.normalise(item.get("serial", "")), [])
            if not line.received
            and (weapon_type is None or line.weapon.weapon_type_id == weapon_type.pk)
        ]
        try:
            if len(candidates) == 1 and item.get("location") is None:
                line = candidates[0]
                line.received = True
                ticked.append(line)
            else:
                flush()
                line = _add_line(
                    actor, voucher, item.get("serial", ""), weapon_type, item.get("location"), None
                )
        except PssmError as exc:
            exc.details["row"] = row
            raise
        lines.append(line)
    flush()
    return lines
