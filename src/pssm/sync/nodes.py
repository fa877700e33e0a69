"""Making nodes: the national node, a depot node's bootstrap bundle, and joining it (ADR 0014)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from pssm.accounts import authz
from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, NotFoundError, ValidationError, gettext_noop
from pssm.journal import keys
from pssm.journal.models import JournalEntry, JournalHead
from pssm.journal.services import journal_append
from pssm.sites.models import Site

from . import capture, facts, files, rows, tables
from .models import Bundle, Change, Peer, SiteWriter, ThisNode

BOOTSTRAPPED = "sync.bootstrapped"
JOINED = "node.joined"
NATIONAL_READY = "sync.national_ready"


def this_node() -> ThisNode | None:
    return ThisNode.objects.select_related("site").first()


def node_key() -> keys.NodeKey:
    key = keys.load(required=False)
    return key or keys.create()


def _now() -> datetime:
    return datetime.now(UTC)


def national_init(*, user) -> ThisNode:
    """Make this node the national node (``pssm node init --national``): its key, the change
    triggers, and a journal entry."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    existing = this_node()
    if existing is not None:
        raise ConflictError(
            gettext_noop("This node is already the %(role)s node %(node)s."),
            params={"role": existing.role, "node": existing.node_id},
        )
    key = node_key()
    with transaction.atomic():
        node = ThisNode.objects.create(node_id=settings.PSSM_NODE_ID, role="national")
        capture.install()
        journal_append(
            actor=user,
            kind=NATIONAL_READY,
            payload={"node": node.node_id, "key": key.public, "key_id": key.id},
        )
    return node


def require_role(role: str) -> ThisNode:
    node = this_node()
    if node is None or node.role != role:
        raise ConflictError(
            gettext_noop(
                "This command runs on a %(role)s node; this node is %(actual)s. Run "
                "`pssm node init --national` on the national server, or `pssm node join` "
                "with a bootstrap bundle on a depot."
            ),
            params={"role": role, "actual": node.role if node else "stand-alone"},
        )
    return node


def _last_change() -> int:
    return Change.objects.order_by("-id").values_list("id", flat=True).first() or 0


def site_rows(site: Site) -> dict[str, set[int]]:
    """Every row a depot of ``site`` needs: master data, the site's records, what is
    addressed to it, and the users and roles that cover it."""
    wanted: dict[str, set[int]] = {}
    for label in tables.MASTER:
        if label in (tables.USER, tables.ROLE):
            continue
        wanted[label] = set(tables.model(label).objects.values_list("pk", flat=True))
    grants = tables.model(tables.ROLE).objects.filter(
        Q(site=site)
        | Q(organisation_id=site.organisation_id, site__isnull=True)
        | Q(country_id=site.organisation.country_id, organisation__isnull=True, site__isnull=True)
        | Q(country__isnull=True, organisation__isnull=True, site__isnull=True)
    )
    wanted[tables.ROLE] = set(grants.values_list("pk", flat=True))
    wanted[tables.USER] = set(grants.values_list("user_id", flat=True))
    for label, path in tables.OWNER.items():
        model = tables.model(label)
        query = Q(**{path: site.pk})
        for other in tables.ADDRESSED.get(label, ()):
            query |= Q(**{other: site.pk})
        wanted[label] = set(model.objects.filter(query).values_list("pk", flat=True))
    for label in tables.NATIONAL:
        found = tables.national_for_site(label, site.pk)
        wanted[label] = set(found.values_list("pk", flat=True))
    return wanted


def closure(wanted: dict[str, set[int]], *, skip: set[str] = frozenset()) -> dict[str, set[int]]:
    """``wanted`` with every row its rows refer to (users referred to only this way are
    noted in ``wanted["_bare_users"]``: they travel without password, inactive)."""
    users_in_scope = set(wanted.get(tables.USER, ()))
    for label in reversed(tables.ordered()):
        pks = wanted.get(label)
        if not pks or label in skip:
            continue
        model = tables.model(label)
        for field in tables.carried_fields(label):
            if not field.is_relation:
                continue
            target = field.related_model._meta.label
            if target == label or target not in tables.by_table().values():
                continue
            found = set(
                model.objects.filter(pk__in=pks)
                .exclude(**{field.attname: None})
                .values_list(field.attname, flat=True)
            )
            wanted.setdefault(target, set()).update(found)
    wanted["_bare_users"] = set(wanted.get(tables.USER, ())) - users_in_scope
    return wanted


def bare_users(records: list, bare_gids: set[str]) -> None:
    """Strip the password of users carried only because a row refers to them."""
    user_table = tables.table(tables.USER)
    for record in records:
        if record[0] == user_table and record[1] in bare_gids and record[2]:
            record[2]["password"] = "!"  # noqa: S105 - an unusable password
            record[2]["is_active"] = False
            record[2]["email"] = ""


def export_rows(ids: rows.Ids, wanted: dict[str, set[int]], deleted=None) -> list:
    bare = wanted.pop("_bare_users", set())
    records = rows.export(ids, wanted, deleted)
    if bare:
        bare_users(records, set(ids.gids(tables.table(tables.USER), bare).values()))
    return records


def bootstrap(*, user, site_code: str, node_id: str = "") -> tuple[bytes, Peer]:
    """The bundle that makes a depot node for ``site_code`` (``pssm sync bootstrap``): master
    data, the site's users and roles, its records, what is addressed to it, and the depot's
    key. The site's writer becomes that node."""
    authz.check_anywhere(user, Action.SYNC_MANAGE)
    national = require_role("national")
    site = find_site(site_code)
    authz.check(user, Action.SYNC_MANAGE, site)
    node_id = node_id or f"{site.code.lower()}-depot"
    check_new_node_id(national, node_id)
    writer = SiteWriter.objects.filter(site=site).first()
    if writer is not None:
        raise ConflictError(
            gettext_noop(
                "Site %(site)s is already written by node %(node)s. Hand it over "
                "(`pssm sync handover`) to move its writer."
            ),
            params={"site": site.code, "node": writer.node_id},
        )
    return enrol(user=user, national=national, site=site, node_id=node_id)


def find_peer(node_id: str) -> Peer:
    found = Peer.objects.select_related("site").filter(node_id=node_id).first()
    if found is None:
        raise NotFoundError(
            gettext_noop("No node %(node)s is enrolled here."),
            params={"node": node_id},
            details={"to": node_id},
        )
    return found


def find_site(site_code: str) -> Site:
    site = Site.objects.select_related("organisation").filter(code=site_code).first()
    if site is None:
        raise NotFoundError(
            gettext_noop("No site %(code)s."),
            params={"code": site_code},
            details={"site": site_code},
        )
    return site


def check_new_node_id(national: ThisNode, node_id: str) -> None:
    if not valid_node_id(node_id):
        raise ValidationError(
            gettext_noop(
                "A node name has 3 to 64 letters, digits, dots or hyphens: %(node)s is not one."
            ),
            params={"node": node_id},
            details={"node": node_id},
        )
    if Peer.objects.filter(node_id=node_id).exists() or node_id == national.node_id:
        raise ConflictError(
            gettext_noop("A node %(node)s is already enrolled."), params={"node": node_id}
        )


def enrol(
    *,
    user,
    national: ThisNode,
    site: Site,
    node_id: str,
    kind: str = BOOTSTRAPPED,
    extra: dict | None = None,
):
    """Enrol depot node ``node_id`` as the writer of ``site`` and write its bootstrap bundle
    (inside one transaction; the caller checked the name and freed the site)."""
    key = node_key()
    seed = keys.fresh_seed()
    public = chain.public_key(seed)
    bundle_id = str(uuid.uuid4())
    with transaction.atomic():
        peer = Peer.objects.create(node_id=node_id, role="depot", public_key=public, site=site)
        SiteWriter.objects.create(site=site, node_id=node_id)
        ids = rows.Ids(national.node_id)
        records = export_rows(ids, closure(site_rows(site)))
        last = _last_change()
        peer.acked_change = peer.sent_change = last
        peer.save(update_fields=["acked_change", "sent_change"])
        head = JournalHead.objects.filter(node_id=national.node_id).first()
        entry = journal_append(
            actor=user,
            kind=kind,
            payload={
                "site": site.code,
                "node": node_id,
                "key": public,
                "key_id": chain.key_id(public),
                "bundle": bundle_id,
                "records": len(records),
                **(extra or {}),
            },
            scope=site.scope,
        )
        body = {
            "node": node_id,
            "site": site.code,
            "seed": seed,
            "national": {
                "node": national.node_id,
                "key": key.public,
                "seq": entry.seq,
                "hash": entry.hash,
                "head_before": head.last_seq if head else 0,
            },
            "rows": records,
            "files": files.collect(records),
            "change": last,
        }
        data = fmt.pack(
            bundle_header(bundle_id, "bootstrap", national.node_id, node_id, key), body, key.sign
        )
        Bundle.objects.create(
            bundle_id=bundle_id,
            direction="out",
            kind="bootstrap",
            peer=node_id,
            size=len(data),
            rows=len(records),
            status="written",
        )
    return data, peer


def valid_node_id(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{2,63}", value or ""))


def bundle_header(bundle_id: str, kind: str, sender: str, recipient: str, key) -> dict:
    return {
        "id": bundle_id,
        "kind": kind,
        "from": sender,
        "to": recipient,
        "key": key.public,
        "version": fmt.PROTOCOL_VERSION,
        "created": _now().isoformat(timespec="seconds").replace("+00:00", "Z"),
        "clock": _now().timestamp(),
    }


def _database_is_empty() -> bool:
    return not (
        JournalEntry.objects.exists()
        or Site.objects.exists()
        or ThisNode.objects.exists()
        or tables.model(tables.USER).objects.exists()
    )


def join(*, data: bytes) -> ThisNode:
    """Make this empty database the depot node a bootstrap bundle describes
    (``pssm node join FILE``). Run by the operator of the new laptop: the bundle is the
    authority (it carries the depot's key), so keep it like a key and destroy it after."""
    header, body = fmt.unpack(data)
    if header["kind"] != "bootstrap":
        raise fmt.BundleError(
            gettext_noop("This is a %(kind)s bundle, not a bootstrap bundle."),
            code="bundle_kind",
            params={"kind": header["kind"]},
        )
    node_id = body["node"]
    if node_id != settings.PSSM_NODE_ID:
        raise ConflictError(
            gettext_noop(
                "The bundle makes node %(node)s, but this installation is node %(here)s. Set "
                "PSSM_NODE_ID=%(node)s (and its own PSSM_HOME or DATABASE_URL) and run the "
                "command again."
            ),
            params={"node": node_id, "here": settings.PSSM_NODE_ID},
        )
    if not _database_is_empty():
        raise ConflictError(
            gettext_noop(
                "This database already holds data: a depot node is made on an empty database "
                "(run `pssm migrate` on a new one)."
            )
        )
    if keys.load(required=False) is not None:
        raise ConflictError(
            gettext_noop(
                "A node key already exists at %(path)s: move it away before joining, so that "
                "this node signs with the key national enrolled."
            ),
            params={"path": str(keys.key_path())},
        )
    national = body["national"]
    try:
        return _join(header, body, data, node_id, national)
    except BaseException:
        keys.key_path().unlink(missing_ok=True)  # it was absent: the failed join wrote it
        keys.forget()
        raise


def _join(header, body, data, node_id, national) -> ThisNode:
    with transaction.atomic():
        ids = rows.Ids(node_id)
        files.store(body.get("files", {}), body["rows"])
        written = rows.apply(ids, body["rows"])
        site = Site.objects.get(code=body["site"])
        node = ThisNode.objects.create(
            node_id=node_id,
            role="depot",
            site=site,
            national_node=national["node"],
            national_key=national["key"],
        )
        Peer.objects.create(
            node_id=national["node"],
            role="national",
            public_key=national["key"],
            acked_change=0,
            sent_change=0,
            last_contact_at=_now(),
        )
        keys.write(body["seed"])
        key = keys.load()
        journal_append(
            actor=None,
            kind=JOINED,
            payload={
                "node": node_id,
                "site": site.code,
                "key": key.public,
                "key_id": key.id,
                "bundle": header["id"],
                "national": national,
            },
            scope=site.scope,
            facts=facts.mirror(
                written.get("registry.Weapon", []),
                written.get("ammunition.LotBalance", []),
                ["sync", header["id"]],
            ),
        )
        capture.install()
        Bundle.objects.create(
            bundle_id=header["id"],
            direction="in",
            kind="bootstrap",
            peer=national["node"],
            size=len(data),
            rows=len(body["rows"]),
            status="applied",
        )
        # the national node's changes this copy holds
        Peer.objects.filter(node_id=national["node"]).update(their_change=body["change"])
    return node
