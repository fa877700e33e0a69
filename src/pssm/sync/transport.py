"""The national node's side of the network transport (``pssm sync run --url``; ADR 0014).

A depot sends its bundle in chunks, each request signed with its node key
(:func:`pssm.domain.syncformat.request_message`); an interrupted upload resumes at the offset
the national node holds. When the bundle is complete it is taken exactly as a bundle carried
on a USB stick (:func:`exchange.ingest`), and the acknowledgement is kept for the depot to
fetch, also in chunks. No session, cookie or password is involved: the node key is the
credential, and a revoked or unknown node is refused."""

from __future__ import annotations

import fcntl
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pssm.accounts.authz import SystemActor
from pssm.core import errors
from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.errors import PssmError

from . import exchange
from .models import Peer

BUNDLE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _refused(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "error": message}, status=status)


def _folder(kind: str, node: str) -> Path:
    folder = Path(settings.PSSM_SYNC_DIR) / kind / node
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _authenticate(request, action: str, bundle_id: str, offset: int):
    """The enrolled peer that signed this request, or a refusal."""
    node = request.headers.get("X-PSSM-Node", "")
    signature = request.headers.get("X-PSSM-Signature", "")
    if not BUNDLE_ID.fullmatch(bundle_id):
        return None, _refused(400, "bundle_id", _("The bundle id is not valid."))
    peer = Peer.objects.filter(node_id=node, role="depot").first()
    unsigned = _refused(403, "signature", _("This request is not signed by a node enrolled here."))
    if peer is None or not signature:
        return None, unsigned
    try:
        body = request.body
    except RawPostDataException:  # a form was sent, not a bundle's bytes
        return None, unsigned
    digest = hashlib.sha256(body).hexdigest()
    message = fmt.request_message(node, action, bundle_id, offset, digest)
    if not chain.signature_ok(peer.public_key, message, signature):
        return None, unsigned
    if peer.status == Peer.REVOKED:
        return None, _refused(
            403,
            "revoked",
            _("Node %(node)s was revoked: its bundles are no longer accepted.") % {"node": node},
        )
    return peer, None


def _offset(request) -> int | None:
    raw = request.GET.get("offset", "0")
    return int(raw) if raw.isdigit() and len(raw) < 13 else None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def upload(request, bundle_id: str):
    """GET: how many bytes of the bundle are held. POST: the chunk that starts at ``offset``."""
    offset = _offset(request)
    if offset is None:
        return _refused(400, "offset", _("The offset parameter must be a whole number."))
    action = "chunk" if request.method == "POST" else "status"
    peer, refusal = _authenticate(request, action, bundle_id, offset)
    if refusal:
        return refusal
    part = _folder("in", peer.node_id) / f"{bundle_id}.part"
    if request.method == "GET":
        done = (_folder("acks", peer.node_id) / f"{bundle_id}.ack").exists()
        held = part.stat().st_size if part.exists() else 0
        return JsonResponse({"received": held, "taken": done and not part.exists()})
    chunk = request.body
    if len(chunk) > fmt.MAX_CHUNK:
        return _refused(413, "chunk", _("A chunk is at most 1 MiB."))
    with part.open("ab") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # one writer per bundle, whatever the workers
        held = fh.seek(0, 2)
        if offset != held:
            # a chunk sent again after a lost answer, or one ahead of what arrived: say where
            # to go on from; nothing is written
            return JsonResponse({"received": held}, status=409)
        if held + len(chunk) > fmt.MAX_BUNDLE:
            return _refused(
                413, "bundle_too_large", _("The bundle is larger than a bundle can be.")
            )
        fh.write(chunk)
    return JsonResponse({"received": held + len(chunk)})


@csrf_exempt
@require_http_methods(["POST"])
def complete(request, bundle_id: str):
    """Take the whole bundle (as ``pssm sync import`` would) and keep its acknowledgement."""
    peer, refusal = _authenticate(request, "complete", bundle_id, 0)
    if refusal:
        return refusal
    part = _folder("in", peer.node_id) / f"{bundle_id}.part"
    ack_file = _folder("acks", peer.node_id) / f"{bundle_id}.ack"
    if not part.exists() and ack_file.exists():  # the answer to an earlier complete was lost
        return JsonResponse({"ack": ack_file.stat().st_size, "state": "applied"})
    if not part.exists():
        return _refused(409, "bundle_truncated", _("Nothing of this bundle was received."))
    data = part.read_bytes()
    try:
        record, ack = exchange.ingest(user=SystemActor(f"node:{peer.node_id}"), data=data)
    except PssmError as exc:
        part.unlink(missing_ok=True)  # a refused bundle is sent again whole, once put right
        Peer.objects.filter(pk=peer.pk).update(last_error=errors.message(exc)[:2000])
        return _refused(422, exc.code, errors.message(exc))
    tmp = ack_file.with_suffix(".tmp")
    tmp.write_bytes(ack)
    tmp.replace(ack_file)
    part.unlink(missing_ok=True)
    state = "duplicate" if getattr(record, "duplicate", False) else "applied"
    return JsonResponse({"ack": len(ack), "state": state, "entries": record.entries})


@csrf_exempt
@require_http_methods(["GET"])
def ack(request, bundle_id: str):
    """Bytes of the acknowledgement from ``offset`` (at most ``limit``)."""
    offset = _offset(request)
    limit = request.GET.get("limit", str(fmt.MAX_CHUNK))
    if offset is None or not limit.isdigit():
        return _refused(400, "offset", _("The offset and limit parameters must be whole numbers."))
    peer, refusal = _authenticate(request, "ack", bundle_id, offset)
    if refusal:
        return refusal
    ack_file = _folder("acks", peer.node_id) / f"{bundle_id}.ack"
    if not ack_file.exists():
        return _refused(404, "ack", _("No acknowledgement of this bundle is held."))
    with ack_file.open("rb") as fh:
        fh.seek(offset)
        data = fh.read(min(int(limit), fmt.MAX_CHUNK))
    response = HttpResponse(data, content_type="application/octet-stream")
    response["X-PSSM-Size"] = str(ack_file.stat().st_size)
    response["Cache-Control"] = "no-store"
    return response
