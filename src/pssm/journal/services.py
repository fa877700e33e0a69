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
    head = JournalHead.objects.select_for_update().filter(node_id=node_id).first()
    if head is None:
        head = JournalHead.objects.create(node_id=node_id, last_seq=0, last_hash=GENESIS_HASH)
    recorded = (now or datetime.now(UTC)).astimezone(UTC)
    envelope = Envelope(
        node_id=node_id,
        seq=head.last_seq + 1,
        uuid=str(uuid_lib.uuid4()),
        recorded_at=recorded.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        actor=_actor_name(actor),
        scope_country=scope.country,
        scope_organisation=scope.organisation,
        scope_site=scope.site,
        kind=kind,
        payload_json=canonical_json(payload),
    )
    digest = entry_hash(head.last_hash, envelope)
    entry = JournalEntry.objects.create(
        node_id=node_id,
        seq=envelope.seq,
        uuid=envelope.uuid,
        recorded_at=envelope.recorded_at,
        actor=envelope.actor,
        scope_country=scope.country,
        scope_organisation=scope.organisation,
        scope_site=scope.site,
        kind=kind,
        payload=envelope.payload_json,
        prev_hash=head.last_hash,
        hash=digest,
    )
    JournalHead.objects.filter(pk=head.pk).update(last_seq=envelope.seq, last_hash=digest)
    return entry
