"""The synchronisation bundle and the rules that decide what a node accepts from another.

A bundle is one file, carried over the network or on a USB stick::

    PSSM-BUNDLE 1\\n
    <header: canonical JSON, one line>\\n
    <body: zlib-compressed canonical JSON>

The header names the bundle (``id``), its ``kind`` (``bootstrap``, ``push``, ``pull``, ``ack``),
the sending and the receiving node, the protocol ``version``, the sender's public key, the
SHA-256 and length of the compressed body, and the Ed25519 signature by the sender's node key
of the header without its signature. A body that was cut short, a changed byte anywhere, a
signature by another key: each is refused with its own reason before anything is applied.

A bundle may be wrapped in age encryption for the receiving node (see ``pssm.sync.crypto``);
:func:`is_encrypted` recognises it.

:func:`plan_range` decides what to do with the journal entries one node sends another: only
the next unbroken range is applied, an exact duplicate is skipped, the same sequence number
with another hash is a fork. Pure Python: no database, no clock.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .errors import PssmError, gettext_noop
from .journal import canonical_json, signature_ok

MAGIC = b"PSSM-BUNDLE 1\n"
AGE_MAGIC = b"age-encryption.org/v1\n"
# The protocol version this code writes and reads. A node refuses a bundle of a newer version
# (install that version) and tells the sender to upgrade when its version is older than
# OLDEST_READABLE.
PROTOCOL_VERSION = 1
OLDEST_READABLE = 1
KINDS = ("bootstrap", "push", "pull", "ack", "regional", "transfer", "countersigned")
MAX_BODY = 2 * 1024**3  # a bundle body larger than this once decompressed is refused


class BundleError(PssmError):
    code = "bundle_refused"
    default_message = gettext_noop("The bundle was refused.")


def _refuse(code: str, message: str, **params) -> BundleError:
    return BundleError(message, code=f"bundle_{code}", params=params)


def signed_text(header: dict) -> bytes:
    """What the signature covers: the header without its signature, canonically."""
    return (
        "pssm-bundle:v1\n" + canonical_json({k: v for k, v in header.items() if k != "signature"})
    ).encode()


def pack(header: dict, body, sign: Callable[[bytes], str]) -> bytes:
    """The bundle file of ``body`` (JSON-able) under ``header`` (id, kind, from, to, key, ...)
    signed with ``sign`` (the sender's node key)."""
    compressed = zlib.compress(canonical_json(body).encode(), 6)
    header = {
        **header,
        "format": "pssm-bundle",
        "version": header.get("version", PROTOCOL_VERSION),
        "body_sha256": hashlib.sha256(compressed).hexdigest(),
        "body_length": len(compressed),
    }
    header["signature"] = sign(signed_text(header))
    return MAGIC + canonical_json(header).encode() + b"\n" + compressed


def is_encrypted(data: bytes) -> bool:
    return data.startswith(AGE_MAGIC)


def read_header(data: bytes) -> dict:
    """The header of a bundle file, checked for shape (not yet for signature or body)."""
    if not data.startswith(MAGIC):
        if is_encrypted(data):
            raise _refuse(
                "encrypted",
                gettext_noop(
                    "The bundle is encrypted for another node, or this node has no key to open it."
                ),
            )
        raise _refuse("not_bundle", gettext_noop("The file is not a PSSM synchronisation bundle."))
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise _refuse(
            "truncated", gettext_noop("The bundle is cut short: its header is incomplete.")
        )
    try:
        header = json.loads(data[len(MAGIC) : end])
    except (ValueError, UnicodeDecodeError):
        raise _refuse("tampered", gettext_noop("The bundle's header is damaged.")) from None
    required = {
        "id",
        "kind",
        "from",
        "to",
        "key",
        "version",
        "body_sha256",
        "body_length",
        "signature",
    }
    if not isinstance(header, dict) or not required <= header.keys():
        raise _refuse("tampered", gettext_noop("The bundle's header is damaged."))
    signature = header["signature"]
    if not (
        isinstance(signature, str) and len(signature) == 128 and signature == signature.lower()
    ):
        raise _refuse("tampered", gettext_noop("The bundle's header is damaged."))
    if canonical_json(header).encode() != data[len(MAGIC) : end]:
        # the header is written canonically: any other spelling of it was changed by hand
        raise _refuse("tampered", gettext_noop("The bundle's header is damaged."))
    if header["kind"] not in KINDS:
        raise _refuse("tampered", gettext_noop("The bundle's header is damaged."))
    return header


def unpack(data: bytes, *, expected_key: str | None = None) -> tuple[dict, object]:
    """(header, body) of a bundle file after every check that needs no database: shape,
    version, length, hash, signature (by ``expected_key`` when given, else by the key the
    header names, which the caller must then trust)."""
    header = read_header(data)
    version = header["version"]
    if not isinstance(version, int) or version > PROTOCOL_VERSION:
        raise _refuse(
            "newer",
            gettext_noop(
                "The bundle was written by a newer PSSM (synchronisation version %(theirs)s; "
                "this node reads up to %(ours)s). Install the version the national node runs "
                "before importing it."
            ),
            theirs=version,
            ours=PROTOCOL_VERSION,
        )
    if version < OLDEST_READABLE:
        raise _refuse(
            "older",
            gettext_noop(
                "The bundle was written by an old PSSM (synchronisation version %(theirs)s) "
                "that this node can no longer read: upgrade the sending node to version "
                "%(ours)s."
            ),
            theirs=version,
            ours=PROTOCOL_VERSION,
        )
    body = data[data.find(b"\n", len(MAGIC)) + 1 :]
    if len(body) < header["body_length"]:
        raise _refuse(
            "truncated",
            gettext_noop(
                "The bundle is cut short: %(have)s of its %(want)s bytes are there. Copy it again."
            ),
            have=len(body),
            want=header["body_length"],
        )
    if (
        len(body) > header["body_length"]
        or hashlib.sha256(body).hexdigest() != header["body_sha256"]
    ):
        raise _refuse(
            "tampered",
            gettext_noop(
                "The bundle was changed after it was written: its content does not match its seal."
            ),
        )
    key = expected_key or header["key"]
    if key != header["key"] or not signature_ok(key, signed_text(header), header["signature"]):
        raise _refuse(
            "signature",
            gettext_noop(
                "The bundle is not signed by the key of node %(node)s: it was changed, or it "
                "does not come from that node."
            ),
            node=header["from"],
        )
    try:
        decoder = zlib.decompressobj()
        text = decoder.decompress(body, MAX_BODY)
        if decoder.unconsumed_tail:
            raise _refuse("too_large", gettext_noop("The bundle is too large to be read."))
        payload = json.loads(text)
    except (zlib.error, ValueError, UnicodeDecodeError):
        raise _refuse("tampered", gettext_noop("The bundle's content is damaged.")) from None
    return header, payload


# --- which entries to take --------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRef:
    seq: int
    prev_hash: str
    hash: str


@dataclass
class RangePlan:
    """What to do with the entries a node sent: ``apply`` (in order), how many were already
    held (``duplicates``), or why nothing is taken (``fork`` or ``gap``)."""

    apply: list = field(default_factory=list)
    duplicates: int = 0
    fork: tuple | None = None  # (seq, hash held, hash received)
    gap: tuple | None = None  # (expected seq, first seq received)
    broken: int | None = None  # a sequence whose entry does not follow the one before it

    @property
    def refused(self) -> bool:
        return self.fork is not None or self.gap is not None or self.broken is not None


def plan_range(
    head_seq: int,
    head_hash: str,
    held: Callable[[int], str | None],
    incoming: Iterable,
) -> RangePlan:
    """Decide what to take from ``incoming`` entries (objects with ``seq``, ``prev_hash`` and
    ``hash``, in any order) for a node whose chain ends at ``head_seq``/``head_hash`` here;
    ``held(seq)`` gives the hash held for an earlier sequence number.

    Entries up to the head must be exact duplicates (else: a fork); the rest must follow on
    without a hole and each must name the previous one's hash (else: a gap, or a fork when the
    first new entry does not follow the head)."""
    plan = RangePlan()
    expected, prev = head_seq + 1, head_hash
    for entry in sorted(incoming, key=lambda e: e.seq):
        if entry.seq <= head_seq:
            known = head_hash if entry.seq == head_seq else held(entry.seq)
            if known == entry.hash:
                plan.duplicates += 1
                continue
            return RangePlan(fork=(entry.seq, known or "", entry.hash))
        if entry.seq < expected:  # the same sequence number twice in what was sent
            if plan.apply[entry.seq - head_seq - 1].hash == entry.hash:
                plan.duplicates += 1
                continue
            return RangePlan(broken=entry.seq)
        if entry.seq > expected:
            return RangePlan(gap=(expected, entry.seq))
        if entry.prev_hash != prev:
            if entry.seq == head_seq + 1 and head_seq:
                # the sender's entry #head_seq is not the one held here
                return RangePlan(fork=(head_seq, head_hash, entry.prev_hash))
            return RangePlan(broken=entry.seq)
        plan.apply.append(entry)
        expected, prev = entry.seq + 1, entry.hash
    return plan


# --- clocks -------------------------------------------------------------------------------------

CLOCK_TOLERANCE_SECONDS = 24 * 3600


def clock_skew(sender_time: float, receiver_time: float) -> float | None:
    """The sender's clock error in seconds when it is more than a day off, else None. Order
    never comes from clocks: a skewed bundle is taken, and flagged."""
    skew = sender_time - receiver_time
    return skew if abs(skew) > CLOCK_TOLERANCE_SECONDS else None


# --- network requests ------------------------------------------------------------------------

REQUEST_ACTIONS = ("status", "chunk", "complete", "ack")
MAX_CHUNK = 1024 * 1024
MAX_BUNDLE = 512 * 1024**2  # a bundle file larger than this is refused before it is read


def request_message(node: str, action: str, bundle_id: str, offset: int, digest: str) -> bytes:
    """What a node signs for one request of the network transport: which node, what it asks,
    for which bundle, at which offset, and the SHA-256 of the request's body. Replaying a
    request repeats an idempotent step (the same chunk at the same offset, the same ack)."""
    return (
        f"PSSM-SYNC {PROTOCOL_VERSION}\n{node}\n{action}\n{bundle_id}\n{offset}\n{digest}".encode()
    )


def is_public_key(value: str) -> bool:
    """An Ed25519 public key as the project writes it: 64 lowercase hex digits."""
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )
