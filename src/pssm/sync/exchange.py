"""What depots and the national node send each other, and how each applies it (ADR 0014).

- A depot's **push** carries its journal entries that national has not acknowledged, its
  head and seal, and the rows of its site that changed since national last acknowledged.
- National **ingests** a push only as the next unbroken range of the depot's chain, signed
  by the depot's enrolled key; an exact duplicate is skipped, the same sequence with another
  hash quarantines the depot (a fork). Its answer, an **ack** bundle, acknowledges what it
  took and carries what the depot must hold: master data and what is addressed to its site.
- A depot **receives** the ack: it notes what national holds and applies the rows.

Each side applies a bundle in one transaction: a refused bundle changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Min

from pssm.accounts import authz
from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Action
from pssm.domain.errors import gettext_noop
from pssm.journal.models import JournalEntry, JournalHead
from pssm.journal.services import journal_append

from . import copies, courier, crypt, files, nodes, refusals, restore, rows, tables
from .entries import ENTRY_FIELDS, check_entry, entry_of, insert_entries, refuse, set_head
from .models import Bundle, Change, Fork, Peer, RowMap, ThisNode
from .nodes import closure, export_rows, node_key, require_role, this_node

INGESTED = "sync.ingested"
RECEIVED = copies.RECEIVED
FORK_FOUND = "sync.fork_found"


def _now() -> datetime:
    return datetime.now(UTC)


_refuse = refuse


def _changes(after: int) -> tuple[dict[str, set[int]], int]:
    """Rows changed here after change number ``after``: label -> ids, and the last number."""
    by_table = tables.by_table()
    changed: dict[str, set[int]] = defaultdict(set)
    last = after
    query = Change.objects.filter(id__gt=after).order_by("id").values_list("id", "tbl", "row")
    for change_id, tbl, row in query.iterator(chunk_size=5000):
        last = change_id
        if tbl in by_table:
            changed[by_table[tbl]].add(row)
    return changed, last


def _split(label: str, pks: set[int]) -> tuple[set[int], set[int]]:
    """(ids still present, ids deleted) of a table."""
    present = set()
    model = tables.model(label)
    ordered = sorted(pks)
    for start in range(0, len(ordered), 5000):
        present |= set(
            model.objects.filter(pk__in=ordered[start : start + 5000]).values_list("pk", flat=True)
        )
    return present, pks - present


def sealed_for(data: bytes, *, peer_key: str) -> bytes:
    """A bundle encrypted to the node whose public key is ``peer_key`` (``--encrypt``)."""
    return crypt.seal(data, to_public_key=peer_key)


def bundle_for(*, user, to: str = "", encrypt: bool = False) -> tuple[bytes, str]:
    """What this node sends next (``pssm sync export``): a depot's push for national, or on
    the national node the ack bundle for depot ``to``; sealed to the recipient's enrolled key
    when ``encrypt``. Returns the bundle and the recipient's node."""
    from pssm.domain.errors import ValidationError

    node = this_node()
    if node is not None and node.role == "national":
        if not to:
            raise ValidationError(
                gettext_noop(
                    "On the national node, name the depot node the bundle is for (--to NODE)."
                ),
                params={},
                details={"to": to},
            )
        peer = nodes.find_peer(to)
        if peer.site_id:
            authz.check(user, Action.SYNC_RUN, peer.site)
        data, recipient, key = response(peer=peer), peer.node_id, peer.public_key
    else:
        data = push(user=user)
        node = this_node()
        recipient, key = node.national_node, node.national_key
    return (sealed_for(data, peer_key=key) if encrypt else data), recipient


def _check_site(user, node: ThisNode) -> None:
    if node.site_id:
        authz.check(user, Action.SYNC_RUN, node.site)
    else:
        authz.check_anywhere(user, Action.SYNC_RUN)


# --- depot -> national ---------------------------------------------------------------------


def push(*, user) -> bytes:
    """The bundle of what this depot has that national has not acknowledged
    (``pssm sync export`` on a depot)."""
    node = require_role("depot")
    _check_site(user, node)
    # A node restored from an older backup sends only where its journal ends: national's
    # answer brings back what it lost (see restore).
    restored = bool(node.read_only_reason)
    national = Peer.objects.get(node_id=node.national_node)
    key = node_key()
    ids = rows.Ids(node.node_id)
    with transaction.atomic():
        entries = list(
            JournalEntry.objects.filter(node_id=node.node_id, seq__gt=national.acked_seq)
            .order_by("seq")
            .values_list(*ENTRY_FIELDS)
        )
        head = JournalHead.objects.filter(node_id=node.node_id).first()
        changed, last = _changes(national.acked_change)
        if restored:
            entries, changed, last = [], {}, national.sent_change
        wanted, deleted = {}, {}
        for label, pks in changed.items():
            if label in tables.MASTER or label in tables.NATIONAL:
                continue
            present, gone = _split(label, pks)
            if label in tables.OWNER:
                # its own rows, and the rows of another site it wrote as their addressee (the
                # hold a receipt puts on a weapon missing from a transfer); what it only
                # received from national is not noted as a change (see receive)
                owners = rows.owners(label, sorted(present))
                present = {pk for pk in present if node.site_id in owners.get(pk, ())}
            wanted[label], deleted[label] = present, gone
        records = rows.export(ids, wanted, deleted)
        persons = _persons_in(entries)
        body = {
            "entries": [_entry_json(e) for e in entries],
            "head": None
            if head is None
            else [head.last_seq, head.last_hash, head.signature, head.key_id],
            "rows": records,
            "files": files.collect(records),
            "change": last,
            "applied": national.their_change,
            "persons": {
                str(pk): gid for pk, gid in ids.gids(tables.table(tables.PERSON), persons).items()
            },
        }
        bundle_id = str(uuid.uuid4())
        data = fmt.pack(
            nodes.bundle_header(bundle_id, "push", node.node_id, national.node_id, key),
            body,
            key.sign,
        )
        Peer.objects.filter(pk=national.pk).update(sent_change=last)
        Bundle.objects.create(
            bundle_id=bundle_id,
            direction="out",
            kind="push",
            peer=national.node_id,
            size=len(data),
            entries=len(entries),
            rows=len(records),
            status="written",
        )
        Peer.objects.filter(pk=national.pk).update(bytes_out=national.bytes_out + len(data))
    return data


def _entry_json(values: tuple) -> list:
    out = list(values)
    out[1] = str(out[1])
    return out


def _persons_in(entries) -> set[int]:
    import json

    found: set[int] = set()
    for values in entries:
        payload = values[8]
        if '"person:' not in payload:
            continue
        for w in (json.loads(payload).get("facts") or {}).get("w", ()):
            for holding in (w[2], w[3]):
                if holding and str(holding[3]).startswith("person:"):
                    found.add(int(holding[3][7:]))
    return found


def ingest(*, user, data: bytes) -> tuple[Bundle, bytes]:
    """Take a depot's push on the national node (``pssm sync import`` there); returns the
    record of the bundle and the ack bundle to carry back."""
    authz.check_anywhere(user, Action.SYNC_RUN)
    national = require_role("national")
    data, header = refusals.opened(data)
    refusals.addressed_here(header, national.node_id)
    peer = Peer.objects.filter(node_id=header["from"]).first()
    if peer is None:
        raise refusals.unknown_node(header["from"])
    if peer.site_id:  # the bundle and its answer hold that site's records
        authz.check(user, Action.SYNC_RUN, peer.site)
    refusals.check_not_revoked(peer)
    header, body = fmt.unpack(data, expected_key=peer.public_key)
    if header["kind"] != "push":
        raise _refuse(
            "kind",
            gettext_noop("This is a %(kind)s bundle; the national node takes a depot's push."),
            kind=header["kind"],
        )
    done = Bundle.objects.filter(bundle_id=header["id"], direction="in", status="applied").first()
    if done is not None:
        done.duplicate = True  # taken before: skipped, and acknowledged again
        return done, response(peer=Peer.objects.get(pk=peer.pk), acked=header["id"])
    refusals.check_not_quarantined(peer)
    entries = [entry_of(peer.node_id, values) for values in body.get("entries", ())]
    head = JournalHead.objects.filter(node_id=peer.node_id).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, chain.GENESIS_HASH)

    def held(seq):
        return (
            JournalEntry.objects.filter(node_id=peer.node_id, seq=seq)
            .values_list("hash", flat=True)
            .first()
        )

    plan = fmt.plan_range(head_seq, head_hash, held, entries)
    if plan.fork:
        _quarantine(user, peer, plan.fork, entries)
        raise _refuse(
            "fork",
            gettext_noop(
                "Node %(node)s sent another version of its entry #%(seq)s: it is quarantined "
                "until the national authority resolves the fork. Nothing was applied."
            ),
            node=peer.node_id,
            seq=plan.fork[0],
        )
    if plan.gap:
        raise _refuse(
            "gap",
            gettext_noop(
                "Entries #%(expected)s to #%(got)s of node %(node)s are missing: import the "
                "earlier bundle first. Nothing was applied."
            ),
            node=peer.node_id,
            expected=plan.gap[0],
            got=plan.gap[1] - 1,
        )
    if plan.broken is not None:
        raise _refuse(
            "broken",
            gettext_noop("The bundle's entry #%(seq)s does not follow the one before it."),
            seq=plan.broken,
        )
    with transaction.atomic():
        new = plan.apply
        for entry in new:
            check_entry(entry)
        insert_entries(new)
        if new:
            set_head(peer, body.get("head"), new[-1])
        ids = rows.Ids(national.node_id)
        files.store(body.get("files", {}), body.get("rows", []))
        written = rows.apply(ids, body.get("rows", []))
        _check_ownership(peer, written)
        persons = _learn_persons(ids, peer, body.get("persons") or {})
        if new:
            journal_append(
                actor=user,
                kind=INGESTED,
                payload={
                    "node": peer.node_id,
                    "from": new[0].seq,
                    "to": new[-1].seq,
                    "bundle": header["id"],
                    "rows": len(body.get("rows", [])),
                    "persons": persons,
                },
                scope=peer.site.scope if peer.site_id else None,
            )
        skew = fmt.clock_skew(float(header.get("clock") or 0), _now().timestamp())
        Peer.objects.filter(pk=peer.pk).update(
            acked_seq=new[-1].seq if new else head_seq,
            their_change=max(peer.their_change, int(body.get("change") or 0)),
            acked_change=max(peer.acked_change, int(body.get("applied") or 0)),
            last_contact_at=_now(),
            bytes_in=peer.bytes_in + len(data),
            clock_skew=skew,
            version=header["version"],
            last_error="",
        )
        record = Bundle.objects.create(
            bundle_id=header["id"],
            direction="in",
            kind="push",
            peer=peer.node_id,
            size=len(data),
            entries=len(new),
            rows=len(body.get("rows", [])),
            status="applied",
            message=f"{plan.duplicates} duplicate entries skipped" if plan.duplicates else "",
        )
    after = None if plan.apply else restore.behind(peer, body.get("head"))
    return record, response(
        peer=Peer.objects.get(pk=peer.pk), acked=header["id"], user=user, tail_after=after
    )


def _check_ownership(peer: Peer, written: dict[str, list[int]]) -> None:
    """Refuse rows of a site that the sending node does not write."""
    from .models import SiteWriter

    sites = set(SiteWriter.objects.filter(node_id=peer.node_id).values_list("site_id", flat=True))
    for label, pks in written.items():
        if label in tables.NATIONAL:
            raise _refuse(
                "national_only",
                gettext_noop(
                    "Node %(node)s sent %(table)s records: national records are written at the "
                    "national node only. Nothing was applied."
                ),
                node=peer.node_id,
                table=tables.table(label),
            )
        if label in tables.MASTER:
            raise refusals.master_data(peer.node_id, tables.table(label))
        if label not in tables.OWNER:
            continue
        for pk, owner in rows.owners(label, pks).items():
            if not (set(owner) & sites):
                raise refusals.not_writer(peer.node_id, tables.table(label), pk)


def _learn_persons(ids: rows.Ids, peer: Peer, persons: dict) -> dict:
    """Note how the depot numbers the persons its entries name; returns depot id -> id here."""
    tbl = tables.table(tables.PERSON)
    local = ids.locals(tbl, list(persons.values()))
    out, maps = {}, []
    for their_pk, gid in persons.items():
        pk = local.get(gid)
        if pk is None:
            continue
        out[their_pk] = pk
        alias = f"{peer.node_id}/{their_pk}"
        if alias != gid and not ids.locals(tbl, [alias]).get(alias):
            maps.append(RowMap(tbl=tbl, gid=alias, local_pk=pk))
            ids.learn(tbl, alias, pk)
    RowMap.objects.bulk_create(maps)
    return out


def _quarantine(user, peer: Peer, fork: tuple, entries) -> None:
    seq, held_hash, received_hash = fork
    held = JournalEntry.objects.filter(node_id=peer.node_id, seq=seq).first()
    theirs = next((e for e in entries if e.seq == seq), None)
    with transaction.atomic():
        Fork.objects.create(
            peer=peer.node_id,
            seq=seq,
            held_hash=held_hash,
            received_hash=received_hash,
            held_entry=held.payload if held else "",
            received_entry=theirs.payload if theirs else "",
        )
        Peer.objects.filter(pk=peer.pk).update(
            status=Peer.QUARANTINED, status_reason=f"fork at entry #{seq}"
        )
        journal_append(
            actor=user,
            kind=FORK_FOUND,
            payload={
                "node": peer.node_id,
                "seq": seq,
                "held": held_hash,
                "received": received_hash,
            },
        )


# --- national -> depot ---------------------------------------------------------------------


def response(*, peer: Peer, acked: str = "", user=None, tail_after: int | None = None) -> bytes:
    """The ack bundle for a depot: what national holds of it, and the master data and
    addressed rows that changed since the depot last acknowledged; for a depot restored from
    an older backup whose journal ends at #``tail_after``, what it lost (see restore)."""
    national = this_node()
    key = node_key()
    ids = rows.Ids(national.node_id)
    with transaction.atomic():
        wanted, last = wanted_for(peer)
        records = export_rows(ids, closure(wanted)) if wanted else []
        body = {
            "acked_seq": peer.acked_seq,
            "acked_bundle": acked,
            "acked_change": peer.their_change,
            "rows": records,
            "files": files.collect(records),
            "change": last,
        }
        if tail_after is not None:
            body["tail"] = restore.tail(user=user, peer=peer, after=tail_after)
        bundle_id = str(uuid.uuid4())
        data = fmt.pack(
            nodes.bundle_header(bundle_id, "ack", national.node_id, peer.node_id, key),
            body,
            key.sign,
        )
        Peer.objects.filter(pk=peer.pk).update(
            sent_change=last, bytes_out=peer.bytes_out + len(data)
        )
        Bundle.objects.create(
            bundle_id=bundle_id,
            direction="out",
            kind="ack",
            peer=peer.node_id,
            size=len(data),
            rows=len(records),
            status="written",
        )
    return data


def wanted_for(peer: Peer) -> tuple[dict[str, set[int]], int]:
    """What national sends depot ``peer`` of the rows changed since it last acknowledged:
    label -> ids (before the rows they need are added), and the last change number. The
    master data, the rows addressed to its site, the national records that concern it, and
    only the roles and users that cover its site."""
    changed, last = _changes(peer.acked_change)
    wanted: dict[str, set[int]] = {}
    site = peer.site
    for label, pks in changed.items():
        present, _gone = _split(label, pks)
        if label in tables.MASTER:
            wanted[label] = present
        elif label in tables.OWNER and site is not None:
            wanted[label] = rows.addressed_to(label, site.pk, sorted(present))
        elif label in tables.NATIONAL and site is not None:
            wanted[label] = set(
                tables.national_for_site(label, site.pk)
                .filter(pk__in=present)
                .values_list("pk", flat=True)
            )
    wanted = {label: pks for label, pks in wanted.items() if pks}
    if site is not None:
        _scope_users(wanted, site)
    return wanted, last


def _scope_users(wanted: dict, site) -> None:
    """Only the roles that cover the depot's site, and their users, travel in full."""
    from django.db.models import Q

    Role = tables.model(tables.ROLE)
    if tables.ROLE in wanted:
        wanted[tables.ROLE] = set(
            Role.objects.filter(pk__in=wanted[tables.ROLE])
            .filter(
                Q(site=site)
                | Q(organisation_id=site.organisation_id, site__isnull=True)
                | Q(
                    country_id=site.organisation.country_id,
                    organisation__isnull=True,
                    site__isnull=True,
                )
                | Q(country__isnull=True, organisation__isnull=True, site__isnull=True)
            )
            .values_list("pk", flat=True)
        )
    if tables.USER in wanted:
        covered = set(
            Role.objects.filter(user_id__in=wanted[tables.USER])
            .filter(
                Q(site=site)
                | Q(organisation_id=site.organisation_id, site__isnull=True)
                | Q(
                    country_id=site.organisation.country_id,
                    organisation__isnull=True,
                    site__isnull=True,
                )
                | Q(country__isnull=True, organisation__isnull=True, site__isnull=True)
            )
            .values_list("user_id", flat=True)
        )
        wanted[tables.USER] &= covered


def receive(*, user, data: bytes) -> Bundle:
    """Apply the national node's ack bundle on this depot (``pssm sync import`` there)."""
    node = require_role("depot")
    _check_site(user, node)
    data, header = refusals.opened(data)
    refusals.addressed_here(header, node.node_id)
    if header["from"] != node.national_node:
        raise refusals.unknown_node(header["from"])
    header, body = fmt.unpack(data, expected_key=node.national_key)
    if header["kind"] == courier.COUNTERSIGNED:
        return courier.take(user=user, node=node, header=header, body=body, size=len(data))
    if header["kind"] != "ack":
        raise _refuse(
            "kind",
            gettext_noop("This is a %(kind)s bundle; a depot takes the national node's ack."),
            kind=header["kind"],
        )
    done = Bundle.objects.filter(bundle_id=header["id"], direction="in", status="applied").first()
    if done is not None:
        done.duplicate = True
        return done
    national = Peer.objects.get(node_id=node.national_node)
    head = JournalHead.objects.filter(node_id=node.node_id).first()
    my_seq = head.last_seq if head else 0
    acked_seq = int(body.get("acked_seq") or 0)
    with transaction.atomic():
        if acked_seq > my_seq and "tail" in body:
            my_seq = restore.take_tail(user=user, node=node, body=body)
        if acked_seq > my_seq:
            restore.mark_restored(node, acked=acked_seq, mine=my_seq)
        records = body.get("rows", [])
        copies.take_rows(
            user,
            node,
            records,
            body.get("files", {}),
            payload={"bundle": header["id"], "rows": len(records), "from": header["from"]},
            journal=acked_seq <= my_seq,
        )
        Peer.objects.filter(pk=national.pk).update(
            acked_seq=max(national.acked_seq, acked_seq),
            acked_change=max(national.acked_change, int(body.get("acked_change") or 0)),
            their_change=max(national.their_change, int(body.get("change") or 0)),
            last_contact_at=_now(),
            bytes_in=national.bytes_in + len(data),
        )
        record = Bundle.objects.create(
            bundle_id=header["id"],
            direction="in",
            kind="ack",
            peer=header["from"],
            size=len(data),
            rows=len(records),
            status="applied",
        )
    return record


def prune() -> int:
    """Forget the changes every peer has acknowledged."""
    low = Peer.objects.exclude(status=Peer.REVOKED).aggregate(m=Min("acked_change"))["m"]
    if not low:
        return 0
    return Change.objects.filter(id__lte=low).delete()[0]
