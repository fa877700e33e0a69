"""A depot restored from an older backup (issue 15, ingest rules; ADR 0014).

National holds the depot's entries up to #A; the restored depot's journal ends at #S < A.
While it is in that state the depot writes nothing (every journal append is refused, so its
chain cannot fork from what national holds) and its pages say so. Its next push tells
national where its journal ends; when that entry is the one national holds, national's
acknowledgement carries the **tail**: the depot's own entries #S+1..#A as national holds them,
national's copy of the depot's sealed head, and the site's rows as national holds them. The
depot checks that the tail continues its chain and is sealed by its own key, writes it, takes
the rows back (its own rows under their own ids), and is writable again — journaled
(``sync.tail_fetched``). A depot that wrote after the restore forked instead: national
quarantines it and a person decides (``pssm sync fork-resolve``, or a hand-over)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.db.models import Max
from django.utils.translation import gettext

from pssm.domain import journal as chain
from pssm.domain.errors import ConflictError, Text, gettext_noop
from pssm.journal.models import JournalEntry, JournalHead
from pssm.journal.services import before_append, journal_append

from . import files, nodes, rows
from .entries import ENTRY_FIELDS, check_entry, entry_of, insert_entries, refuse, set_head
from .models import Change, Peer, ThisNode

TAIL_FETCHED = "sync.tail_fetched"
TAIL_SENT = "sync.tail_sent"
RESTORED = gettext_noop(
    "national holds entries of this node up to #%(acked)s, but this node's journal ends at "
    "#%(mine)s: it was restored from an older backup. Synchronise again (network or bundle): "
    "national then sends back the missing entries and this node is writable again"
)


# --- the read-only state --------------------------------------------------------------------


def mark_restored(node: ThisNode, *, acked: int, mine: int) -> None:
    reason = json.dumps({"code": "restored", "acked": acked, "mine": mine})
    ThisNode.objects.filter(pk=node.pk).update(read_only_reason=reason)


def reason(stored: str) -> Text | str:
    """The read-only reason as a text to translate (or as written by an earlier version)."""
    try:
        data = json.loads(stored)
    except (TypeError, ValueError):
        return stored
    if not isinstance(data, dict) or data.get("code") != "restored":
        return stored
    return Text(RESTORED, acked=data.get("acked"), mine=data.get("mine"))


def reason_code(stored: str) -> str:
    """Why this node is read-only, as a code (``restored``), or empty when it is not."""
    found = reason(stored)
    return "restored" if isinstance(found, Text) else ("other" if found else "")


def reason_text(stored: str) -> str:
    """The read-only reason in the reader's language."""
    found = reason(stored)
    return found.render(gettext) if isinstance(found, Text) else found


class ReadOnlyError(ConflictError):
    code = "read_only"


def _refuse_writes(sender, kind, **kwargs) -> None:
    node = ThisNode.objects.filter(read_only_reason__gt="").only("read_only_reason").first()
    if node is not None:
        raise ReadOnlyError(
            gettext_noop("This node is read-only: %(reason)s."),
            params={"reason": reason(node.read_only_reason)},
        )


def connect() -> None:
    before_append.connect(_refuse_writes, dispatch_uid="pssm.sync.read_only")


# --- national: the tail of a restored depot --------------------------------------------------


def behind(peer: Peer, head) -> int | None:
    """The sequence where a depot's journal ends when it is a strict prefix of what national
    holds of it (a restore), else None."""
    if not head or not isinstance(head, list) or len(head) < 2:
        return None
    held = JournalHead.objects.filter(node_id=peer.node_id).first()
    try:
        seq = int(head[0])
    except (TypeError, ValueError):
        return None
    if held is None or not 0 <= seq < held.last_seq:
        return None
    if seq == 0:
        same = head[1] == chain.GENESIS_HASH
    else:
        same = JournalEntry.objects.filter(node_id=peer.node_id, seq=seq, hash=head[1]).exists()
    return seq if same else None


def tail(*, user, peer: Peer, after: int) -> dict:
    """What a restored depot takes back: its entries after #``after``, its sealed head, and
    its site's rows as national holds them (journaled here)."""
    held = JournalHead.objects.get(node_id=peer.node_id)
    entries = list(
        JournalEntry.objects.filter(node_id=peer.node_id, seq__gt=after)
        .order_by("seq")
        .values_list(*ENTRY_FIELDS)
    )
    records = []
    if peer.site_id:
        ids = rows.Ids(nodes.this_node().node_id)
        records = nodes.export_rows(ids, nodes.closure(nodes.site_rows(peer.site)))
    journal_append(
        actor=user,
        kind=TAIL_SENT,
        payload={"node": peer.node_id, "from": after + 1, "to": held.last_seq},
        scope=peer.site.scope if peer.site_id else None,
    )
    return {
        "entries": [[str(v) if i == 1 else v for i, v in enumerate(e)] for e in entries],
        "head": [held.last_seq, held.last_hash, held.signature, held.key_id],
        "rows": records,
        "files": files.collect(records),
    }


# --- depot: taking the tail back ------------------------------------------------------------


def take_tail(*, user, node: ThisNode, body: dict) -> int:
    """Write the tail an acknowledgement carries and take the site's rows back; returns the
    new end of this node's journal. Refused (nothing written) when the tail does not continue
    this node's chain or is not sealed by this node's key."""
    part = body.get("tail")
    if not isinstance(part, dict):
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    head = JournalHead.objects.filter(node_id=node.node_id).first()
    my_seq, my_hash = (head.last_seq, head.last_hash) if head else (0, chain.GENESIS_HASH)
    entries = [entry_of(node.node_id, values) for values in part.get("entries", ())]
    expected_seq, expected_prev = my_seq + 1, my_hash
    for e in entries:
        if e.seq != expected_seq or e.prev_hash != expected_prev:
            raise refuse(
                "tail",
                gettext_noop(
                    "The entries national sent back do not continue this node's journal at "
                    "#%(seq)s: nothing was applied."
                ),
                seq=expected_seq,
            )
        check_entry(e)
        expected_seq, expected_prev = e.seq + 1, e.hash
    if not entries:
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    own = SimpleNamespace(node_id=node.node_id, public_key=nodes.node_key().public)
    insert_entries(entries)
    set_head(own, part.get("head"), entries[-1])
    records = part.get("rows", [])
    files.store(part.get("files", {}), records)
    before = Change.objects.aggregate(last=Max("id"))["last"] or 0
    written = rows.apply(rows.Ids(node.node_id), records)
    forget_echo(before, written)
    # national counts this node's changes from the numbers it knew: go on above them
    rows.raise_id_sequence(Change._meta.db_table, int(body.get("acked_change") or 0))
    ThisNode.objects.filter(pk=node.pk).update(read_only_reason="")
    journal_append(
        actor=user,
        kind=TAIL_FETCHED,
        payload={"from": entries[0].seq, "to": entries[-1].seq, "rows": len(records)},
        scope=node.site.scope if node.site_id else None,
    )
    return entries[-1].seq


def forget_echo(before: int, written: dict[str, list[int]]) -> None:
    """Drop the change notes that applying national's rows left, so that they are not sent
    back as this node's own writes."""
    from . import tables

    for label, pks in written.items():
        tbl = tables.table(label)
        for chunk in rows.chunks(pks):
            Change.objects.filter(id__gt=before, tbl=tbl, row__in=chunk).delete()
