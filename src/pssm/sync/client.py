"""A depot's side of the network transport (``pssm sync run --url URL``; ADR 0014).

One run: the bundle waiting in the outbox (or a new push) is sent in chunks from the offset
the national node already holds, taken there as a whole, and its acknowledgement is fetched
in chunks and applied here. Whatever interrupts a run (the link, the power, a SIGKILL), the
next run goes on from where the bytes stopped: the outbox keeps the bundle being sent, the
inbox the part of the acknowledgement already fetched, and both sides skip what they took.
Bodies are already compressed (the bundle format)."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pssm.domain import syncformat as fmt
from pssm.domain.errors import ConflictError, gettext_noop
from pssm.journal import keys

from . import exchange, nodes
from .models import Peer

TIMEOUT = 60


class LinkError(ConflictError):
    code = "sync_link"


@dataclass
class RunResult:
    bundle: str
    sent: int  # bytes sent in this run
    received: int  # bytes of the acknowledgement fetched in this run
    state: str  # applied | duplicate
    resumed: bool


def _dirs() -> tuple[Path, Path]:
    base = Path(settings.PSSM_SYNC_DIR)
    outbox, inbox = base / "outbox", base / "inbox"
    outbox.mkdir(parents=True, exist_ok=True)
    inbox.mkdir(parents=True, exist_ok=True)
    return outbox, inbox


class _Link:
    def __init__(self, url: str, node: str, key) -> None:
        self.base = url.rstrip("/") + "/sync/api/bundles/"
        self.node, self.key = node, key

    def call(self, method, bundle, action, path="", offset=0, body=b"", query=""):
        digest = hashlib.sha256(body).hexdigest()
        message = fmt.request_message(self.node, action, bundle, offset, digest)
        url = f"{self.base}{bundle}/{path}?offset={offset}{query}"
        request = urllib.request.Request(  # noqa: S310 - the national node's URL, http(s) only
            url,
            data=body if method == "POST" else None,
            method=method,
            headers={
                "X-PSSM-Node": self.node,
                "X-PSSM-Signature": self.key.sign(message),
                "Content-Type": "application/octet-stream",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.headers
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LinkError(
                gettext_noop(
                    "The national node cannot be reached (%(reason)s). Nothing is lost: the "
                    "next run goes on from where this one stopped."
                ),
                params={"reason": str(reason)[:200]},
            ) from None


def _json(status: int, raw: bytes) -> dict:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"error": raw[:200].decode("utf-8", "replace"), "code": str(status)}


def _refused(answer: dict) -> ConflictError:
    return ConflictError(
        gettext_noop("The national node refused the bundle: %(reason)s"),
        code=f"sync_{answer.get('code') or 'refused'}",
        params={"reason": answer.get("error", "")},
    )


def run(*, user, url: str, chunk: int = 64 * 1024) -> RunResult:
    """One synchronisation over the network (see the module)."""
    if not url.startswith(("https://", "http://")):
        raise ConflictError(
            gettext_noop("The national node's address must start with https://, not %(url)s."),
            code="sync_url",
            params={"url": url[:100]},
        )
    chunk = max(256, min(int(chunk), fmt.MAX_CHUNK))
    node = nodes.require_role("depot")
    key = keys.load()
    outbox, inbox = _dirs()
    waiting = sorted(outbox.glob("*.pssm"), key=lambda p: p.stat().st_mtime)
    resumed = bool(waiting)
    if waiting:
        path = waiting[0]
        data = path.read_bytes()
    else:
        data = exchange.push(user=user)
        bundle = fmt.read_header(data)["id"]
        path = outbox / f"{bundle}.pssm"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    bundle = path.stem
    link = _Link(url, node.node_id, key)
    try:
        result = _send_and_fetch(link, bundle, data, inbox, chunk, resumed, user)
    except ConflictError as exc:
        Peer.objects.filter(node_id=node.national_node).update(last_error=str(exc)[:2000])
        raise
    path.unlink(missing_ok=True)
    return result


def _send_and_fetch(link, bundle, data, inbox, chunk, resumed, user) -> RunResult:
    ack_path = inbox / f"{bundle}.ack"
    sent = 0
    if not ack_path.exists():
        status, raw, _h = link.call("GET", bundle, "status")
        if status != 200:
            raise _refused(_json(status, raw))
        answer = _json(status, raw)
        offset = len(data) if answer.get("taken") else int(answer.get("received", 0))
        while offset < len(data):
            piece = data[offset : offset + chunk]
            status, raw, _h = link.call("POST", bundle, "chunk", offset=offset, body=piece)
            answer = _json(status, raw)
            if status not in (200, 409):
                raise _refused(answer)
            if status == 200:
                sent += len(piece)
            offset = int(answer.get("received", offset))
        if not answer.get("taken"):
            status, raw, _h = link.call("POST", bundle, "complete", path="complete/")
            if status != 200:
                raise _refused(_json(status, raw))
    state = "applied"
    part = inbox / f"{bundle}.ack.part"
    received = 0
    if not ack_path.exists():
        have = part.stat().st_size if part.exists() else 0
        size = None
        while size is None or have < size:
            status, raw, headers = link.call(
                "GET", bundle, "ack", path="ack/", offset=have, query=f"&limit={chunk}"
            )
            if status != 200:
                raise _refused(_json(status, raw))
            size = int(headers.get("X-PSSM-Size", "0"))
            if not raw and have < size:
                raise LinkError(gettext_noop("The acknowledgement stopped short."))
            with part.open("ab") as fh:
                fh.write(raw)
            have += len(raw)
            received += len(raw)
        part.replace(ack_path)
    record = exchange.receive(user=user, data=ack_path.read_bytes())
    if getattr(record, "duplicate", False):
        state = "duplicate"
    ack_path.unlink(missing_ok=True)
    return RunResult(bundle, sent, received, state, resumed)
