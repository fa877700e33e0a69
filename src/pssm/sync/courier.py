"""Depot to depot by a bundle the national node countersigns (ADR 0032).

A depot whose convoy carries a transfer to another depot writes the **transfer bundle**:
what it has on its way to that site (the posted dispatches not yet received, their lines,
the weapons in transit and the ammunition balances in transit to it), signed by its node key
and addressed to the national node (``pssm sync transfer --site CODE``).

The national node **countersigns** it (``pssm sync countersign``) only when it holds every
carried record as the bundle has it, of the sending site, and the sender's journal up to where
the bundle was written: nothing travels between depots that is not on the national record.
It wraps the depot's bundle, with the master data its records refer to, in a bundle of its
own signed by its key and addressed to the node that writes the destination site.

The destination depot trusts the national key it holds; it checks both signatures, writes
the records it does not hold yet and never goes back on a newer copy (see :func:`_fresh`).
"""

from __future__ import annotations

import base64
import json
import uuid

from django.db import transaction
from django.db.models import Q

from pssm.accounts import authz
from pssm.domain import ledger
from pssm.domain import syncformat as fmt
from pssm.domain.access import Action
from pssm.domain.errors import gettext_noop
from pssm.journal.models import JournalHead
from pssm.journal.services import journal_append

from . import copies, files, nodes, refusals, rows, tables
from .entries import refuse
from .models import Bundle, Change, Peer, SiteWriter, ThisNode

TRANSFER = "transfer"
COUNTERSIGNED = "countersigned"
COUNTERSIGNED_EVENT = "sync.countersigned"
# stock rows a transfer bundle may carry only when they are on their way to its site
ON_THE_WAY = {
    "registry.Weapon": Q(status=ledger.Status.IN_TRANSIT),
    "ammunition.LotBalance": Q(quantity__gt=0),
}
DESTINATION = {"registry.Weapon": "destination_id", "ammunition.LotBalance": "in_transit_to_id"}


def on_the_way(site, destination) -> dict[str, set[int]]:
    """What ``site`` has on its way to ``destination``: label -> ids."""
    from pssm.movements.models import Voucher, VoucherLine

    model = tables.model
    weapons = set(
        model("registry.Weapon")
        .objects.filter(ON_THE_WAY["registry.Weapon"], site=site, destination=destination)
        .values_list("pk", flat=True)
    )
    vouchers = set(
        Voucher.objects.filter(site=site, destination=destination, state=Voucher.State.POSTED)
        .filter(
            ~Q(receipts__state=Voucher.State.POSTED) | Q(lines__weapon_id__in=weapons),
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    wanted = {
        "registry.Weapon": weapons,
        "movements.Voucher": vouchers,
        "movements.VoucherLine": set(
            VoucherLine.objects.filter(voucher_id__in=vouchers).values_list("pk", flat=True)
        ),
        "registry.WeaponPhoto": set(
            model("registry.WeaponPhoto")
            .objects.filter(weapon_id__in=weapons)
            .values_list("pk", flat=True)
        ),
        "ammunition.LotBalance": set(
            model("ammunition.LotBalance")
            .objects.filter(ON_THE_WAY["ammunition.LotBalance"], site=site)
            .filter(in_transit_to=destination)
            .values_list("pk", flat=True)
        ),
    }
    return {label: pks for label, pks in wanted.items() if pks}


def _site_records(site, wanted: dict[str, set[int]]) -> dict[str, set[int]]:
    """``wanted`` with the records of ``site`` and the shared rows its rows refer to: master
    data is the national node's to send, and another site's records (the weapons a receipt
    took in) are that site's own."""
    full = nodes.closure(dict(wanted))
    out = {}
    for label, pks in full.items():
        if label in tables.OWNER:
            owners = rows.owners(label, sorted(pks))
            pks = {pk for pk in pks if owners.get(pk, (None,))[0] == site.pk}
        elif label not in tables.SHARED:
            continue
        if pks:
            out[label] = pks
    return out


# --- the sending depot ---------------------------------------------------------------------


def transfer_bundle(*, user, site_code: str) -> bytes:
    """The transfer bundle of what this depot has on its way to ``site_code``, for the
    national node to countersign (``pssm sync transfer``)."""
    node = nodes.require_role("depot")
    authz.check(user, Action.SYNC_RUN, node.site)
    destination = nodes.find_site(site_code)
    if destination.pk == node.site_id:
        raise refuse(
            "own_site",
            gettext_noop("A transfer bundle goes to another site than this depot's (%(site)s)."),
            site=destination.code,
        )
    national = Peer.objects.get(node_id=node.national_node)
    key = nodes.node_key()
    with transaction.atomic():
        wanted = on_the_way(node.site, destination)
        if not wanted:
            raise refuse(
                "nothing_on_the_way",
                gettext_noop(
                    "Nothing of site %(site)s is on its way to %(to)s: post the transfer "
                    "first. No bundle was written."
                ),
                site=node.site.code,
                to=destination.code,
            )
        records = rows.export(rows.Ids(node.node_id), _site_records(node.site, wanted))
        head = JournalHead.objects.filter(node_id=node.node_id).first()
        body = {
            "from_site": node.site.code,
            "site": destination.code,
            "head": head.last_seq if head else 0,
            "rows": records,
            "files": files.collect(records),
        }
        bundle_id = str(uuid.uuid4())
        data = fmt.pack(
            nodes.bundle_header(bundle_id, TRANSFER, node.node_id, national.node_id, key),
            body,
            key.sign,
        )
        Bundle.objects.create(
            bundle_id=bundle_id,
            direction="out",
            kind=TRANSFER,
            peer=national.node_id,
            size=len(data),
            rows=len(records),
            status="written",
            message=destination.code,
        )
    return data


# --- the national node ---------------------------------------------------------------------


def countersign(*, user, data: bytes) -> tuple[bytes, Peer]:
    """Check a depot's transfer bundle against the national record and wrap it, signed by
    this node, for the depot that writes its destination (``pssm sync countersign``)."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    national = nodes.require_role("national")
    data, header = refusals.opened(data)
    refusals.addressed_here(header, national.node_id)
    sender = _active_peer(header["from"])
    if sender.site_id:  # the bundle holds that site's records
        authz.check(user, Action.SYNC_MANAGE, sender.site)
    header, body = fmt.unpack(data, expected_key=sender.public_key)
    if header["kind"] != TRANSFER:
        raise refuse(
            "kind",
            gettext_noop(
                "This is a %(kind)s bundle; only a depot's transfer bundle is countersigned."
            ),
            kind=header["kind"],
        )
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    if str(body.get("from_site")) != (sender.site.code if sender.site_id else ""):
        raise refuse(
            "not_writer",
            gettext_noop("Node %(node)s does not write site %(site)s."),
            node=sender.node_id,
            site=str(body.get("from_site")),
        )
    destination = nodes.find_site(str(body.get("site") or ""))
    authz.check(user, Action.SYNC_MANAGE, destination)
    writer = SiteWriter.objects.filter(site=destination).values_list("node_id", flat=True).first()
    receiver = Peer.objects.filter(node_id=writer, status=Peer.ACTIVE).first() if writer else None
    if receiver is None:
        raise refuse(
            "no_depot",
            gettext_noop(
                "Site %(site)s has no active depot node: the national node sends it its records "
                "itself. Nothing was countersigned."
            ),
            site=destination.code,
        )
    head = int(body.get("head") or 0)
    if head > sender.acked_seq:
        raise refuse(
            "behind",
            gettext_noop(
                "The national node holds the journal of node %(node)s up to entry #%(held)s, and "
                "the bundle was written at #%(head)s: synchronise that depot first. Nothing was "
                "countersigned."
            ),
            node=sender.node_id,
            held=sender.acked_seq,
            head=head,
        )
    ids = rows.Ids(national.node_id)
    held = _as_on_record(ids, sender, destination, body["rows"])
    master = {
        label: pks
        for label, pks in nodes.closure({label: set(pks) for label, pks in held.items()}).items()
        if label in tables.MASTER or label == "_bare_users"
    }
    key = nodes.node_key()
    outer_id = str(uuid.uuid4())
    with transaction.atomic():
        master_rows = nodes.export_rows(ids, master)
        last = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
        outer = {
            "transfer": base64.b64encode(data).decode("ascii"),
            "sender": sender.node_id,
            "sender_key": sender.public_key,
            "from_site": sender.site.code,
            "site": destination.code,
            "rows": master_rows,
            "change": last,
        }
        packed = fmt.pack(
            nodes.bundle_header(outer_id, COUNTERSIGNED, national.node_id, receiver.node_id, key),
            outer,
            key.sign,
        )
        weapons = len(held.get("registry.Weapon", ()))
        journal_append(
            actor=user,
            kind=COUNTERSIGNED_EVENT,
            payload={
                "bundle": header["id"],
                "countersigned": outer_id,
                "from": sender.node_id,
                "to": receiver.node_id,
                "from_site": sender.site.code,
                "site": destination.code,
                "rows": len(body["rows"]),
                "weapons": weapons,
            },
            scope=destination.scope,
        )
        Bundle.objects.create(
            bundle_id=header["id"],
            direction="in",
            kind=TRANSFER,
            peer=sender.node_id,
            size=len(data),
            rows=len(body["rows"]),
            status="countersigned",
            message=destination.code,
        )
        Bundle.objects.create(
            bundle_id=outer_id,
            direction="out",
            kind=COUNTERSIGNED,
            peer=receiver.node_id,
            size=len(packed),
            rows=len(body["rows"]) + len(master_rows),
            status="written",
            message=header["id"],
        )
        Peer.objects.filter(pk=receiver.pk).update(bytes_out=receiver.bytes_out + len(packed))
    return packed, receiver


def _active_peer(node_id: str) -> Peer:
    peer = Peer.objects.select_related("site").filter(node_id=node_id).first()
    if peer is None:
        raise refusals.unknown_node(node_id)
    refusals.check_not_revoked(peer)
    refusals.check_not_quarantined(peer)
    return peer


def _as_on_record(ids: rows.Ids, sender: Peer, destination, records: list) -> dict[str, list]:
    """The national ids of the carried rows, each checked to be a record of the sender's
    site (or a shared row), held here exactly as carried, and, for stock, on its way to
    ``destination``. Refuses the bundle naming the first row that is not."""
    known = tables.by_table()
    by_label: dict[str, dict[str, dict]] = {}
    for record in records:
        if not (isinstance(record, list) and len(record) == 3 and record[0] in known):
            raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
        tbl, gid, values = record
        label = known[tbl]
        if not isinstance(values, dict):
            raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
        if not (label in tables.OWNER or label in tables.SHARED):
            raise refusals.master_data(sender.node_id, tbl)
        by_label.setdefault(label, {})[str(gid)] = values
    held: dict[str, list] = {}
    for label, carried in by_label.items():
        tbl = tables.table(label)
        local = ids.locals(tbl, list(carried))
        for gid, pk in local.items():
            if pk is None:
                raise _not_on_record(sender, tbl, gid)
        pks = sorted(local.values())
        ours = {row[1]: row[2] for row in rows.export(ids, {label: set(pks)})}
        for gid, values in carried.items():
            if gid not in ours or _plain(ours[gid]) != _plain(values):
                raise _not_on_record(sender, tbl, gid)
        if label in tables.OWNER:
            for pk, owner in rows.owners(label, pks).items():
                if owner[0] != sender.site_id:
                    raise refusals.not_writer(sender.node_id, tbl, pk)
        if label in ON_THE_WAY:
            going = set(
                tables.model(label)
                .objects.filter(ON_THE_WAY[label], pk__in=pks)
                .filter(**{DESTINATION[label]: destination.pk})
                .values_list("pk", flat=True)
            )
            for pk in pks:
                if pk not in going:
                    raise refuse(
                        "not_on_the_way",
                        gettext_noop(
                            "The %(table)s record %(pk)s is not on its way to site %(site)s. "
                            "Nothing was countersigned."
                        ),
                        table=tbl,
                        pk=pk,
                        site=destination.code,
                    )
        held[label] = pks
    return held


def _not_on_record(sender: Peer, tbl: str, gid: str):
    return refuse(
        "not_on_record",
        gettext_noop(
            "The national node does not hold the %(table)s record %(gid)s as node %(node)s "
            "sent it: synchronise that depot first. Nothing was countersigned."
        ),
        table=tbl,
        gid=gid,
        node=sender.node_id,
    )


def _plain(values) -> object:
    return json.loads(fmt.canonical_json(values))


# --- the receiving depot -------------------------------------------------------------------


def take(*, user, node: ThisNode, header: dict, body, size: int) -> Bundle:
    """Apply a countersigned transfer bundle on the depot it is addressed to (called by
    :func:`pssm.sync.exchange.receive` once the national signature is checked)."""
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    try:
        inner_data = base64.b64decode(str(body.get("transfer") or ""), validate=True)
    except ValueError:
        raise refuse("tampered", gettext_noop("The bundle's content is damaged.")) from None
    inner_header = fmt.read_header(inner_data)
    if inner_header["from"] != body.get("sender") or inner_header["kind"] != TRANSFER:
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    inner_header, inner = fmt.unpack(inner_data, expected_key=str(body.get("sender_key")))
    if not isinstance(inner, dict) or not isinstance(inner.get("rows"), list):
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    here = node.site.code if node.site_id else ""
    refusals.addressed_here({"to": str(inner.get("site"))}, here)
    refusals.addressed_here({"to": str(body.get("site"))}, here)
    done = Bundle.objects.filter(
        bundle_id__in=[header["id"], inner_header["id"]], direction="in", status="applied"
    ).first()
    if done is not None:
        done.duplicate = True
        return done
    known = tables.by_table()
    records = [r for r in body["rows"] if _of(r, known) in tables.MASTER]
    records += [
        r for r in inner["rows"] if _of(r, known) in tables.OWNER or _of(r, known) in tables.SHARED
    ]
    national = Peer.objects.get(node_id=node.national_node)
    with transaction.atomic():
        records = _fresh(node, records, newer=int(body.get("change") or 0) > national.their_change)
        copies.take_rows(
            user,
            node,
            records,
            inner.get("files", {}),
            payload={
                "bundle": header["id"],
                "transfer": inner_header["id"],
                "rows": len(records),
                "from": inner_header["from"],
                "countersigned_by": header["from"],
            },
        )
        Bundle.objects.create(
            bundle_id=inner_header["id"],
            direction="in",
            kind=TRANSFER,
            peer=inner_header["from"],
            size=len(inner_data),
            rows=len(inner["rows"]),
            status="applied",
        )
        record = Bundle.objects.create(
            bundle_id=header["id"],
            direction="in",
            kind=COUNTERSIGNED,
            peer=header["from"],
            size=size,
            rows=len(records),
            status="applied",
            message=inner_header["id"],
        )
    return record


def _of(record, known) -> str:
    if isinstance(record, list) and len(record) == 3 and record[0] in known:
        return known[record[0]]
    raise refuse("tampered", gettext_noop("The bundle's content is damaged."))


def _fresh(node: ThisNode, records: list, *, newer: bool) -> list:
    """The carried rows this depot should write: every row it does not hold yet; a row it
    holds only when the bundle is newer than the last national state it took and it has not
    changed the row since (a receipt already posted here is never undone by a late courier)."""
    ids = rows.Ids(node.node_id)
    users = tables.table(tables.USER)
    out = []
    by_tbl: dict[str, list] = {}
    for record in records:
        by_tbl.setdefault(record[0], []).append(record)
    for tbl, group in by_tbl.items():
        local = ids.locals(tbl, [r[1] for r in group])
        held = {pk for pk in local.values() if pk is not None}
        changed = set()
        if held and newer:
            for part in rows.chunks(sorted(held)):
                changed |= set(
                    Change.objects.filter(tbl=tbl, row__in=part).values_list("row", flat=True)
                )
        for record in group:
            pk = local.get(record[1])
            # a user this depot holds keeps its own copy: the bundle carries users only as
            # the names its records refer to
            if pk is None or (newer and pk not in changed and tbl != users):
                out.append(record)
    return out
