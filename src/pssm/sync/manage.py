"""What the national authority decides about depot nodes (ADR 0014): handing a site over to a
new writing node (laptop replaced or stolen), revoking a node's key, and resolving a fork.
Each is journaled at the national node."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, NotFoundError, ValidationError, gettext_noop
from pssm.journal.models import JournalHead
from pssm.journal.services import journal_append

from . import nodes, selectors
from .models import Fork, Peer, SiteWriter

HANDED_OVER = "sync.handed_over"
REVOKED = "sync.revoked"
FORK_RESOLVED = "sync.fork_resolved"
DECISIONS = ("release", "revoke")


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(
            gettext_noop("Say why, in a few words (at least 5 characters)."),
            details={field: "required"},
        )
    return reason[:500]


def _held_seq(node_id: str) -> int:
    head = JournalHead.objects.filter(node_id=node_id).first()
    return head.last_seq if head else 0


def handover(*, user, site_code: str, node_id: str, reason: str) -> tuple[bytes, Peer]:
    """Move the writer of ``site_code`` to a new depot node ``node_id`` and write its
    bootstrap bundle. The old node is revoked: whatever it sends later is refused, and the
    entries national took from it before stay."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    national = nodes.require_role("national")
    reason = _reason(reason)
    site = nodes.find_site(site_code)
    authz.check(user, Action.SYNC_MANAGE, site)
    nodes.check_new_node_id(national, node_id)
    with transaction.atomic():
        writer = SiteWriter.objects.select_for_update().filter(site=site).first()
        if writer is None:
            raise ConflictError(
                gettext_noop(
                    "Site %(site)s has no writing node yet: make one with "
                    "`pssm sync bootstrap --site %(site)s`."
                ),
                params={"site": site.code},
            )
        old = writer.node_id
        held = _held_seq(old)
        Peer.objects.filter(node_id=old).update(
            status=Peer.REVOKED,
            status_reason=f"site {site.code} handed over to {node_id}: {reason}",
        )
        writer.delete()
        return nodes.enrol(
            user=user,
            national=national,
            site=site,
            node_id=node_id,
            kind=HANDED_OVER,
            extra={"handed_over_from": old, "held_seq": held, "reason": reason},
        )


def revoke(*, user, node_id: str, reason: str) -> Peer:
    """Revoke a depot node's key (laptop stolen, key exposed): its bundles are refused from
    now on. The site keeps that node as its writer until it is handed over."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    nodes.require_role("national")
    reason = _reason(reason)
    peer = selectors.peer(node_id)
    if peer.site_id:
        authz.check(user, Action.SYNC_MANAGE, peer.site)
    if peer.status == Peer.REVOKED:
        raise ConflictError(
            gettext_noop("Node %(node)s is already revoked."), params={"node": node_id}
        )
    with transaction.atomic():
        Peer.objects.filter(pk=peer.pk).update(status=Peer.REVOKED, status_reason=reason)
        journal_append(
            actor=user,
            kind=REVOKED,
            payload={"node": node_id, "reason": reason, "held_seq": _held_seq(node_id)},
            scope=peer.site.scope if peer.site_id else None,
        )
    peer.refresh_from_db()
    return peer


def fork_resolve(*, user, fork_id: int, decision: str, note: str) -> Fork:
    """Decide a fork: ``release`` lifts the quarantine (the depot was put back on the chain
    national holds, e.g. its right database restored); ``revoke`` revokes the node, and its
    site is then handed over to a node made afresh from national's state. Both versions of
    the entry stay on record."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    nodes.require_role("national")
    if decision not in DECISIONS:
        raise ValidationError(
            gettext_noop("The decision is “release” or “revoke”, not %(value)s."),
            params={"value": decision},
            details={"decision": "invalid"},
        )
    note = _reason(note, "note")
    with transaction.atomic():
        fork = Fork.objects.select_for_update().filter(pk=fork_id).first()
        if fork is None:
            raise NotFoundError(
                gettext_noop("No fork %(fork)s."),
                params={"fork": fork_id},
                details={"fork": fork_id},
            )
        peer = Peer.objects.select_related("site").filter(node_id=fork.peer).first()
        if peer is not None and peer.site_id:
            authz.check(user, Action.SYNC_MANAGE, peer.site)
        if fork.resolved_at is not None:
            raise ConflictError(
                gettext_noop("This fork was already resolved by %(user)s."),
                params={"user": fork.resolved_by},
            )
        fork.resolved_at = datetime.now(UTC)
        fork.resolved_by = user.get_username()
        fork.resolution = f"{decision}: {note}"
        fork.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        still_open = Fork.objects.filter(peer=fork.peer, resolved_at__isnull=True).exists()
        if decision == "revoke":
            Peer.objects.filter(node_id=fork.peer).update(status=Peer.REVOKED, status_reason=note)
        elif not still_open:
            Peer.objects.filter(node_id=fork.peer, status=Peer.QUARANTINED).update(
                status=Peer.ACTIVE, status_reason=""
            )
        journal_append(
            actor=user,
            kind=FORK_RESOLVED,
            payload={"node": fork.peer, "seq": fork.seq, "decision": decision, "note": note},
        )
    return fork
