"""Why a node refuses a bundle, in one place for every kind of bundle (ADR 0014, 0032):
opening it here, its recipient, its sender's standing, and rows the sender may not write."""

from __future__ import annotations

from pssm.domain import syncformat as fmt
from pssm.domain.errors import gettext_noop

from . import crypt
from .entries import refuse
from .models import Peer


def opened(data: bytes) -> tuple[bytes, dict]:
    """The bundle (decrypted with this node's key when it was sealed to it) and its header."""
    from pssm.journal import keys

    key = keys.load(required=False)
    data = crypt.open_bundle(data, seed_hex=key.seed if key else None)
    return data, fmt.read_header(data)


def addressed_here(header: dict, here: str) -> None:
    if header["to"] != here:
        raise refuse(
            "recipient",
            gettext_noop(
                "The bundle is meant for node %(to)s, not for this node (%(here)s). Nothing was "
                "applied."
            ),
            to=header["to"],
            here=here,
        )


def unknown_node(node_id: str):
    return refuse(
        "unknown_node",
        gettext_noop("The bundle comes from node %(node)s, which this node never enrolled."),
        node=node_id,
    )


def check_not_revoked(peer: Peer) -> None:
    if peer.status == Peer.REVOKED:
        raise refuse(
            "revoked",
            gettext_noop(
                "Node %(node)s was revoked (%(reason)s): its bundles are no longer accepted."
            ),
            node=peer.node_id,
            reason=peer.status_reason or "-",
        )


def check_not_quarantined(peer: Peer) -> None:
    if peer.status == Peer.QUARANTINED:
        raise refuse(
            "quarantined",
            gettext_noop(
                "Node %(node)s is quarantined until its fork is resolved at the national node: "
                "nothing was applied."
            ),
            node=peer.node_id,
        )


def master_data(node_id: str, table: str):
    return refuse(
        "master",
        gettext_noop(
            "Node %(node)s sent %(table)s records: master data is written at the national "
            "node only. Nothing was applied."
        ),
        node=node_id,
        table=table,
    )


def not_writer(node_id: str, table: str, pk):
    return refuse(
        "not_writer",
        gettext_noop(
            "Node %(node)s sent a %(table)s record of a site it does not write "
            "(record %(pk)s). Nothing was applied."
        ),
        node=node_id,
        table=table,
        pk=pk,
    )
