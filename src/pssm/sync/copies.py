"""Rows another node sent this depot, written here and journaled as a copy (ADR 0014)."""

from __future__ import annotations

from django.db.models import Max

from pssm.journal.services import journal_append

from . import facts, files, restore, rows, tables
from .models import Change, ThisNode

RECEIVED = "sync.received"


def take_rows(user, node: ThisNode, records: list, files_in, *, payload: dict, journal=True):
    """Write rows another node sent this depot (with their files) and, when they change a
    weapon or a lot balance, journal the copy (``sync.received``) with the holdings it
    changes, so that the journal replays to the same state. Returns label -> ids written."""
    ids = rows.Ids(node.node_id)
    files.store(files_in, records)
    wtbl = tables.table("registry.Weapon")
    held = ids.locals(wtbl, [r[1] for r in records if isinstance(r, list) and r[:1] == [wtbl]])
    was = facts.holdings(pk for pk in held.values() if pk is not None)
    before = Change.objects.aggregate(last=Max("id"))["last"] or 0
    written = rows.apply(ids, records)
    restore.forget_echo(before, written)
    weapons = written.get("registry.Weapon", [])
    balances = written.get("ammunition.LotBalance", [])
    if (weapons or balances) and journal:
        journal_append(
            actor=user,
            kind=RECEIVED,
            payload=payload,
            scope=node.site.scope if node.site_id else None,
            facts=facts.mirror(weapons, balances, ["sync", payload["bundle"]], before=was),
        )
    return written
