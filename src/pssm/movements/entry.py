"""Entering serials on a draft the way a storekeeper does: one serial, or a list pasted or
scanned in one go. Each serial of the list is confirmed or explained on its own (unknown,
with the near serials of the site offered; already on the voucher; not available), the
good ones are kept, and the whole entry is one transaction and one journal entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from pssm.core.services import invalid
from pssm.domain import serials as serial_rules
from pssm.domain.errors import NotFoundError, PssmError, gettext_noop
from pssm.domain.ledger import Kind
from pssm.journal.services import journal_append

from .drafts import _add_line, _lock_draft
from .models import Voucher, VoucherLine

# Serials per entry: a rack or a vehicle's load; a longer list goes through the API.
MAX_ENTRY = 500
SUGGESTIONS = 3
_SEPARATORS = re.compile(r"[\r\n\t,;]+")


@dataclass
class Entered:
    """What became of one serial of an entry."""

    serial: str
    line: VoucherLine | None = None
    error: PssmError | None = None
    suggestions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.line is not None

    @property
    def unexpected(self) -> bool:
        """Recorded on a transfer receipt though the transfer does not list it."""
        return (
            self.line is not None
            and self.line.weapon_id is None
            and bool(self.line.received)
            and self.line.new_weapon is None
            and self.line.lot_id is None
        )


def split_serials(text: str) -> list[str]:
    """The serials of a pasted or scanned list, in order: one per line, or separated by
    commas, semicolons or tabs (a serial may itself contain spaces, as marked)."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def _near(actor, voucher: Voucher, serial: str) -> list[str]:
    """Serials of this voucher's site one character away from ``serial`` (on a transfer
    receipt, those of the dispatch)."""
    if voucher.kind == Kind.TRANSFER_RECEIPT:
        norm = serial_rules.normalise(serial)
        wanted = serial_rules.neighbours(norm)
        return list(
            voucher.lines.filter(weapon__serial_norm__in=wanted)
            .order_by("serial")
            .values_list("serial", flat=True)[:SUGGESTIONS]
        )
    from pssm.registry.selectors import weapon_search

    hits = weapon_search(user=actor, query=serial, limit=SUGGESTIONS * 4, near=True)
    code = voucher.site.code
    return [hit.serial for _match, hit in hits if hit.site == code][:SUGGESTIONS]


def voucher_lines_enter(
    *,
    actor,
    voucher: Voucher,
    text: str,
    weapon_type=None,
    location=None,
    details: dict | None = None,
) -> list[Entered]:
    """Add every serial of ``text`` that can be added to the draft ``voucher``; the others
    are answered with the reason (and near serials when unknown). Raises only when the
    entry as a whole is wrong (nothing typed, too long a list, not a draft)."""
    wanted = split_serials(text)
    if not wanted:
        raise invalid(gettext_noop("Type or scan a serial number."), "serial")
    if len(wanted) > MAX_ENTRY:
        raise invalid(
            gettext_noop("Enter at most %(max)s serials at once."), "serial", max=MAX_ENTRY
        )
    results: list[Entered] = []
    with transaction.atomic():
        voucher = _lock_draft(actor, voucher)
        receipt = voucher.kind == Kind.TRANSFER_RECEIPT
        for serial in wanted:
            point = transaction.savepoint()
            try:
                line = _add_line(actor, voucher, serial, weapon_type, location, details)
            except PssmError as exc:
                transaction.savepoint_rollback(point)
                near = _near(actor, voucher, serial) if isinstance(exc, NotFoundError) else []
                results.append(Entered(serial, error=exc, suggestions=near))
                continue
            transaction.savepoint_commit(point)
            near = _near(actor, voucher, serial) if line.weapon_id is None and receipt else []
            results.append(Entered(serial, line=line, suggestions=near))
        added = [r.line.serial for r in results if r.ok]
        if added:
            journal_append(
                actor=actor,
                kind="voucher.lines_added",
                payload={"number": voucher.number, "serials": added},
                scope=voucher.scope,
            )
    return results
