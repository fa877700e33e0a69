"""Writing to the journal. Every write service of PSSM calls :func:`journal_append` inside
its own transaction, so the change and its entry commit or roll back together."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection

from pssm.domain.access import Scope
from pssm.domain.journal import GENESIS_HASH, Envelope, canonical_json, entry_hash

from .models import JournalEntry, JournalHead

ENTRY_TABLE = JournalEntry._meta.db_table
HEAD_TABLE = JournalHead._meta.db_table
UUID_FIELD = JournalEntry._meta.get_field("uuid")


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def journal_append(
    *, actor, kind: str, payload: dict, scope: Scope | None = None, now: datetime | None = None
) -> JournalEntry:
    """Append one entry to this node's chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal_append must run inside the transaction of the change")
    scope = scope or Scope()
    node_id = settings.PSSM_NODE_ID
    recorded = (now or datetime.now(UTC)).astimezone(UTC)
    # Every write of the application passes here, so it speaks SQL directly: the node head is
    # locked (FOR UPDATE on PostgreSQL; SQLite write transactions are already exclusive).
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT last_seq, last_hash FROM {HEAD_TABLE} WHERE node_id = %s{lock}",  # noqa: S608
            [node_id],
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {HEAD_TABLE} (node_id, last_seq, last_hash) VALUES (%s, 0, %s)",  # noqa: S608
                [node_id, GENESIS_HASH],
            )
            row = (0, GENESIS_HASH)
        last_seq, last_hash = row
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
        digest = entry_hash(last_hash, envelope)
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
            f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s WHERE node_id = %s",  # noqa: S608
            [envelope.seq, digest, node_id],
        )
    return JournalEntry(**values)
