"""Canonical encoding, hash chain, signatures and verification of the PSSM journal.

Every node keeps one append-only chain. Canonical JSON is UTF-8, keys sorted, no
insignificant whitespace; decimals are written as strings and datetimes as ISO 8601 UTC, so
every node computes the same bytes. An entry's hash is the SHA-256 of the previous entry's
hash and its content:

- version 1 (the first entries of a node): the canonical JSON of the whole envelope (node,
  sequence, UUID, time, actor, scope, kind and payload);
- version 2: the canonical JSON of the envelope without its payload, then the payload's own
  canonical text as stored, so that a verifier reads each payload once (for the replay, see
  :mod:`pssm.domain.replay`) instead of decoding and encoding it again.

Signatures (Ed25519, key of the node kept outside the database) seal the chain: every
``seal_every``-th entry and the head. Whoever can write the database but not read the key
cannot re-chain a changed history or append an entry without the seals showing it. A key is
replaced by a rotation entry signed by both the old and the new key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from .errors import Text, gettext_noop

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


def entry_hash(prev_hash: str, envelope: Envelope, version: int = 1) -> str:
    """SHA-256 (hex) of the previous hash and the entry's content (see the module)."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    if version != 1:
        e = envelope
        return hash_v2(
            prev_hash,
            e.node_id,
            e.seq,
            e.uuid,
            e.recorded_at,
            e.actor,
            e.scope_country,
            e.scope_organisation,
            e.scope_site,
            e.kind,
            e.payload_json,
        )
    digest.update(canonical_json(envelope.as_dict()).encode("utf-8"))
    return digest.hexdigest()


def hash_v2(prev_hash, node, seq, uuid, at, actor, country, org, site, kind, payload) -> str:
    """The version-2 hash from plain values (what a verifier reading millions of rows calls
    without building an envelope): the previous hash, the canonical header, the payload."""
    header = _HEADER(
        {
            "v": 2,
            "node": node,
            "seq": seq,
            "uuid": uuid,
            "at": at,
            "actor": actor,
            "scope": [country, org, site],
            "kind": kind,
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{header}\n{payload}".encode()).hexdigest()


_HEADER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from storage, for verification."""

    envelope: Envelope
    prev_hash: str
    hash: str
    version: int = 1
    signature: str = ""
    key_id: str = ""


# --- signatures ----------------------------------------------------------------------------


def key_id(public_key_hex: str) -> str:
    """A short name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]


def seal_message(node_id: str, seq: int, hash_hex: str) -> bytes:
    """What a seal signs: the node, the sequence number and the hash of that entry."""
    return f"pssm-journal-seal:v1\n{node_id}\n{seq}\n{hash_hex}".encode()


def rotation_message(node_id: str, old_key: str, new_key: str) -> bytes:
    return f"pssm-key-rotation:v1\n{node_id}\n{old_key}\n{new_key}".encode()


def checkpoint_message(node_id: str, count: int, head: str, at: str) -> bytes:
    return f"pssm-journal-checkpoint:v1\n{node_id}\n{count}\n{head}\n{at}".encode()


def sign(seed_hex: str, message: bytes) -> str:
    """The Ed25519 signature (hex) of ``message`` by the key whose seed is ``seed_hex``."""
    from nacl.signing import SigningKey

    return SigningKey(bytes.fromhex(seed_hex)).sign(message).signature.hex()


def public_key(seed_hex: str) -> str:
    from nacl.signing import SigningKey

    return SigningKey(bytes.fromhex(seed_hex)).verify_key.encode().hex()


def signature_ok(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(bytes.fromhex(public_key_hex)).verify(message, bytes.fromhex(signature_hex))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement of a node's journal head, for the depot's paper register."""

    node_id: str
    count: int
    head: str
    at: str
    public_key: str
    signature: str

    def text(self) -> str:
        return (
            "PSSM journal checkpoint\n"
            f"node: {self.node_id}\n"
            f"entries: {self.count}\n"
            f"head: {self.head}\n"
            f"time: {self.at}\n"
            f"key: {self.public_key}\n"
            f"signature: {self.signature}\n"
        )

    def signed(self) -> bool:
        message = checkpoint_message(self.node_id, self.count, self.head, self.at)
        return signature_ok(self.public_key, message, self.signature)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a statement written by :meth:`text` (ValueError naming what is missing)."""
        fields = {}
        for line in text.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        wanted = ("node", "entries", "head", "time", "key", "signature")
        missing = [name for name in wanted if not fields.get(name)]
        if missing:
            raise ValueError(", ".join(missing))
        try:
            count = int(fields["entries"])
        except ValueError:
            raise ValueError("entries") from None
        return cls(
            fields["node"],
            count,
            fields["head"],
            fields["time"],
            fields["key"],
            fields["signature"],
        )


@dataclass
class KeyChain:
    """The keys a node signed with, in order: the first one, then one per rotation entry."""

    keys: list[tuple[int, str]] = field(default_factory=list)  # (first seq it signs, key)

    def at(self, seq: int) -> str | None:
        found = None
        for start, key in self.keys:
            if start <= seq:
                found = key
        return found


def entry_problem(expected_seq: int, prev: str, entry: StoredEntry) -> Text | None:
    """Why ``entry`` does not follow the entry whose hash is ``prev``, or None."""
    env = entry.envelope
    if env.seq != expected_seq:
        return Text(
            gettext_noop("sequence %(seq)s found where %(expected)s was expected"),
            seq=env.seq,
            expected=expected_seq,
        )
    if entry.prev_hash != prev:
        return Text(gettext_noop("previous-hash link does not match the entry before it"))
    if entry.version == 1:
        try:
            canonical = canonical_json(json.loads(env.payload_json))
        except (TypeError, ValueError):
            canonical = None
        if canonical != env.payload_json:
            return Text(gettext_noop("payload is not in canonical form"))
    if entry_hash(prev, env, entry.version) != entry.hash:
        return Text(gettext_noop("hash does not match the entry's content"))
    return None


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
        reason = entry_problem(expected_seq, prev, entry)
        if reason:
            return VerificationResult(False, count, prev, env.seq, env.uuid, str(reason))
        prev = entry.hash
        expected_seq += 1
        count += 1
    return VerificationResult(True, count, prev)
