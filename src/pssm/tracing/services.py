"""Writes of tracing: transfer documents and their attachments, trace requests and their
answers. One transaction per call, each journaled. Weapons never move here: the voucher a
transfer document belongs to is posted by the movement engine."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain import codes, reporting
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, gettext_noop
from pssm.domain.ledger import Kind, ReceiptReason
from pssm.journal.services import journal_append
from pssm.registry.models import Weapon, WeaponType

from .models import TraceRequest, TransferAttachment, TransferDocument

DOCUMENT_FIELDS = (
    "counterpart_state",
    "importer",
    "exporter",
    "licence_number",
    "end_user_certificate",
    "regional_exemption",
    "carrier",
    "shipped_on",
    "arrived_on",
    "att_category",
    "notes",
)
ATTACHMENT_MAX_MB = 10


def _today() -> date:
    return timezone.localdate()


_iso_state = codes.iso_state


def _voucher_types(voucher) -> list[WeaponType]:
    ids = set()
    for weapon_type_id, new in voucher.lines.values_list("weapon__weapon_type_id", "new_weapon"):
        if weapon_type_id:
            ids.add(weapon_type_id)
        elif new and new.get("weapon_type"):
            ids.add(new["weapon_type"])
    return list(WeaponType.objects.filter(pk__in=ids))


def _clean_document(voucher, values: dict) -> dict:
    unknown = set(values) - set(DOCUMENT_FIELDS)
    if unknown:
        raise invalid(
            gettext_noop("Unknown fields: %(fields)s."),
            sorted(unknown)[0],
            fields=", ".join(sorted(unknown)),
        )
    out = {}
    for name in DOCUMENT_FIELDS:
        value = values.get(name)
        out[name] = value if name in {"shipped_on", "arrived_on"} else (value or "").strip()
    export = voucher.kind == Kind.EXPORT
    on_voucher = voucher.importing_state if export else voucher.exporting_state
    out["counterpart_state"] = _iso_state(
        out["counterpart_state"] or on_voucher, "counterpart_state"
    )
    if out["counterpart_state"] == voucher.site.organisation.country.code:
        raise invalid(
            gettext_noop("The counterpart state is another state than the receiving one.")
            if not export
            else gettext_noop("The counterpart state is another state than the exporting one."),
            "counterpart_state",
        )
    out["licence_number"] = out["licence_number"] or (
        voucher.export_licence if export else voucher.import_licence
    )
    out["end_user_certificate"] = out["end_user_certificate"] or voucher.end_user_certificate
    out["importer"] = out["importer"] or voucher.importer
    if not (out["licence_number"] or out["regional_exemption"]):
        raise invalid(
            gettext_noop("Give the licence number or the regional exemption number."),
            "licence_number",
        )
    on = out["arrived_on"] or out["shipped_on"] or voucher.import_date or _today()
    instrument = reporting.instrument_for(voucher.site.organisation.country.code, on)
    if out["regional_exemption"] and not instrument.exemption_number:
        raise invalid(
            gettext_noop(
                "No regional instrument binding this country on %(date)s grants exemption "
                "numbers: leave the regional exemption number empty."
            ),
            "regional_exemption",
            date=on.isoformat(),
        )
    today = _today()
    for name in ("shipped_on", "arrived_on"):
        if out[name] and out[name] > today:
            raise invalid(gettext_noop("This date cannot be in the future."), name)
    if out["shipped_on"] and out["arrived_on"] and out["arrived_on"] < out["shipped_on"]:
        raise invalid(
            gettext_noop("The shipment cannot arrive before it was shipped."), "arrived_on"
        )
    if out["att_category"]:
        for weapon_type in _voucher_types(voucher):
            reporting.check_att_category(
                out["att_category"], weapon_type.category, weapon_type.calibre
            )
    return out


def transfer_document_save(*, actor, voucher, **values) -> TransferDocument:
    """Record (or correct) the documents of a receipt from abroad or of a dispatch abroad: the
    counterpart state, the importer and exporter, the licence, the end-user certificate, the
    regional exemption number (only where the country's instrument grants one), the carrier
    and the dates. The fields the voucher already holds (the exporting or importing state,
    importer, licence, end-user certificate) are taken from it when left empty here.
    ValidationError naming the field."""
    authz.check(actor, Action.VOUCHER_PREPARE, voucher.site)
    import_ = voucher.kind == Kind.RECEIPT and voucher.reason == ReceiptReason.ACQUISITION
    if not (import_ or voucher.kind == Kind.EXPORT):
        raise invalid(
            gettext_noop(
                "Transfer documents go on a receipt by acquisition (weapons from abroad) or on "
                "an export (weapons dispatched abroad)."
            ),
            "voucher",
        )
    if voucher.state == voucher.State.CANCELLED:
        raise invalid(gettext_noop("This voucher is cancelled."), "voucher")
    clean = _clean_document(voucher, values)
    with transaction.atomic():
        document = TransferDocument.objects.select_for_update().filter(voucher=voucher).first()
        created = document is None
        if created:
            document = TransferDocument(
                voucher=voucher,
                direction=TransferDocument.Direction.IMPORT
                if import_
                else TransferDocument.Direction.EXPORT,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        changed = {
            k: [_plain(getattr(document, k)), _plain(v)]
            for k, v in clean.items()
            if getattr(document, k) != v
        }
        for k, v in clean.items():
            setattr(document, k, v)
        document.save()
        journal_append(
            actor=actor,
            kind="transfer_document.created" if created else "transfer_document.changed",
            payload={
                "voucher": voucher.number,
                "direction": document.direction,
                **({k: _plain(v) for k, v in clean.items()} if created else {"changed": changed}),
            },
            scope=voucher.site.scope,
        )
    return document


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _attachments_dir():
    return settings.PSSM_PHOTO_DIR.parent / "attachments"


def transfer_attachment_add(*, actor, document, upload, caption: str = "") -> TransferAttachment:
    """Attach a scan to a transfer document: a PDF (kept as sent) or a photo (decoded and
    written again, as every photo). ValidationError naming ``file`` otherwise."""
    authz.check(actor, Action.VOUCHER_PREPARE, document.voucher.site)
    limit = ATTACHMENT_MAX_MB * 1024 * 1024
    if upload is None or not getattr(upload, "size", 0):
        raise invalid(gettext_noop("Choose the file to attach."), "file")
    if upload.size > limit:
        raise invalid(
            gettext_noop("The file is too large: %(size)s MB, at most %(max)s MB."),
            "file",
            size=round(upload.size / 1024 / 1024, 1),
            max=ATTACHMENT_MAX_MB,
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        raw = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
        if b"%%EOF" not in raw[-1024:]:
            raise invalid(gettext_noop("This PDF is incomplete (no end of file)."), "file")
        sha = hashlib.sha256(raw).hexdigest()
        folder = _attachments_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(raw)
            os.replace(temp, folder / sha)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        fields = {"sha256": sha, "content_type": "application/pdf", "size": len(raw)}
    else:
        from pssm.core.photos import store_photo

        try:
            stored = store_photo(upload, field="file")
        except Exception as exc:
            if getattr(exc, "code", "") != "invalid":
                raise
            raise invalid(
                gettext_noop("Attach a PDF or a photo (JPEG, PNG or WebP) of the document."),
                "file",
            ) from None
        fields = {"sha256": stored.sha256, "content_type": stored.content_type, "size": stored.size}
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    with transaction.atomic():
        attachment = TransferAttachment.objects.create(
            document=document,
            caption=(caption or "").strip()[:200],
            name=name,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            **fields,
        )
        journal_append(
            actor=actor,
            kind="transfer_document.attachment_added",
            payload={"voucher": document.voucher.number, "name": name, **fields},
            scope=document.voucher.site.scope,
        )
    return attachment


def attachment_path(attachment: TransferAttachment):
    if attachment.content_type == "application/pdf":
        return _attachments_dir() / attachment.sha256
    return settings.PSSM_PHOTO_DIR / attachment.sha256


# --- trace requests ------------------------------------------------------------------------


def _next_number(country, year: int) -> str:
    # Numbers run per country: its row is locked while the next one is taken.
    type(country).objects.select_for_update().filter(pk=country.pk).first()
    prefix = f"TR-{country.code}-{year}-"
    last = (
        TraceRequest.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def trace_request_create(
    *,
    actor,
    country,
    direction: str,
    requester_kind: str,
    counterpart: str,
    received_on: date | None,
    deadline: date | None,
    counterpart_reference: str = "",
    make: str = "",
    model: str = "",
    calibre: str = "",
    serial: str = "",
    marks: str = "",
    notes: str = "",
) -> TraceRequest:
    """Record a trace request received (from a state, INTERPOL or a UN panel) or sent.
    ValidationError naming the field when the weapon is not identified well enough to search
    (the marks and the make, model or calibre), or the dates do not hold."""
    authz.check(actor, Action.TRACE_MANAGE, country)
    if direction not in TraceRequest.Direction.values:
        raise invalid(gettext_noop("Say whether the request was received or sent."), "direction")
    if requester_kind not in TraceRequest.Requester.values:
        raise invalid(
            gettext_noop("Say whether the other party is a state, INTERPOL or a UN panel."),
            "requester_kind",
        )
    counterpart = (counterpart or "").strip()
    if not counterpart:
        raise invalid(gettext_noop("Name the other party of the request."), "counterpart")
    norm = reporting.check_identification(
        serial=serial, marks=marks, make=make, model=model, calibre=calibre
    )
    if received_on is None:
        raise invalid(
            gettext_noop("Give the date the request was received or sent."), "received_on"
        )
    if received_on > _today():
        raise invalid(gettext_noop("This date cannot be in the future."), "received_on")
    if deadline is None:
        raise invalid(gettext_noop("Give the date the answer is due."), "deadline")
    if deadline < received_on:
        raise invalid(
            gettext_noop("The answer cannot be due before the request was received."),
            "deadline",
        )
    with transaction.atomic():
        request = TraceRequest.objects.create(
            country=country,
            number=_next_number(country, received_on.year),
            direction=direction,
            requester_kind=requester_kind,
            counterpart=counterpart[:150],
            counterpart_reference=(counterpart_reference or "").strip()[:80],
            make=(make or "").strip()[:80],
            model=(model or "").strip()[:80],
            calibre=(calibre or "").strip()[:40],
            serial=(serial or "").strip()[:64],
            serial_norm=norm if (serial or "").strip() else "",
            marks=(marks or "").strip()[:200],
            received_on=received_on,
            deadline=deadline,
            notes=notes or "",
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        journal_append(
            actor=actor,
            kind="trace_request.created",
            payload={
                "number": request.number,
                "direction": direction,
                "requester_kind": requester_kind,
                "counterpart": request.counterpart,
                "serial": request.serial,
                "make": request.make,
                "model": request.model,
                "calibre": request.calibre,
                "marks": request.marks,
                "received_on": received_on.isoformat(),
                "deadline": deadline.isoformat(),
            },
            scope=request.scope,
        )
    return request


def trace_request_answer(
    *,
    actor,
    request: TraceRequest,
    outcome: str,
    answer: str,
    weapon: Weapon | None = None,
    answered_on: date | None = None,
) -> TraceRequest:
    """Close a trace request with its answer: the weapon identified in the registry (its
    history makes the answer document) or why it was not."""
    authz.check(actor, Action.TRACE_MANAGE, request)
    if outcome not in TraceRequest.Outcome.values:
        raise invalid(gettext_noop("Choose the outcome of the request."), "outcome")
    answer = (answer or "").strip()
    if not answer:
        raise invalid(gettext_noop("Write the answer."), "answer")
    if outcome == TraceRequest.Outcome.IDENTIFIED:
        if weapon is None:
            raise invalid(gettext_noop("Choose the weapon identified."), "weapon")
        if weapon.site.organisation.country_id != request.country_id:
            raise invalid(
                gettext_noop("This weapon is in the registry of another country."), "weapon"
            )
    elif weapon is not None:
        raise invalid(
            gettext_noop("A weapon is named only when the outcome is that it was identified."),
            "weapon",
        )
    answered_on = answered_on or _today()
    if answered_on < request.received_on or answered_on > _today():
        raise invalid(
            gettext_noop("The answer date lies between the request and today."), "answered_on"
        )
    with transaction.atomic():
        locked = TraceRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != TraceRequest.State.OPEN:
            raise ConflictError(gettext_noop("This trace request is already answered."))
        locked.state = TraceRequest.State.ANSWERED
        locked.outcome = outcome
        locked.answer = answer
        locked.weapon = weapon
        locked.answered_on = answered_on
        locked.answered_by = actor if getattr(actor, "pk", None) else None
        locked.save()
        journal_append(
            actor=actor,
            kind="trace_request.answered",
            payload={
                "number": locked.number,
                "outcome": outcome,
                "weapon": str(weapon.uuid) if weapon else "",
                "serial": weapon.serial if weapon else "",
                "answered_on": answered_on.isoformat(),
                "on_time": answered_on <= locked.deadline,
            },
            scope=locked.scope,
        )
    return locked
