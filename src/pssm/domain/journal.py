"""Canonical encoding, hash chain and verification of the PSSM journal.

Every node keeps one append-only chain. An entry's hash is the SHA-256 of the previous entry's
hash and the canonical JSON of the entry's envelope (node, sequence, UUID, time, actor, scope,
kind and payload). Canonical JSON is UTF-8, keys sorted, no insignificant whitespace; decimals
are written as strings and datetimes as ISO 8601 UTC, so every node computes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

GENESIS_HASH = "0" * 64


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetime in a journal payload")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot encode {type(value).__name__} in a journal payload")


def canonical_json(value) -> str:
    """The canonical JSON text of ``value`` (raises ``TypeError`` for floats' cousins we refuse)."""
    return json.dumps(
        value,
        default=_default,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )


@dataclass(frozen=True)
class Envelope:
    """The hashed content of one journal entry."""

    node_id: str
    seq: int
    uuid: str
    recorded_at: str
    actor: str
    scope_country: str
    scope_organisation: str
    scope_site: str
    kind: str
    payload_json: str

    def as_dict(self) -> dict:
        return {
            "node": self.node_id,
            "seq": self.seq,
            "uuid": self.uuid,
            "at": self.recorded_at,
            "actor": self.actor,
            "scope": [self.scope_country, self.scope_organisation, self.scope_site],
            "kind": self.kind,
            "payload": json.loads(self.payload_json),
        }


def entry_hash(prev_hash: str, envelope: Envelope) -> str:
    """SHA-256 (hex) of the previous hash and the canonical envelope."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(envelope.as_dict()).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from storage, for verification."""

    envelope: Envelope
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    count: int
    head_hash: str
    bad_seq: int | None = None
    bad_uuid: str | None = None
    reason: str | None = None


def verify_chain(entries: Iterable[StoredEntry]) -> VerificationResult:
    """Check one node's entries, read in sequence order.

    Reports the first entry whose sequence is not the next one (a row deleted or inserted),
    whose ``prev_hash`` does not link to the previous entry, whose payload is not canonical,
    or whose own hash does not match its content (a row edited).
    """
    expected_seq = 1
    prev = GENESIS_HASH
    count = 0
    for entry in entries:
        env = entry.envelope
        reason = None
        if env.seq != expected_seq:
            reason = f"sequence {env.seq} found where {expected_seq} was expected"
        elif entry.prev_hash != prev:
            reason = "previous-hash link does not match the entry before it"
        else:
            try:
                canonical = canonical_json(json.loads(env.payload_json))
            except (TypeError, ValueError):
                canonical = None
            if canonical != env.payload_json:
                reason = "payload is not in canonical form"
            elif entry_hash(prev, env) != entry.hash:
                reason = "hash does not match the entry's content"
        if reason:
            return VerificationResult(False, count, prev, env.seq, env.uuid, reason)
        prev = entry.hash
        expected_seq += 1
        count += 1
    return VerificationResult(True, count, prev)
