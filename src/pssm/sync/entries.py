"""A journal range of another node, as a bundle carries it: its entries as plain values, their
hashes checked, written as they are, and the head that seals the range (ADR 0014)."""

from __future__ import annotations

from collections import namedtuple

from django.db import connection

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.errors import gettext_noop
from pssm.journal.models import JournalEntry, JournalHead

ENTRY_FIELDS = (
    "seq",
    "uuid",
    "recorded_at",
    "actor",
    "scope_country",
    "scope_organisation",
    "scope_site",
    "kind",
    "payload",
    "prev_hash",
    "hash",
    "version",
    "signature",
    "key_id",
)


def refuse(code: str, message: str, **params) -> fmt.BundleError:
    return fmt.BundleError(message, code=f"bundle_{code}", params=params)


Incoming = namedtuple("Incoming", ("node_id", *ENTRY_FIELDS))


def entry_of(node_id: str, values) -> Incoming:
    """One entry of a bundle, as plain values (a model instance per entry cost more than
    checking its hash)."""
    if not isinstance(values, list) or len(values) != len(ENTRY_FIELDS):
        raise refuse("tampered", gettext_noop("The bundle's content is damaged."))
    return Incoming(node_id, *values)


def insert_entries(entries: list[Incoming]) -> None:
    """Write a range of another node's entries as they are (one statement per 1,000 rows: a
    national node takes millions of them; the ORM's per-value preparation dominated)."""
    if not entries:
        return
    fields = [JournalEntry._meta.get_field(name) for name in ("node_id", *ENTRY_FIELDS)]
    uuid_field = JournalEntry._meta.get_field("uuid")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {JournalEntry._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(entries), 1000):
            cursor.executemany(
                sql,
                [
                    [
                        getattr(e, f.attname)
                        if f is not uuid_field
                        else uuid_field.get_db_prep_value(uuid_field.to_python(e.uuid), connection)
                        for f in fields
                    ]
                    for e in entries[start : start + 1000]
                ],
            )


def check_entry(e: Incoming) -> None:
    try:
        if (e.version or 1) == 2:
            ok = e.hash == chain.hash_v2(
                e.prev_hash, e.node_id, e.seq, str(e.uuid), e.recorded_at, e.actor,
                e.scope_country, e.scope_organisation, e.scope_site, e.kind, e.payload,
            )  # fmt: skip
        else:
            envelope = chain.Envelope(
                e.node_id, e.seq, str(e.uuid), e.recorded_at, e.actor, e.scope_country,
                e.scope_organisation, e.scope_site, e.kind, e.payload,
            )  # fmt: skip
            ok = chain.entry_hash(e.prev_hash, envelope, 1) == e.hash
    except (TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise refuse(
            "tampered",
            gettext_noop("Entry #%(seq)s of the bundle does not match its hash."),
            seq=e.seq,
        )


def set_head(peer, head, last: Incoming) -> None:
    """Take ``head`` (seq, hash, seal, key id) as the head of ``peer``'s journal: it must be
    the last entry of the range and sealed by the peer's key (``peer`` has ``node_id`` and
    ``public_key``)."""
    if not head or head[0] != last.seq or head[1] != last.hash:
        raise refuse("tampered", gettext_noop("The bundle's head does not match its entries."))
    if not chain.signature_ok(
        peer.public_key, chain.seal_message(peer.node_id, head[0], head[1]), head[2] or ""
    ):
        raise refuse(
            "signature",
            gettext_noop("The head of node %(node)s's journal is not sealed by its enrolled key."),
            node=peer.node_id,
        )
    updated = JournalHead.objects.filter(node_id=peer.node_id).update(
        last_seq=head[0], last_hash=head[1], signature=head[2], key_id=head[3]
    )
    if not updated:
        JournalHead.objects.create(
            node_id=peer.node_id,
            last_seq=head[0],
            last_hash=head[1],
            signature=head[2],
            key_id=head[3],
        )
