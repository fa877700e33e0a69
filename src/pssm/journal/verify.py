"""`pssm journal verify`: the chain, the seals, the head, and the state rebuilt from the
journal compared with the tables.

One pass over each node's entries, read in sequence order straight from the database (no
model instance per row):

1. every entry links to the one before it and hashes to its stored hash
   (:func:`pssm.domain.journal.entry_problem`);
2. every seal (each ``PSSM_JOURNAL_SEAL_EVERY``-th entry) and the head are signed by the key
   the node held then (the node's key file is the trust anchor; earlier keys come from the
   rotation entries, each signed by the old and the new key);
3. the head row names the last entry;
4. the facts of every entry are replayed (:mod:`pssm.domain.replay`) and the result is
   compared with the weapons and the lot balances in the tables;
5. optionally, the journal still holds the entry a signed checkpoint names (``--against``).

Every problem is reported in words and as data. Without ``stop_at_first=False`` (``--all``),
the chain check of a node stops at its first broken entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from pssm.accounts import authz
from pssm.domain import journal as chain
from pssm.domain import replay
from pssm.domain.access import Action
from pssm.domain.errors import Text, gettext_noop
from pssm.domain.replay import Problem, TableWeapon

from . import keys
from .models import JournalEntry, JournalHead

ENTRY = JournalEntry._meta.db_table
HEAD = JournalHead._meta.db_table
ROTATION = "node.key_rotated"
INGESTED = "sync.ingested"  # a national node took a range of another node's entries
RECEIVED = "sync.received"  # a depot applied rows the national node sent it
JOINED = "node.joined"  # the first entry of a node made from a bootstrap bundle


@dataclass
class NodeReport:
    node_id: str
    count: int = 0
    head_hash: str = chain.GENESIS_HASH
    seals: int = 0
    keys: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    nodes: list[NodeReport] = field(default_factory=list)
    differences: list[Problem] = field(default_factory=list)
    total_differences: int = 0
    journal_problems: list[Problem] = field(default_factory=list)  # facts that contradict
    weapons: int = 0
    lots: int = 0
    against: list[Problem] | None = None

    @property
    def ok(self) -> bool:
        return (
            all(n.ok for n in self.nodes)
            and not self.total_differences
            and not self.journal_problems
            and not self.against
        )

    def as_dict(self, translate=None) -> dict:
        def out(problems):
            return [p.as_dict(translate) for p in problems]

        return {
            "ok": self.ok,
            "nodes": [
                {
                    "node_id": n.node_id,
                    "ok": n.ok,
                    "count": n.count,
                    "head_hash": n.head_hash,
                    "seals": n.seals,
                    "keys": n.keys,
                    "problems": out(n.problems),
                }
                for n in self.nodes
            ],
            "state": {
                "weapons": self.weapons,
                "lot_balances": self.lots,
                "differences": out(self.differences),
                "total_differences": self.total_differences,
                "journal_problems": out(self.journal_problems),
            },
            "against": None if self.against is None else out(self.against),
        }


def journal_verify(
    *,
    user,
    node_id: str | None = None,
    stop_at_first: bool = True,
    with_state: bool = True,
    against: chain.Checkpoint | None = None,
    limit: int | None = 100,
) -> Report:
    """Verify the journal (see the module). ``limit`` caps the state differences listed
    (their total is always counted); None lists them all."""
    authz.check_anywhere(user, Action.JOURNAL_VERIFY)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT node_id FROM {ENTRY}")  # noqa: S608
        nodes = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT node_id, last_seq, last_hash, signature, key_id FROM {HEAD}")  # noqa: S608
        heads = {row[0]: row[1:] for row in cursor.fetchall()}
    nodes = sorted(nodes | set(heads))
    if node_id:
        nodes = [n for n in nodes if n == node_id] or [node_id]
    report = Report()
    state = replay.Replay()
    anchor = keys.load(required=False)
    here = settings.PSSM_NODE_ID
    # A national node replays each depot's entries where its own chain says it took them
    # (``sync.ingested``), so that a transfer's dispatch comes before its receipt.
    ingests = JournalEntry.objects.filter(node_id=here, kind=INGESTED).exists()
    for node in nodes:
        mode = ("other" if node != here else "ingests") if ingests else "all"
        report.nodes.append(_verify_node(node, heads.get(node), state, anchor, stop_at_first, mode))
    report.journal_problems = state.problems
    if with_state:
        weapons, lots = _table_state()
        report.weapons, report.lots = len(weapons), len(lots)
        report.differences, report.total_differences = replay.compare(
            state, weapons, lots, _persons(), limit
        )
    if against is not None:
        report.against = _check_against(against, report)
    return report


def _verify_node(node, head, state, anchor, stop_at_first, mode="all") -> NodeReport:
    """Check one node's chain, seals and head. ``mode`` says whose facts this pass replays:
    ``all`` (its own), ``other`` (none: they are replayed where the local chain took them)
    or ``ingests`` (its own, and at each ``sync.ingested`` entry the range it took)."""
    out = NodeReport(node)
    local = node == settings.PSSM_NODE_ID
    key_chain, rotation_problems = _key_chain(
        node, anchor.public if anchor and local else "", joined=not local
    )
    out.problems += rotation_problems
    out.keys = [key for _seq, key in key_chain.keys]
    seal_every = settings.PSSM_JOURNAL_SEAL_EVERY
    expected, prev, broken = 1, chain.GENESIS_HASH, False
    signed_any = False
    for row in _entries(node):
        (seq, uid, at, actor, country, org, site, kind, payload, prev_hash, digest) = row[:11]
        version, signature, key_id = row[11] or 1, row[12] or "", row[13] or ""
        uid = dashed(uid)
        if not (broken and stop_at_first):
            if (
                version == 2
                and seq == expected
                and prev_hash == prev
                and chain.hash_v2(
                    prev, node, seq, uid, at, actor, country, org, site, kind, payload
                )
                == digest
            ):
                reason = None  # the common case, without building an envelope
            else:
                envelope = chain.Envelope(
                    node, seq, uid, at, actor, country, org, site, kind, payload
                )
                stored = chain.StoredEntry(envelope, prev_hash, digest, version)
                reason = chain.entry_problem(expected, prev, stored)
            if reason:
                broken = True
                out.problems.append(
                    Problem(
                        "chain",
                        Text(
                            gettext_noop("entry #%(seq)s (%(kind)s, uuid %(uuid)s): %(reason)s"),
                            seq=seq,
                            kind=kind,
                            uuid=uid,
                            reason=reason,
                        ),
                        seq,
                        uid,
                    )
                )
        out.count += 1
        prev, expected = digest, seq + 1
        if signature:
            signed_any = True
            _check_seal(out, key_chain, node, seq, digest, signature, key_id)
        elif version >= 2 and seq % seal_every == 0 and key_chain.keys:
            out.problems.append(
                Problem(
                    "seal_missing",
                    Text(
                        gettext_noop("entry #%(seq)s should carry a seal and carries none"),
                        seq=seq,
                    ),
                    seq,
                )
            )
        if mode != "other" and '"facts"' in payload:
            facts = json.loads(payload).get("facts")
            if facts:
                state.apply(seq, facts)
        if mode == "ingests" and kind == INGESTED:
            _replay_ingested(state, json.loads(payload))
    out.head_hash = prev
    _check_head(out, head, key_chain, node, expected - 1, prev, signed_any, local, anchor)
    return out


def dashed(value) -> str:
    """A UUID as the journal writes it (SQLite keeps 32 hex digits, PostgreSQL a UUID)."""
    if type(value) is str:
        if len(value) == 32:
            h = value
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        return value
    return str(value)


def _entries(node):
    """The node's entries in sequence order, streamed (a server-side cursor on PostgreSQL)."""
    sql = (
        "SELECT seq, uuid, recorded_at, actor, scope_country, scope_organisation, scope_site, "  # noqa: S608
        f"kind, payload, prev_hash, hash, version, signature, key_id FROM {ENTRY} "
        "WHERE node_id = %s ORDER BY seq"
    )
    cursor = connection.chunked_cursor() if connection.vendor == "postgresql" else None
    with cursor if cursor is not None else connection.cursor() as cur:
        cur.execute(sql, [node])
        while True:
            rows = cur.fetchmany(5000)
            if not rows:
                return
            yield from rows


def _replay_ingested(state, data: dict) -> None:
    """Replay the entries of another node that an ``sync.ingested`` entry took, with its
    persons named as this node names them (``persons``: their id there -> id here)."""
    node, first, last = data.get("node"), data.get("from"), data.get("to")
    persons = data.get("persons") or {}
    if not node or not first or not last:
        return
    # A depot's ``sync.received`` entries mirror rows this node sent it: this node's own
    # entries already hold those changes, so they are not replayed twice.
    rows = (
        JournalEntry.objects.filter(
            node_id=node, seq__gte=first, seq__lte=last, payload__contains='"facts"'
        )
        .exclude(kind=RECEIVED)
        .order_by("seq")
    )
    for seq, payload in rows.values_list("seq", "payload").iterator(chunk_size=2000):
        facts = json.loads(payload).get("facts")
        if not facts:
            continue
        if persons and facts.get("w"):
            facts = {**facts, "w": [_renamed(w, persons) for w in facts["w"]]}
        state.apply(seq, facts)


def _renamed(weapon: list, persons: dict) -> list:
    uid, serial, before, after = weapon

    def holding(h):
        if h and h[3].startswith("person:"):
            return [*h[:3], "person:" + str(persons.get(h[3][7:], h[3][7:])), *h[4:]]
        return h

    return [uid, serial, holding(before), holding(after)]


def _joined_key(node: str) -> str:
    """The key a node that joined the synchronisation named in its first entry."""
    row = (
        JournalEntry.objects.filter(node_id=node, seq=1, kind=JOINED)
        .values_list("payload", flat=True)
        .first()
    )
    return json.loads(row).get("key", "") if row else ""


def _key_chain(
    node: str, anchor: str, joined: bool = False
) -> tuple[chain.KeyChain, list[Problem]]:
    """The keys that signed the node's journal, from its rotation entries; the last one must
    be ``anchor`` (the key file's public key) when it is known. For another node (``joined``)
    the first key is the one its ``node.joined`` entry names."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, payload FROM {ENTRY} WHERE node_id = %s AND kind = %s ORDER BY seq",  # noqa: S608
            [node, ROTATION],
        )
        rotations = cursor.fetchall()
    keychain = chain.KeyChain()
    if rotations:
        current = json.loads(rotations[0][1]).get("old_key", "")
    else:
        current = anchor or (_joined_key(node) if joined else "")
    if current:
        keychain.keys.append((1, current))
    for seq, payload in rotations:
        data = json.loads(payload)
        old, new = data.get("old_key", ""), data.get("new_key", "")
        message = chain.rotation_message(node, old, new)
        if (
            old != current
            or not chain.signature_ok(old, message, data.get("old_signature", ""))
            or not chain.signature_ok(new, message, data.get("new_signature", ""))
        ):
            problems.append(
                Problem(
                    "rotation",
                    Text(
                        gettext_noop(
                            "entry #%(seq)s: the key rotation is not signed by both the "
                            "previous key and the new one"
                        ),
                        seq=seq,
                    ),
                    seq,
                )
            )
        keychain.keys.append((seq + 1, new))
        current = new
    if anchor and current and current != anchor:
        problems.append(
            Problem(
                "wrong_key",
                Text(
                    gettext_noop(
                        "the journal is signed by key %(found)s, not by this node's key "
                        "%(anchor)s: it was rewritten, or the key file is not this node's"
                    ),
                    found=chain.key_id(current),
                    anchor=chain.key_id(anchor),
                ),
            )
        )
    return keychain, problems


def _check_seal(out, key_chain, node, seq, digest, signature, key_id) -> None:
    key = key_chain.at(seq)
    out.seals += 1
    if key is None:
        return
    if chain.key_id(key) != key_id:
        out.problems.append(_other_key(seq, key_id, key))
    elif not chain.signature_ok(key, chain.seal_message(node, seq, digest), signature):
        out.problems.append(
            Problem(
                "seal",
                Text(
                    gettext_noop(
                        "entry #%(seq)s: its seal does not match its content: the entry or "
                        "one before it was changed and the chain computed again"
                    ),
                    seq=seq,
                ),
                seq,
            )
        )


def _other_key(seq, found: str, key: str) -> Problem:
    return Problem(
        "wrong_key",
        Text(
            gettext_noop(
                "entry #%(seq)s is sealed by key %(found)s, not by key %(expected)s that the "
                "node held then: the journal was signed again, or the key file is not this "
                "node's"
            ),
            seq=seq,
            found=found or "-",
            expected=chain.key_id(key),
        ),
        seq,
    )


def _check_head(out, head, key_chain, node, last_seq, last_hash, signed_any, local, anchor):
    if head is None:
        if last_seq:
            out.problems.append(
                Problem("head", Text(gettext_noop("the node has entries but no head record")))
            )
        return
    head_seq, head_hash, signature, key_id = head
    if head_seq != last_seq or head_hash != last_hash:
        out.problems.append(
            Problem(
                "head",
                Text(
                    gettext_noop(
                        "the head records entry #%(head)s, but the journal ends at entry "
                        "#%(last)s: entries were deleted or added outside PSSM"
                    ),
                    head=head_seq,
                    last=last_seq,
                ),
            )
        )
    if local and anchor is None and (signature or signed_any):
        out.problems.append(
            Problem(
                "no_key",
                Text(
                    gettext_noop(
                        "the node key %(path)s is missing, so the seals cannot be checked: "
                        "restore it from the node's backup"
                    ),
                    path=str(keys.key_path()),
                ),
            )
        )
        return
    key = key_chain.at(last_seq + 1)
    if not signature:
        if signed_any or _has_v2(node):
            out.problems.append(
                Problem("head_seal", Text(gettext_noop("the head carries no seal")))
            )
        return
    if key is None:
        return
    if chain.key_id(key) != key_id:
        out.problems.append(_other_key(head_seq, key_id, key))
    elif not chain.signature_ok(key, chain.seal_message(node, head_seq, head_hash), signature):
        out.problems.append(
            Problem(
                "head_seal",
                Text(
                    gettext_noop(
                        "the head's seal is not the node's signature of entry #%(seq)s: "
                        "entries were appended or removed without the node key"
                    ),
                    seq=head_seq,
                ),
            )
        )


def _has_v2(node) -> bool:
    return JournalEntry.objects.filter(node_id=node, version__gte=2).exists()


def _table_state():
    """Every weapon and every non-zero lot balance as the tables hold them."""
    from pssm.ammunition.models import LotBalance
    from pssm.domain.ledger import custodian_ref
    from pssm.registry.models import Weapon, WeaponType
    from pssm.sites.models import Site, StorageLocation

    sites = dict(Site.objects.values_list("pk", "code"))
    locations = dict(StorageLocation.objects.values_list("pk", "code"))
    types = {
        pk: model or make
        for pk, make, model in WeaponType.objects.values_list("pk", "make", "model")
    }
    weapons = []
    table = Weapon._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT uuid, serial, weapon_type_id, status, site_id, location_id, custodian_id, "  # noqa: S608
            f"custodian_unit, destination_id, on_hold FROM {table}"
        )
        while rows := cursor.fetchmany(5000):
            for uid, serial, type_id, status, site, loc, cust, unit, dest, hold in rows:
                weapons.append(
                    TableWeapon(
                        dashed(uid),
                        serial,
                        f"{types.get(type_id, '?')} {serial}",
                        (
                            status,
                            sites.get(site, ""),
                            locations.get(loc, "") if loc else "",
                            custodian_ref(cust, unit),
                            sites.get(dest, "") if dest else "",
                        ),
                        bool(hold),
                    )
                )
    lots = [
        (
            (
                lot,
                sites.get(site, ""),
                locations.get(loc, "") if loc else "",
                sites.get(dest, "") if dest else "",
            ),
            qty,
        )
        for lot, site, loc, dest, qty in LotBalance.objects.filter(quantity__gt=0)
        .values_list("lot__lot_number", "site_id", "location_id", "in_transit_to_id", "quantity")
        .order_by()
    ]
    return weapons, lots


def _persons() -> dict[str, str]:
    from pssm.registry.models import Person

    return {
        str(pk): str(Person(rank=rank, last_name=last, first_name=first, service_number=number))
        for pk, rank, last, first, number in Person.objects.values_list(
            "pk", "rank", "last_name", "first_name", "service_number"
        )
    }


def _check_against(point: chain.Checkpoint, report: Report) -> list[Problem]:
    """The journal still holds the entry a signed checkpoint names, with the same hash."""
    problems = []
    node = next((n for n in report.nodes if n.node_id == point.node_id), None)
    if not point.signed() or (node is not None and node.keys and point.public_key not in node.keys):
        problems.append(
            Problem(
                "checkpoint_signature",
                Text(
                    gettext_noop(
                        "the checkpoint is not signed by one of the keys of node %(node)s"
                    ),
                    node=point.node_id,
                ),
            )
        )
    count = node.count if node else 0
    if point.count > count:
        problems.append(
            Problem(
                "truncated",
                Text(
                    gettext_noop(
                        "the journal was cut: the checkpoint of %(at)s counts %(wanted)s "
                        "entries, the journal holds %(count)s"
                    ),
                    at=point.at,
                    wanted=point.count,
                    count=count,
                ),
            )
        )
        return problems
    found = (
        JournalEntry.objects.filter(node_id=point.node_id, seq=point.count)
        .values_list("hash", flat=True)
        .first()
        if point.count
        else chain.GENESIS_HASH
    )
    if found != point.head:
        problems.append(
            Problem(
                "rewritten",
                Text(
                    gettext_noop(
                        "history before the checkpoint of %(at)s changed: entry #%(seq)s no "
                        "longer has the hash the checkpoint records"
                    ),
                    at=point.at,
                    seq=point.count,
                ),
                point.count,
            )
        )
    return problems
