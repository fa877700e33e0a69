"""Signed statements of the journal's head (checkpoints) and the rotation of the node key."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction

from pssm.accounts import authz
from pssm.domain import journal as chain
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, gettext_noop

from . import keys
from .models import JournalHead
from .services import journal_append

ROTATION = "node.key_rotated"


def checkpoint_make(*, user, now: datetime | None = None) -> chain.Checkpoint:
    """A statement of this node's head (entries, hash, time) signed by the node key."""
    authz.check_anywhere(user, Action.JOURNAL_VERIFY)
    node = settings.PSSM_NODE_ID
    head = JournalHead.objects.filter(node_id=node).first()
    count, digest = (head.last_seq, head.last_hash) if head else (0, chain.GENESIS_HASH)
    key = keys.load()
    at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    at = at.replace("+00:00", "Z")
    signature = key.sign(chain.checkpoint_message(node, count, digest, at))
    return chain.Checkpoint(node, count, digest, at, key.public, signature)


def node_init(*, user) -> keys.NodeKey:
    """Create this node's key (``pssm node init``); refused when one exists."""
    authz.check_anywhere(user, Action.JOURNAL_VERIFY)
    return keys.create()


def key_rotate(*, user) -> tuple[keys.NodeKey, keys.NodeKey]:
    """Replace the node key: a rotation entry names the old and the new public key and is
    signed by both; the entries after it are sealed by the new key. The old key file is kept
    beside the new one (``<file>.<key id>.old``)."""
    authz.check_anywhere(user, Action.JOURNAL_VERIFY)
    old = keys.load()
    path = keys.key_path()
    backup = path.with_name(f"{path.name}.{old.id}.old")
    if backup.exists():
        raise ConflictError(
            gettext_noop("A former key file %(path)s is in the way."), params={"path": str(backup)}
        )
    shutil.copy2(path, backup)
    new_seed = keys.fresh_seed()
    new_public = chain.public_key(new_seed)
    node = settings.PSSM_NODE_ID
    message = chain.rotation_message(node, old.public, new_public)
    try:
        with transaction.atomic():
            entry = journal_append(
                actor=user,
                kind=ROTATION,
                payload={
                    "old_key": old.public,
                    "new_key": new_public,
                    "old_key_id": old.id,
                    "new_key_id": chain.key_id(new_public),
                    "old_signature": old.sign(message),
                    "new_signature": chain.sign(new_seed, message),
                },
            )
            new = keys.NodeKey(new_seed, new_public, chain.key_id(new_public))
            # The head after the rotation is sealed by the new key.
            JournalHead.objects.filter(node_id=node).update(
                signature=new.sign(chain.seal_message(node, entry.seq, entry.hash)),
                key_id=new.id,
            )
            keys.write(new_seed)
    except Exception:
        shutil.copy2(backup, path)  # the old key stays in force
        keys.forget()
        backup.unlink(missing_ok=True)
        raise
    return old, new
