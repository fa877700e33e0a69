"""Writing to the journal. Every write service of PSSM calls :func:`journal_append` inside
its own transaction, so the change and its entry commit or roll back together."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.dispatch import Signal

from pssm.domain.access import Scope
from pssm.domain.errors import gettext_noop
from pssm.domain.journal import GENESIS_HASH, Envelope, canonical_json, entry_hash, seal_message

from . import keys
from .models import JournalEntry, JournalHead

VERSION = 2  # hash version of the entries written now (see pssm.domain.journal)

# Sent before every append, with ``kind``: a receiver may refuse the write by raising (the
# synchronisation refuses every write of a node restored from an older backup).
before_append = Signal()

ENTRY_TABLE = JournalEntry._meta.db_table
HEAD_TABLE = JournalHead._meta.db_table
UUID_FIELD = JournalEntry._meta.get_field("uuid")


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def signing_key(head_key_id: str | None) -> keys.NodeKey:
    """The node key, created on the first write of a node that never signed; refused when it
    is not the key that signed the head (a key is replaced only by ``pssm node rotate-key``)."""
    key = keys.load(required=bool(head_key_id))
    if key is None:
        key = keys.create()
    if head_key_id and key.id != head_key_id:
        raise keys.NodeKeyError(
            gettext_noop(
                "The node key %(path)s (key %(found)s) is not the key that signed this "
                "journal (key %(expected)s). Restore the right key file; a key is replaced "
                "only by `pssm node rotate-key`."
            ),
            params={"path": str(keys.key_path()), "found": key.id, "expected": head_key_id},
        )
    return key


def journal_append(
    *,
    actor,
    kind: str,
    payload: dict,
    scope: Scope | None = None,
    now: datetime | None = None,
    facts: dict | None = None,
) -> JournalEntry:
    """Append one entry to this node's chain. Must run inside the caller's transaction.

    ``facts`` are what the entry changes in the stock, for the replay of
    :mod:`pssm.domain.replay` (written under ``payload["facts"]``). The entry is hashed in
    version 2, sealed by the node key every ``PSSM_JOURNAL_SEAL_EVERY`` entries, and the head
    is sealed at every append."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal_append must run inside the transaction of the change")
    before_append.send(sender=JournalEntry, kind=kind)
    if facts is not None:
        payload = {**payload, "facts": facts}
    scope = scope or Scope()
    node_id = settings.PSSM_NODE_ID
    recorded = (now or datetime.now(UTC)).astimezone(UTC)
    # Every write of the application passes here, so it speaks SQL directly: the node head is
    # locked (FOR UPDATE on PostgreSQL; SQLite write transactions are already exclusive).
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT last_seq, last_hash, key_id FROM {HEAD_TABLE} WHERE node_id = %s{lock}",  # noqa: S608
            [node_id],
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {HEAD_TABLE} (node_id, last_seq, last_hash) VALUES (%s, 0, %s)",  # noqa: S608
                [node_id, GENESIS_HASH],
            )
            row = (0, GENESIS_HASH, None)
        last_seq, last_hash, head_key_id = row
        key = signing_key(head_key_id)
        envelope = Envelope(
            node_id=node_id,
            seq=last_seq + 1,
            uuid=str(uuid_lib.uuid4()),
            recorded_at=recorded.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            actor=_actor_name(actor),
            scope_country=scope.country,
            scope_organisation=scope.organisation,
            scope_site=scope.site,
            kind=kind,
            payload_json=canonical_json(payload),
        )
        digest = entry_hash(last_hash, envelope, VERSION)
        seal = key.sign(seal_message(node_id, envelope.seq, digest))
        sealed = envelope.seq % settings.PSSM_JOURNAL_SEAL_EVERY == 0
        values = {
            "node_id": node_id,
            "seq": envelope.seq,
            "uuid": envelope.uuid,
            "recorded_at": envelope.recorded_at,
            "actor": envelope.actor,
            "scope_country": scope.country,
            "scope_organisation": scope.organisation,
            "scope_site": scope.site,
            "kind": kind,
            "payload": envelope.payload_json,
            "prev_hash": last_hash,
            "hash": digest,
            "version": VERSION,
            "signature": seal if sealed else None,
            "key_id": key.id if sealed else None,
        }
        db_values = dict(
            values,
            uuid=UUID_FIELD.get_db_prep_value(uuid_lib.UUID(envelope.uuid), connection),
        )
        cursor.execute(
            f"INSERT INTO {ENTRY_TABLE} ({', '.join(values)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(values))})",
            list(db_values.values()),
        )
        cursor.execute(
            f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s, signature = %s, "  # noqa: S608
            "key_id = %s WHERE node_id = %s",
            [envelope.seq, digest, seal, key.id, node_id],
        )
    return JournalEntry(**values)
