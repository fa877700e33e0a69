"""The node's signing key: an Ed25519 seed in a file outside the database.

The file holds the 32-byte seed in hexadecimal and is readable only by its owner (mode 0600).
Its path is ``PSSM_NODE_KEY_FILE`` (default ``var/node-key``). ``pssm node init`` creates it;
so does the first write of a node whose journal was never signed. Once a node has signed, a
missing or unreadable key stops every write with a message saying how to restore it: a new
key would not match the seals already written.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pssm.domain import journal as chain
from pssm.domain.errors import PssmError, gettext_noop


class NodeKeyError(PssmError):
    code = "node_key"
    default_message = gettext_noop("The node's signing key cannot be used.")


@dataclass(frozen=True)
class NodeKey:
    seed: str  # hex
    public: str  # hex
    id: str

    def sign(self, message: bytes) -> str:
        return chain.sign(self.seed, message)


_CACHE: dict[tuple, NodeKey] = {}


def key_path() -> Path:
    return Path(settings.PSSM_NODE_KEY_FILE)


def load(*, required: bool = True) -> NodeKey | None:
    """The node key from its file; None when it is missing and not ``required``, else
    :class:`NodeKeyError` saying how to create or restore it."""
    path = key_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        if not required:
            return None
        raise NodeKeyError(
            gettext_noop(
                "The node's signing key %(path)s is missing, but this node's journal is "
                "already signed. Restore the key file from the node's backup (it must be "
                "readable only by the service user), or set PSSM_NODE_KEY_FILE to where it "
                "is. Creating a new key would not match the existing seals: if the key is "
                "lost for good, hand the node over at the national node."
            ),
            params={"path": str(path)},
        ) from None
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    found = _CACHE.get(cache_key)
    if found is not None:
        return found
    try:
        seed = path.read_text(encoding="ascii").strip()
        public = chain.public_key(seed)
    except (OSError, ValueError, UnicodeError, TypeError):
        raise NodeKeyError(
            gettext_noop(
                "The node's signing key %(path)s cannot be read or is damaged. Restore it "
                "from the node's backup, or set PSSM_NODE_KEY_FILE to the right file."
            ),
            params={"path": str(path)},
        ) from None
    found = NodeKey(seed, public, chain.key_id(public))
    _CACHE.clear()
    _CACHE[cache_key] = found
    return found


def fresh_seed() -> str:
    return secrets.token_bytes(32).hex()


def create() -> NodeKey:
    """Write a new key file (mode 0600); refused when a key exists."""
    path = key_path()
    if path.exists():
        raise NodeKeyError(
            gettext_noop("A node key already exists at %(path)s."), params={"path": str(path)}
        )
    write(fresh_seed())
    return load()


def write(seed: str) -> None:
    """Put ``seed`` in the key file, atomically, readable only by its owner."""
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(seed + "\n")
    os.replace(tmp, path)
    forget()


def forget() -> None:
    _CACHE.clear()
