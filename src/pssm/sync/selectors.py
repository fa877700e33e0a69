"""Reads of the synchronisation: this node, its peers, what waits in each direction."""

from __future__ import annotations

from datetime import UTC, datetime

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.journal.models import JournalHead

from . import exchange, nodes
from .models import BUNDLE_KIND_LABELS, BUNDLE_STATUS_LABELS, Bundle, Change, Fork, Peer, ThisNode
from .restore import reason_code, reason_text


def peer(node_id: str) -> Peer:
    """The enrolled node ``node_id`` (see :func:`pssm.sync.nodes.find_peer`)."""
    return nodes.find_peer(node_id)


def _visible(user, peers) -> set[str]:
    """The peers ``user`` may see: those of the sites where they may carry bundles (and the
    peers of no site, the national node seen from a depot)."""
    if user is None:
        return {p.node_id for p in peers}
    return {p.node_id for p in peers if not p.site_id or authz.can(user, Action.SYNC_RUN, p.site)}


def status(now: datetime | None = None, *, user=None) -> dict:
    """This node, its peers and what waits; with ``user``, only the peers of the sites they
    may carry bundles for."""
    now = now or datetime.now(UTC)
    node = ThisNode.objects.select_related("site").first()
    last_change = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    heads = dict(JournalHead.objects.values_list("node_id", "last_seq"))
    peers = []
    everyone = list(Peer.objects.select_related("site").order_by("node_id"))
    visible = _visible(user, everyone)
    for p in everyone:
        if p.node_id not in visible:
            continue
        own_seq = heads.get(node.node_id, 0) if node else 0
        peers.append(
            {
                "node": p.node_id,
                "role": p.role,
                "site": p.site.code if p.site_id else "",
                "status": p.status,
                "reason": p.status_reason,
                "last_contact": p.last_contact_at,
                "days_since_contact": (now - p.last_contact_at).days if p.last_contact_at else None,
                "entries_held": p.acked_seq if node and node.role == "national" else None,
                "entries_waiting_out": max(0, own_seq - p.acked_seq)
                if node and node.role == "depot"
                else None,
                "changes_waiting_out": _changes_waiting(node, p, last_change),
                "bytes_in": p.bytes_in,
                "bytes_out": p.bytes_out,
                "clock_skew_s": p.clock_skew,
                "clock_skew_h": round(abs(p.clock_skew) / 3600, 1) if p.clock_skew else 0,
                "clock_flagged": p.clock_skew is not None and abs(p.clock_skew) > 86400,
                "last_error": p.last_error,
            }
        )
    return {
        "node": node.node_id if node else None,
        "role": node.role if node else "stand-alone",
        "site": node.site.code if node and node.site_id else "",
        "read_only": reason_text(node.read_only_reason) if node else "",
        "read_only_code": reason_code(node.read_only_reason) if node else "",
        "peers": peers,
        "open_forks": Fork.objects.filter(resolved_at__isnull=True, peer__in=visible).count(),
        "background": _background(node),
        "recent": [
            {
                "bundle": b.bundle_id,
                "direction": b.direction,
                "kind": b.kind,
                "kind_label": str(BUNDLE_KIND_LABELS.get(b.kind, b.kind)),
                "peer": b.peer,
                "at": b.at,
                "bytes": b.size,
                "status": b.status,
                "status_label": str(BUNDLE_STATUS_LABELS.get(b.status, b.status)),
            }
            for b in Bundle.objects.filter(peer__in=visible)[:10]
        ],
    }


def _changes_waiting(node: ThisNode | None, p: Peer, last_change: int) -> int:
    """The rows this node would send ``p`` now: on the national node, what the ack for that
    depot would carry (its master data, addressed rows and national records); elsewhere the
    changes since ``p`` last acknowledged (a depot's changes are its own: what it receives
    from national is not noted as a change)."""
    if node is not None and node.role == "national" and p.role == "depot":
        wanted, _last = exchange.wanted_for(p)
        return sum(len(pks) for pks in wanted.values())
    return max(0, last_change - p.acked_change)


def _background(node) -> dict:
    """The background synchronisation of a depot: the round waiting and the last ones run."""
    if node is None or node.role != "depot":
        return {}
    from . import tasks

    nxt = tasks.waiting().first()
    return {
        "next_at": nxt.run_after if nxt else None,
        "url": nxt.args_kwargs["kwargs"]["url"] if nxt else "",
        "every_minutes": nxt.args_kwargs["kwargs"]["every"] if nxt else None,
        "last": [
            {
                "at": r.finished_at,
                "status": r.status,
                "outcome": r.return_value or {},
                "error": r.exception_class_path.rsplit(".", 1)[-1],
            }
            for r in tasks.last_rounds()
        ],
    }


def status_lines(state: dict) -> list[str]:
    """``pssm sync status`` in the operator's language."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    lines = [
        (
            _("node %(node)s (%(role)s) %(site)s")
            % {"node": state["node"] or "-", "role": state["role"], "site": state["site"]}
        ).rstrip()
    ]
    if state["read_only"]:
        lines.append(_("READ-ONLY: %(why)s") % {"why": state["read_only"]})
    bg = state.get("background") or {}
    if bg.get("next_at"):
        lines.append(
            "  "
            + _("background: every %(every)s min with %(url)s, next round %(at)s UTC")
            % {
                "every": f"{bg['every_minutes']:g}",
                "url": bg["url"],
                "at": f"{bg['next_at']:%Y-%m-%d %H:%M}",
            }
        )
    for r in bg.get("last", [])[:1]:
        outcome = r["outcome"].get("state") or r["error"] or r["status"]
        lines.append(
            "  "
            + _("last background round %(at)s UTC: %(outcome)s")
            % {"at": f"{r['at']:%Y-%m-%d %H:%M}", "outcome": outcome}
        )
    for p in state["peers"]:
        days = p["days_since_contact"]
        since = (
            _("never")
            if days is None
            else ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days}
        )
        lines.append(
            "  "
            + _(
                "%(node)s (%(role)s %(site)s) %(status)s: last heard %(since)s, changes "
                "waiting %(waiting)s, in %(in)s B, out %(out)s B"
            )
            % {
                "node": p["node"],
                "role": p["role"],
                "site": p["site"],
                "status": p["status"],
                "since": since,
                "waiting": p["changes_waiting_out"],
                "in": p["bytes_in"],
                "out": p["bytes_out"],
            }
        )
    for f in Fork.objects.filter(resolved_at__isnull=True).order_by("pk"):
        lines.append(
            "  "
            + _(
                "FORK %(fork)s: node %(node)s entry #%(seq)s held %(held)s received "
                "%(received)s (`pssm sync fork-resolve %(fork)s --decision ...`)"
            )
            % {
                "fork": f.pk,
                "node": f.peer,
                "seq": f.seq,
                "held": f.held_hash[:12],
                "received": f.received_hash[:12],
            }
        )
    return lines


def open_forks(*, user=None) -> list[dict]:
    """Forks waiting for a person, each with both versions of the entry side by side."""
    import json

    visible = _visible(user, Peer.objects.select_related("site"))
    out = []
    for f in Fork.objects.filter(resolved_at__isnull=True, peer__in=visible).order_by("found_at"):
        versions = []
        for raw in (f.held_entry, f.received_entry):
            try:
                versions.append(json.dumps(json.loads(raw), indent=1, ensure_ascii=False))
            except (TypeError, ValueError):
                versions.append(raw or "")
        out.append({"fork": f, "held": versions[0], "received": versions[1]})
    return out


def transfer_destinations(node) -> list:
    """The sites a depot may write a transfer bundle for: the other sites of its country,
    those this node knows a depot writes when it knows any (national countersigns only for a
    site a depot node writes), by code."""
    from pssm.sites.models import Site

    from .models import SiteWriter

    if node is None or node.role != "depot" or not node.site_id:
        return []
    others = Site.objects.filter(organisation__country_id=node.site.organisation.country_id)
    others = others.exclude(pk=node.site_id).order_by("code")
    written = others.filter(pk__in=SiteWriter.objects.values("site_id"))
    return list(written) if written.exists() else list(others)
