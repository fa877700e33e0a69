"""Vouchers before they are posted: numbering, drafts and their lines, submission.

Every voucher of a site gets the next gapless number of the site and year when it is
created. A draft takes lines: weapons by serial (a weapon new to the register on a receipt,
with its marks), ammunition lots by quantity (:mod:`.lots`), or, on a transfer receipt, the
weapons and quantities that arrived. Each line is checked against the ledger when it is added,
so that a mistake shows at once; the posting checks everything again (:mod:`.engine`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from pssm.accounts import authz
from pssm.ammunition.models import CONDITION_CHOICES
from pssm.core.services import invalid
from pssm.domain import serials
from pssm.domain.access import Action
from pssm.domain.codes import iso_state
from pssm.domain.errors import ConflictError, NotFoundError, gettext_noop
from pssm.domain.ledger import (
    APPROVED_ABOVE_SITE,
    BLOCKED_WHEN_FROZEN,
    Kind,
    LedgerError,
    Line,
    ReceiptReason,
    Status,
    apply,
    custodian_ref,
)
from pssm.journal.services import journal_append
from pssm.registry.models import Weapon, WeaponType
from pssm.sites.models import Site, StorageLocation

from . import lots, tell
from .engine import frozen_error, holding_of
from .models import Voucher, VoucherLine, VoucherSequence

NEW_WEAPON_FIELDS = (
    "manufacturer",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_country",
    "import_year",
    "ownership_mark",
    "marking_locations",
    "other_parts",
)


def _now() -> datetime:
    return datetime.now(UTC)


# --- numbering ---------------------------------------------------------------------------


def next_number(site: Site, year: int) -> tuple[int, str]:
    """The next gapless number of ``site`` in ``year`` (locks the site's counter row)."""
    try:
        with transaction.atomic():
            VoucherSequence.objects.get_or_create(site=site, year=year)
    except IntegrityError:
        pass  # created by a concurrent transaction
    row = VoucherSequence.objects.select_for_update().get(site=site, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last, f"{site.code}/{year}/{row.last:06d}"


# --- creating and editing drafts ---------------------------------------------------------


def _check_location(location, site, field="location"):
    if location is None:
        raise invalid(gettext_noop("Choose the storage location."), field)
    if location.building.site_id != site.pk:
        raise invalid(gettext_noop("This storage location belongs to another site."), field)
    if not location.is_active:
        raise invalid(gettext_noop("This storage location is closed."), field)


def voucher_create(
    *,
    actor,
    site: Site,
    kind: str,
    reason: str = "",
    location=None,
    custodian=None,
    custodian_unit: str = "",
    destination=None,
    dispatch=None,
    notes: str = "",
    order_reference: str = "",
    planned_destruction: bool = False,
    **documents,
) -> Voucher:
    """Open a draft voucher of ``site``. Kind-specific header fields are checked here;
    ``documents`` are the import record of a receipt from abroad (importer, import_date,
    exporting_state, import_licence, end_user_certificate), the export record of a dispatch
    abroad (importing_state, export_licence, end_user_certificate, importer) or the police
    report of a loss."""
    authz.check(actor, Action.VOUCHER_PREPARE, site)
    try:
        k = Kind(kind)
    except ValueError:
        raise invalid(gettext_noop("Unknown voucher kind."), "kind") from None
    documents = _documents(k, documents, site)
    custodian_unit = (custodian_unit or "").strip()
    if k is Kind.RECEIPT:
        if reason not in set(ReceiptReason):
            raise invalid(
                gettext_noop("Say whether this is an acquisition, a seizure or a recovery."),
                "reason",
            )
        _check_location(location, site)
    elif k in {Kind.ISSUE, Kind.LOAN}:
        if bool(custodian) == bool(custodian_unit):
            raise invalid(
                gettext_noop("Name either a person or a unit receiving the weapons."), "custodian"
            )
        if custodian is not None and custodian.site_id != site.pk:
            raise invalid(gettext_noop("This person belongs to another site."), "custodian")
    elif k is Kind.RETURN:
        if location is not None:  # none: each weapon goes back where it was issued from
            _check_location(location, site)
    elif k is Kind.TRANSFER:
        if destination is None or destination.pk == site.pk:
            raise invalid(
                gettext_noop("Choose a destination site other than this one."), "destination"
            )
    elif k is Kind.TRANSFER_RECEIPT:
        if (
            dispatch is None
            or dispatch.kind != Kind.TRANSFER
            or dispatch.state != Voucher.State.POSTED
            or dispatch.destination_id != site.pk
        ):
            raise invalid(gettext_noop("Choose a posted transfer sent to this site."), "dispatch")
        _check_location(location, site)
        outstanding = _outstanding_lines(dispatch)
        if not outstanding:
            raise invalid(
                gettext_noop("Everything sent by transfer %(number)s has been received."),
                "dispatch",
                number=dispatch.number,
            )
    elif k is Kind.LOSS:
        if reason not in {Status.LOST, Status.STOLEN}:
            raise invalid(gettext_noop("Say whether the weapons were lost or stolen."), "reason")
    elif k is Kind.STATUS_CHANGE:
        if reason not in {Status.IN_STORE, Status.UNDER_REPAIR, Status.SURPLUS}:
            raise invalid(gettext_noop("Choose the new status."), "reason")
    elif k is Kind.CONDITION_CHANGE:
        # Only an ammunition technician assigns a condition code (IATG 07.20; SB 742-1).
        authz.check(actor, Action.AMMUNITION_MANAGE, site)
        if reason not in {code for code, _label in CONDITION_CHOICES}:
            raise invalid(gettext_noop("Choose the new condition code."), "reason")
    elif k is Kind.REVERSAL:
        raise invalid(gettext_noop("A reversal is made from the voucher it reverses."), "kind")
    elif k is Kind.DESTRUCTION and not planned_destruction:
        raise invalid(
            gettext_noop("A destruction is planned from the destructions page, with its method."),
            "kind",
        )
    now = _now()
    with transaction.atomic():
        seq, number = next_number(site, now.year)
        voucher = Voucher.objects.create(
            site=site,
            year=now.year,
            seq=seq,
            number=number,
            kind=k.value,
            above_site=k in APPROVED_ABOVE_SITE,
            reason=reason or "",
            location=location,
            custodian=custodian,
            custodian_unit=custodian_unit,
            destination=destination,
            dispatch=dispatch,
            notes=notes,
            order_reference=(order_reference or "").strip()[:120],
            prepared_by=actor,
            **documents,
        )
        if k is Kind.TRANSFER_RECEIPT:
            VoucherLine.objects.bulk_create(
                VoucherLine(
                    voucher=voucher,
                    weapon_id=line.weapon_id,
                    serial=line.serial,
                    lot_id=line.lot_id,
                    quantity=line.quantity,
                    received=False,
                )
                for line in outstanding
            )
        journal_append(
            actor=actor, kind="voucher.created", payload=voucher_header(voucher), scope=site.scope
        )
    return voucher


IMPORT_FIELDS = (
    "importer",
    "import_date",
    "exporting_state",
    "import_licence",
    "end_user_certificate",
)
EXPORT_FIELDS = ("importing_state", "export_licence", "end_user_certificate", "importer")


_iso_state = iso_state


def _documents(k: Kind, given: dict, site: Site) -> dict:
    """The document fields a kind of voucher takes, checked: an import record on a receipt
    (the exporting state as an ISO code, the import date not in the future; both needed as
    soon as any import field is given), an export record on a dispatch abroad (the importing
    state, another state than the site's, the export licence and the end-user certificate,
    all needed), a police report reference on a loss."""
    allowed = {
        Kind.RECEIPT: set(IMPORT_FIELDS),
        Kind.EXPORT: set(EXPORT_FIELDS),
        Kind.LOSS: {"police_report"},
    }.get(k, set())
    unknown = {name for name, value in given.items() if value not in (None, "")} - allowed
    if unknown:
        raise invalid(
            gettext_noop("This kind of voucher does not take: %(fields)s."),
            sorted(unknown)[0],
            fields=", ".join(sorted(unknown)),
        )
    out = {}
    for name in allowed:
        value = given.get(name)
        if name == "import_date":
            out[name] = value or None
        else:
            out[name] = (value or "").strip()
    if k is Kind.EXPORT:
        out["importing_state"] = _iso_state(out["importing_state"], "importing_state")
        if out["importing_state"] == site.organisation.country.code:
            raise invalid(
                gettext_noop("An export goes to another state than %(country)s."),
                "importing_state",
                country=site.organisation.country.code,
            )
        for name, message in (
            ("export_licence", gettext_noop("Give the export licence or authorisation number.")),
            ("end_user_certificate", gettext_noop("Give the end-user certificate reference.")),
        ):
            if not out[name]:
                raise invalid(message, name)
    if k is Kind.RECEIPT and any(out[n] for n in IMPORT_FIELDS):
        out["exporting_state"] = _iso_state(out["exporting_state"], "exporting_state")
        when = out["import_date"]
        if when is None:
            raise invalid(gettext_noop("Give the date of import."), "import_date")
        if when > _now().date():
            raise invalid(
                gettext_noop("The date of import cannot be in the future."), "import_date"
            )
    return out


def voucher_header(voucher: Voucher) -> dict:
    return {
        "number": voucher.number,
        "kind": voucher.kind,
        "reason": voucher.reason,
        "site": voucher.site.code,
        "location": voucher.location.code if voucher.location_id else "",
        "custodian": str(voucher.custodian) if voucher.custodian_id else voucher.custodian_unit,
        "destination": voucher.destination.code if voucher.destination_id else "",
        "dispatch": voucher.dispatch.number if voucher.dispatch_id else "",
        "reverses": voucher.reverses.number if voucher.reverses_id else "",
        **documents_of(voucher),
    }


def documents_of(voucher) -> dict:
    """The document fields a voucher carries, for its journal entries (empty ones left out)."""
    out = {}
    for name in (*IMPORT_FIELDS, *EXPORT_FIELDS[:2], "police_report", "order_reference"):
        value = getattr(voucher, name, None)
        if value not in (None, ""):
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _lock_draft(actor, voucher: Voucher) -> Voucher:
    locked = lock_voucher(voucher)
    authz.check(actor, Action.VOUCHER_PREPARE, locked)
    if locked.state != Voucher.State.DRAFT:
        raise ConflictError(
            gettext_noop("Voucher %(number)s is %(state)s: only a draft can be changed."),
            params={"number": locked.number, "state": locked.state},
        )
    return locked


def _find_weapon(actor, voucher: Voucher, serial: str, weapon_type=None) -> Weapon:
    """The weapon of the voucher's site with ``serial``. A serial the actor may not see
    elsewhere gets the same answer as a serial that does not exist: a storekeeper cannot probe
    the national register through a voucher (issue 17)."""
    norm = serials.normalise(serial)
    if not norm:
        raise invalid(gettext_noop("Type the serial number."), "serial")
    qs = Weapon.objects.filter(serial_norm=norm).select_related("site", "location", "destination")
    if weapon_type is not None:
        qs = qs.filter(weapon_type=weapon_type)
    found = list(qs[:5])
    here = [
        w
        for w in found
        if w.site_id == voucher.site_id
        or (voucher.kind == Kind.TRANSFER_RECEIPT and w.destination_id == voucher.site_id)
    ]
    if len(here) == 1:
        return here[0]
    if len(here) > 1:
        raise invalid(
            gettext_noop("Several weapons of this site have serial %(serial)s: choose the type."),
            "weapon_type",
            serial=serial,
        )
    if any(authz.can(actor, Action.SERIALS_VIEW, w.site) for w in found):
        raise LedgerError(
            gettext_noop(
                "The weapon with serial %(serial)s is held by another site, not by %(site)s."
            ),
            params={"serial": serial, "site": voucher.site.code},
            details={"serial": gettext_noop("Held by another site.")},
        )
    raise NotFoundError(
        gettext_noop("No weapon with serial %(serial)s at this site."),
        params={"serial": serial},
        details={"serial": gettext_noop("Not held at this site.")},
    )


def _line_for_ledger(voucher: Voucher, vline: VoucherLine | None = None) -> Line:
    custodian = custodian_ref(voucher.custodian_id, voucher.custodian_unit)
    location = ""
    if vline is not None and vline.location_id:
        location = vline.location.code
    elif voucher.location_id:
        location = voucher.location.code
    return Line(
        Kind(voucher.kind),
        voucher.site.code,
        location=location,
        custodian=custodian,
        destination=voucher.destination.code if voucher.destination_id else "",
        reason=voucher.reason,
    )


def voucher_line_add(
    *,
    actor,
    voucher: Voucher,
    serial: str,
    weapon_type: WeaponType | None = None,
    location: StorageLocation | None = None,
    details: dict | None = None,
) -> VoucherLine:
    """Add a weapon to a draft, by serial. For the receipt of a weapon new to the register,
    ``weapon_type`` is required and ``details`` may carry its marks (see NEW_WEAPON_FIELDS).
    On a transfer receipt, marks the weapon as received (or records an unexpected one)."""
    with transaction.atomic():
        voucher = _lock_draft(actor, voucher)
        line = _add_line(actor, voucher, serial, weapon_type, location, details)
        journal_append(
            actor=actor,
            kind="voucher.line_added",
            payload={"number": voucher.number, "serial": line.serial},
            scope=voucher.scope,
        )
    return line


def _add_line(actor, voucher, serial, weapon_type, location, details) -> VoucherLine:
    serial_clean = serials.clean(serial)
    if len(serial_clean) > serials.MAX_SERIAL_LENGTH:
        raise invalid(gettext_noop("A serial number has at most 64 characters."), "serial")
    if location is not None:
        _check_location(location, voucher.site)
    k = voucher.kind_enum
    if k is Kind.RECEIPT and voucher.reason != ReceiptReason.RECOVERY:
        return _new_weapon_line(voucher, serial_clean, weapon_type, location, details or {})
    if k is Kind.TRANSFER_RECEIPT:
        return _mark_received(voucher, serial_clean, weapon_type)
    weapon = _find_weapon(actor, voucher, serial_clean, weapon_type)
    if voucher.lines.filter(weapon=weapon).exists():
        raise ConflictError(
            gettext_noop("Serial %(serial)s is already on this voucher."),
            params={"serial": weapon.serial},
            details={"serial": gettext_noop("Already on this voucher.")},
        )
    if k is Kind.RETURN and location is None and voucher.location_id is None:
        location = came_from(weapon, voucher.site)
    line = VoucherLine(voucher=voucher, weapon=weapon, serial=weapon.serial, location=location)
    if weapon.on_hold and k in BLOCKED_WHEN_FROZEN:
        raise frozen_error(weapon.pk, weapon.serial)
    apply(holding_of(weapon), _line_for_ledger(voucher, line))  # fail early
    line.save()
    return line


def came_from(weapon: Weapon, site: Site) -> StorageLocation | None:
    """The storage location a weapon was issued or lent from (where a return puts it back by
    default), if it is still an active location of ``site``."""
    issued = (
        VoucherLine.objects.filter(
            weapon=weapon,
            voucher__kind__in=[Kind.ISSUE, Kind.LOAN],
            voucher__state=Voucher.State.POSTED,
        )
        .order_by("-voucher__posted_at", "-pk")
        .values_list("before", flat=True)
        .first()
    )
    code = (issued or {}).get("location") if isinstance(issued, dict) else None
    if not code:
        return None
    return StorageLocation.objects.filter(building__site=site, code=code, is_active=True).first()


def _new_weapon_line(voucher, serial, weapon_type, location, details) -> VoucherLine:
    if weapon_type is None:
        raise invalid(gettext_noop("Choose the weapon type."), "weapon_type")
    norm = serials.normalise(serial)
    if not norm:
        raise invalid(gettext_noop("Type the serial number."), "serial")
    existing = Weapon.objects.filter(weapon_type=weapon_type, serial_norm=norm).first()
    if existing is not None:
        raise ConflictError(
            gettext_noop(
                "A %(type)s with serial %(serial)s is already registered (written %(existing)s)."
            ),
            params={"type": str(weapon_type), "serial": serial, "existing": existing.serial},
            details={"serial": gettext_noop("Already registered.")},
        )
    if voucher.lines.filter(
        new_weapon__weapon_type=weapon_type.pk, new_weapon__serial_norm=norm
    ).exists():
        raise ConflictError(
            gettext_noop("Serial %(serial)s is already on this voucher."),
            params={"serial": serial},
            details={"serial": gettext_noop("Already on this voucher.")},
        )
    unknown = set(details) - set(NEW_WEAPON_FIELDS)
    if unknown:
        raise invalid(
            gettext_noop("Unknown fields: %(fields)s."),
            "details",
            fields=", ".join(sorted(unknown)),
        )
    probe = Weapon(
        serial=serial,
        serial_norm=norm,
        weapon_type=weapon_type,
        owner=voucher.site.organisation,
        site=voucher.site,
        status=Status.IN_STORE.value,
        location=location or voucher.location,
        **{k: v for k, v in details.items() if v not in (None, "")},
    )
    from pssm.core.services import validate_instance

    # Foreign keys were chosen from existing rows above; check the scalar fields only.
    validate_instance(
        probe,
        exclude=[
            "serial_norm",
            "weapon_type",
            "owner",
            "site",
            "location",
            "custodian",
            "destination",
        ],
        constraints=False,
    )
    data = {
        "weapon_type": weapon_type.pk,
        "serial_norm": norm,
        **{k: getattr(probe, k) for k in NEW_WEAPON_FIELDS},
    }
    return VoucherLine.objects.create(
        voucher=voucher, serial=serial, new_weapon=data, location=location
    )


def _outstanding_lines(dispatch: Voucher) -> list[VoucherLine]:
    """The lines a receipt of a posted dispatch lists: its weapons still in transit to the
    destination, and one line per lot with units still to receive, its quantity being the
    units sent less those received by the posted receipts (a late receipt after a shortfall
    lists only what is still on the way)."""
    weapons = dispatch.lines.filter(
        weapon__status=Status.IN_TRANSIT, weapon__destination_id=dispatch.destination_id
    ).order_by("pk")
    outstanding = {
        lot_id: sent - got
        for lot_id, (sent, got, _listed) in lots.lots_outstanding(dispatch.pk).items()
        if sent > got
    }
    lot_lines = []
    for line in dispatch.lines.filter(lot_id__in=list(outstanding)).order_by("pk"):
        if line.lot_id in outstanding:  # a lot sent from two locations is received as one
            line.quantity = outstanding.pop(line.lot_id)
            lot_lines.append(line)
    return [*weapons, *lot_lines]


def _mark_received(voucher, serial, weapon_type) -> VoucherLine:
    """Tick a scanned serial on a transfer receipt: one indexed read of the line, whatever
    the number of lines on the voucher."""
    norm = serials.normalise(serial)
    candidates = voucher.lines.filter(weapon__serial_norm=norm).select_related("weapon")
    if weapon_type is not None:
        candidates = candidates.filter(weapon__weapon_type=weapon_type)
    found = list(candidates.order_by("received", "pk")[:1])
    if found:
        line = found[0]
        if line.received:
            raise ConflictError(
                gettext_noop("Serial %(serial)s was already scanned."),
                params={"serial": serial},
                details={"serial": gettext_noop("Scanned twice.")},
            )
        line.received = True
        line.save(update_fields=["received"])
        return line
    if voucher.lines.filter(weapon__isnull=True, serial=serial).exists():
        raise ConflictError(
            gettext_noop("Serial %(serial)s was already scanned."), params={"serial": serial}
        )
    # Not on the dispatch voucher: recorded, and becomes a discrepancy at posting.
    return VoucherLine.objects.create(voucher=voucher, serial=serial, received=True)


def voucher_line_remove(*, actor, line: VoucherLine) -> None:
    with transaction.atomic():
        voucher = _lock_draft(actor, line.voucher)
        if voucher.kind == Kind.TRANSFER_RECEIPT and (line.weapon_id or line.lot_id):
            VoucherLine.objects.filter(pk=line.pk).update(received=False, quantity_received=None)
        else:
            VoucherLine.objects.filter(pk=line.pk).delete()
        journal_append(
            actor=actor,
            kind="voucher.line_removed",
            payload={
                "number": voucher.number,
                "serial": line.serial,
                "lot": line.lot.lot_number if line.lot_id else "",
            },
            scope=voucher.scope,
        )


def voucher_lot_line_add(
    *,
    actor,
    voucher: Voucher,
    lot_number: str,
    quantity,
    nature=None,
    location: StorageLocation | None = None,
    details: dict | None = None,
) -> VoucherLine:
    """Add an ammunition lot to a draft: ``quantity`` units of lot ``lot_number``. A receipt
    of a lot new to the register needs its ``nature`` (and may carry ``details``:
    manufacturer, year_of_manufacture, condition_code). On a transfer receipt, records the
    quantity received."""
    with transaction.atomic():
        voucher = _lock_draft(actor, voucher)
        line = lots.lot_line_add(
            voucher,
            lot_number=lot_number,
            quantity=quantity,
            nature=nature,
            location=location,
            details=details,
        )
        journal_append(
            actor=actor,
            kind="voucher.line_added",
            payload={
                "number": voucher.number,
                "lot": line.lot.lot_number,
                "nature": line.lot.nature.code,
                "quantity": line.quantity,
                "quantity_received": line.quantity_received,
                "location": line.location.code if line.location_id else "",
            },
            scope=voucher.scope,
        )
    return line


# --- lifecycle -----------------------------------------------------------------------------


def lock_voucher(voucher: Voucher) -> Voucher:
    # Only the voucher row is locked (``of=self``): its site, country and preparer are read.
    return (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("site", "site__organisation__country", "prepared_by")
        .get(pk=voucher.pk)
    )


def state_conflict(voucher: Voucher, wanted: str) -> ConflictError:
    return ConflictError(
        gettext_noop(
            "Voucher %(number)s is %(state)s, not %(wanted)s: it may have been handled already."
        ),
        params={"number": voucher.number, "state": voucher.state, "wanted": wanted},
    )


def voucher_submit(*, actor, voucher: Voucher) -> Voucher:
    with transaction.atomic():
        v = lock_voucher(voucher)
        authz.check(actor, Action.VOUCHER_PREPARE, v)
        if v.state != Voucher.State.DRAFT:
            raise state_conflict(v, "draft")
        if not v.lines.exists():
            raise invalid(gettext_noop("Add at least one line before submitting."))
        if v.kind == Kind.DESTRUCTION and not getattr(
            getattr(v, "destruction", None), "recorded_at", None
        ):
            raise invalid(
                gettext_noop(
                    "Record what was destroyed and its witnesses before submitting the destruction."
                ),
                "witnesses",
            )
        v.state, v.submitted_at = Voucher.State.SUBMITTED, _now()
        v.save(update_fields=["state", "submitted_at"])
        journal_append(
            actor=actor, kind="voucher.submitted", payload={"number": v.number}, scope=v.scope
        )
        tell.submitted(actor, v)
    return v


def voucher_reverse(*, actor, voucher: Voucher, notes: str = "") -> Voucher:
    """Open a draft reversal of a posted voucher: one line per weapon it moved."""
    authz.check(actor, Action.VOUCHER_PREPARE, voucher)
    if voucher.state != Voucher.State.POSTED:
        raise state_conflict(voucher, "posted")
    if voucher.kind == Kind.REVERSAL:
        raise invalid(gettext_noop("A reversal is not reversed: post the movement again."))
    lines = list(voucher.lines.filter(after__isnull=False))
    if any(line.before is None and line.lot_id is None for line in lines):
        raise invalid(
            gettext_noop(
                "A receipt of weapons new to the register is corrected by "
                "a status change, not a reversal."
            )
        )
    now = _now()
    with transaction.atomic():
        seq, number = next_number(voucher.site, now.year)
        reversal = Voucher.objects.create(
            site=voucher.site,
            year=now.year,
            seq=seq,
            number=number,
            kind=Kind.REVERSAL.value,
            reverses=voucher,
            prepared_by=actor,
            notes=notes or f"Reversal of {voucher.number}",
        )
        VoucherLine.objects.bulk_create(
            VoucherLine(
                voucher=reversal,
                weapon_id=line.weapon_id,
                serial=line.serial,
                lot_id=line.lot_id,
                quantity=line.quantity,
                reversed_line=line,
            )
            for line in lines
        )
        journal_append(
            actor=actor,
            kind="voucher.created",
            payload=voucher_header(reversal),
            scope=reversal.scope,
        )
    return reversal
