"""The regional node: it receives, from each national node, aggregate figures per country and
site — weapons by category and status, compliance scores, overdue counts, losses — and never a
serial number or a person's name (ADR 0014).

National: :func:`regional_export` writes the signed ``regional`` bundle for a regional node.
Regional: :func:`regional_init` makes the node (it trusts the national nodes it names), and
:func:`regional_receive` keeps the figures of each bundle (``pssm sync import`` there)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction

from pssm.accounts import authz
from pssm.domain import syncformat as fmt
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, NotFoundError, ValidationError, gettext_noop
from pssm.inspections import dashboard
from pssm.journal.services import journal_append
from pssm.registry.models import Weapon
from pssm.sites.models import Country, Site

from . import nodes
from .models import Bundle, RegionalFigures, ThisNode, TrustedNational

FORMAT = "pssm-regional-1"
SENT = "sync.regional_sent"
RECEIVED = "sync.regional_received"
REGIONAL_READY = "sync.regional_ready"


def figures(country: Country, now: datetime | None = None) -> dict:
    """The figures of ``country`` as the regional node receives them: per site, weapons by
    category and by status, and the compliance figures (counts overdue, open cases, losses,
    inspection score and RRPL level, overdue corrective actions); and their national sums.
    Codes and counts only: no serial, no person, no user."""
    now = now or datetime.now(UTC)
    sites = Site.objects.filter(organisation__country=country, is_active=True).select_related(
        "organisation"
    )
    by_status: dict[str, dict] = defaultdict(dict)
    by_category: dict[str, dict] = defaultdict(dict)
    rows = Weapon.objects.filter(site__in=sites).values_list(
        "site__code", "status", "weapon_type__category"
    )
    for site, status, category in rows.iterator(chunk_size=5000):
        by_status[site][status] = by_status[site].get(status, 0) + 1
        category = category or "unknown"
        by_category[site][category] = by_category[site].get(category, 0) + 1
    out_sites = []
    total_status: dict[str, int] = defaultdict(int)
    total_category: dict[str, int] = defaultdict(int)
    for row, site in zip(dashboard.site_rows(sites), sites.order_by("code"), strict=True):
        for k, v in by_status[site.code].items():
            total_status[k] += v
        for k, v in by_category[site.code].items():
            total_category[k] += v
        out_sites.append(
            {
                "site": site.code,
                "name": site.name,
                "kind": site.kind,
                "organisation": site.organisation.code,
                "organisation_kind": site.organisation.kind,
                "model_installation": bool(row.model_installation),
                "weapons_by_status": dict(sorted(by_status[site.code].items())),
                "weapons_by_category": dict(sorted(by_category[site.code].items())),
                "counts_overdue": row.counts_overdue,
                "open_cases": row.open_cases,
                "losses_open": row.losses_open,
                "inspection_percent": row.inspection_percent,
                "rrpl_level": row.inspection_level,
                "overdue_actions": row.overdue_actions,
            }
        )
    return {
        "format": FORMAT,
        "country": country.code,
        "at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "sites": out_sites,
        "totals": {
            "weapons_by_status": dict(sorted(total_status.items())),
            "weapons_by_category": dict(sorted(total_category.items())),
            "counts_overdue": sum(s["counts_overdue"] for s in out_sites),
            "open_cases": sum(s["open_cases"] for s in out_sites),
            "losses_open": sum(s["losses_open"] for s in out_sites),
        },
    }


def regional_export(*, user, country_code: str, to: str) -> bytes:
    """The signed bundle of ``country_code``'s figures for regional node ``to`` (national)."""
    national = nodes.require_role("national")
    country = Country.objects.filter(code=(country_code or "").upper()).first()
    if country is None:
        raise NotFoundError(
            gettext_noop("No country %(code)s."),
            params={"code": country_code},
            details={"country": country_code},
        )
    authz.check(user, Action.SYNC_MANAGE, country)
    if not nodes.valid_node_id(to):
        raise ValidationError(
            gettext_noop(
                "A node name has 3 to 64 letters, digits, dots or hyphens: %(node)s is not one."
            ),
            params={"node": to},
            details={"to": to},
        )
    key = nodes.node_key()
    bundle_id = str(uuid.uuid4())
    body = figures(country)
    header = nodes.bundle_header(bundle_id, "regional", national.node_id, to, key)
    with transaction.atomic():
        data = fmt.pack(header, body, key.sign)
        journal_append(
            actor=user,
            kind=SENT,
            payload={
                "to": to,
                "country": country.code,
                "bundle": bundle_id,
                "sites": len(body["sites"]),
            },
            scope=country.scope,
        )
        Bundle.objects.create(
            bundle_id=bundle_id, direction="out", kind="regional", peer=to, size=len(data),
            rows=len(body["sites"]), status="written",
        )  # fmt: skip
    return data


def regional_init(*, user, trusted: dict[str, str]) -> ThisNode:
    """Make this node the regional node, trusting the national nodes ``trusted`` (node name ->
    public key, as `pssm node key` prints it on each national node)."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    if nodes.this_node() is not None:
        existing = nodes.this_node()
        raise ConflictError(
            gettext_noop("This node is already the %(role)s node %(node)s."),
            params={"role": existing.role, "node": existing.node_id},
        )
    if not trusted:
        raise ValidationError(
            gettext_noop("Name at least one national node and its key: --trust NODE=KEY."),
            details={"trust": "required"},
        )
    for node_id, key in trusted.items():
        if not nodes.valid_node_id(node_id) or not fmt.is_public_key(key):
            raise ValidationError(
                gettext_noop("%(value)s is not a national node and its 64-hex public key."),
                params={"value": f"{node_id}={key}"},
                details={"trust": node_id},
            )
    with transaction.atomic():
        node = ThisNode.objects.create(node_id=settings.PSSM_NODE_ID, role="regional")
        for node_id, key in trusted.items():
            TrustedNational.objects.create(node_id=node_id, public_key=key)
        journal_append(
            actor=user, kind=REGIONAL_READY, payload={"node": node.node_id, "trusts": trusted}
        )
    return node


def regional_receive(*, user, data: bytes) -> RegionalFigures:
    """Keep a national node's figures on this regional node; the same bundle twice is kept
    once."""
    authz.check_anywhere(user, Action.SYNC_RUN)
    node = nodes.require_role("regional")
    header = fmt.read_header(data)
    if header["to"] != node.node_id:
        raise fmt.BundleError(
            gettext_noop(
                "The bundle is meant for node %(to)s, not for this node (%(here)s). Nothing "
                "was applied."
            ),
            code="bundle_recipient",
            params={"to": header["to"], "here": node.node_id},
        )
    trusted = TrustedNational.objects.filter(node_id=header["from"]).first()
    if trusted is None:
        raise fmt.BundleError(
            gettext_noop("The bundle comes from node %(node)s, which this node does not trust."),
            code="bundle_unknown_node",
            params={"node": header["from"]},
        )
    header, body = fmt.unpack(data, expected_key=trusted.public_key)
    if header["kind"] != "regional" or not isinstance(body, dict) or body.get("format") != FORMAT:
        raise fmt.BundleError(
            gettext_noop("This is a %(kind)s bundle; a regional node takes regional figures."),
            code="bundle_kind",
            params={"kind": header["kind"]},
        )
    done = RegionalFigures.objects.filter(bundle_id=header["id"]).first()
    if done is not None:
        done.duplicate = True
        return done
    with transaction.atomic():
        record = RegionalFigures.objects.create(
            bundle_id=header["id"],
            national=header["from"],
            country=str(body.get("country", ""))[:2],
            figures_at=str(body.get("at", ""))[:32],
            figures=body,
        )
        journal_append(
            actor=user,
            kind=RECEIVED,
            payload={"from": header["from"], "country": record.country, "bundle": header["id"]},
        )
    return record


def latest() -> list[RegionalFigures]:
    """The last figures received per country."""
    seen, out = set(), []
    for record in RegionalFigures.objects.order_by("-received_at", "-pk"):
        if record.country not in seen:
            seen.add(record.country)
            out.append(record)
    return sorted(out, key=lambda r: r.country)
