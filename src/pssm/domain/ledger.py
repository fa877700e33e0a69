"""Movement kinds and the invariants of the custody ledger (ISACS/MOSAIC 05.20, 05.30).

A weapon is always in exactly one place or custody: in store at a site (in one storage
location), issued to a named person or unit of that site, in transit from one site to
another, or out of custody (lost, stolen, destroyed, exported to another state) while still
accounted to a site. Every
change is a posted voucher line; :func:`apply` is the only way a holding changes, and it
raises :class:`LedgerError` instead of breaking an invariant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from .errors import ValidationError, gettext_noop


class Status(StrEnum):
    IN_STORE = "in_store"
    ISSUED = "issued"
    IN_TRANSIT = "in_transit"
    UNDER_REPAIR = "under_repair"
    LOST = "lost"
    STOLEN = "stolen"
    RECOVERED = "recovered"
    SEIZED = "seized"
    SURPLUS = "surplus"
    DESTROYED = "destroyed"
    EXPORTED = "exported"  # dispatched abroad: left the state's stockpile for good


# Statuses in which the weapon sits in a storage location of its site.
STORED = frozenset(
    {Status.IN_STORE, Status.UNDER_REPAIR, Status.RECOVERED, Status.SEIZED, Status.SURPLUS}
)
OUT_OF_CUSTODY = frozenset({Status.LOST, Status.STOLEN, Status.DESTROYED, Status.EXPORTED})
# Statuses that end a weapon's life in the stockpile: nothing moves it afterwards.
FINAL = frozenset({Status.DESTROYED, Status.EXPORTED})


class Kind(StrEnum):
    RECEIPT = "receipt"
    ISSUE = "issue"
    RETURN = "return"
    LOAN = "loan"
    TRANSFER = "transfer"  # dispatch by the sending site
    TRANSFER_RECEIPT = "transfer_receipt"  # receipt by the destination site
    LOSS = "loss"
    STATUS_CHANGE = "status_change"
    REVERSAL = "reversal"
    EXPENDITURE = "expenditure"  # ammunition fired, used or destroyed from store
    CONDITION_CHANGE = "condition_change"  # a lot's condition code changes
    DESTRUCTION = "destruction"  # weapons and lots destroyed, on a destruction certificate
    EXPORT = "export"  # weapons dispatched to another state (ATT art. 7, ITI), approved above


# Movements refused for an item frozen by an open discrepancy case: it stays where it is
# until the case is settled (a write-off, an adjustment or a return is still possible).
BLOCKED_WHEN_FROZEN = frozenset(
    {
        Kind.ISSUE,
        Kind.LOAN,
        Kind.TRANSFER,
        Kind.STATUS_CHANGE,
        Kind.EXPENDITURE,
        Kind.DESTRUCTION,
        Kind.EXPORT,
    }
)

# Kinds that move weapons only, and kinds that move ammunition lots only.
WEAPON_ONLY = frozenset({Kind.LOAN, Kind.STATUS_CHANGE, Kind.EXPORT})
# Kinds that take weapons out of the stockpile for good and are approved above the site.
APPROVED_ABOVE_SITE = frozenset({Kind.EXPORT})
LOT_ONLY = frozenset({Kind.EXPENDITURE, Kind.CONDITION_CHANGE})


class ReceiptReason(StrEnum):
    ACQUISITION = "acquisition"
    SEIZURE = "seizure"
    RECOVERY = "recovery"


class LedgerError(ValidationError):
    code = "ledger"
    default_message = gettext_noop("This movement is not possible for this weapon.")


def custodian_ref(person_id: int | None, unit: str = "") -> str:
    """How a holding names its custodian: ``person:<id>``, ``unit:<name>`` or empty."""
    if person_id:
        return f"person:{person_id}"
    return f"unit:{unit}" if unit else ""


def custodian_parts(ref: str) -> tuple[int | None, str]:
    """(person id, unit name) of a custodian reference; the inverse of :func:`custodian_ref`."""
    if ref.startswith("person:"):
        return int(ref.split(":", 1)[1]), ""
    if ref.startswith("unit:"):
        return None, ref.split(":", 1)[1]
    return None, ""


@dataclass(frozen=True)
class Holding:
    """Where a weapon is. Exactly one of location / custodian / destination is set, except
    out of custody, where none is."""

    status: Status
    site: str
    location: str = ""
    custodian: str = ""
    destination: str = ""

    def check(self) -> None:
        places = [bool(self.location), bool(self.custodian), bool(self.destination)]
        expected = {
            **{s: [True, False, False] for s in STORED},
            Status.ISSUED: [False, True, False],
            Status.IN_TRANSIT: [False, False, True],
            **{s: [False, False, False] for s in OUT_OF_CUSTODY},
        }[self.status]
        if not self.site or places != expected:
            raise LedgerError(
                gettext_noop("Inconsistent holding for status %(status)s."),
                params={"status": self.status.value},
            )

    def as_dict(self) -> dict:
        return {
            "status": self.status.value,
            "site": self.site,
            "location": self.location,
            "custodian": self.custodian,
            "destination": self.destination,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Holding | None:
        if not data:
            return None
        return cls(
            Status(data["status"]),
            data["site"],
            data.get("location", ""),
            data.get("custodian", ""),
            data.get("destination", ""),
        )


@dataclass(frozen=True)
class Line:
    """What a voucher line asks for, in plain values (codes and names)."""

    kind: Kind
    site: str  # the site whose voucher this is
    location: str = ""  # storage location receiving the weapon
    custodian: str = ""  # person or unit receiving the weapon
    destination: str = ""  # site a transfer goes to
    reason: str = ""  # receipt reason, loss kind (lost/stolen) or new status
    restore: Holding | None = None  # for a reversal: the holding before the reversed line
    reversed_after: Holding | None = None  # for a reversal: the holding the line produced


def _fail(message: str, **params) -> LedgerError:
    return LedgerError(message, params=params)


def _require(cond: bool, message: str, **params) -> None:
    if not cond:
        raise _fail(message, **params)


def _at_site(h: Holding | None, line: Line) -> Holding:
    _require(h is not None, gettext_noop("This weapon is not in the register of any site."))
    _require(
        h.site == line.site,
        gettext_noop("This weapon is held by site %(other)s, not by %(site)s."),
        other=h.site,
        site=line.site,
    )
    return h


def apply(current: Holding | None, line: Line) -> Holding:
    """The holding after ``line`` is posted, or :class:`LedgerError` naming the problem."""
    k = line.kind
    if k is Kind.RECEIPT:
        reason = ReceiptReason(line.reason or ReceiptReason.ACQUISITION)
        if current is not None:
            _require(
                current.status in {Status.LOST, Status.STOLEN} and reason is ReceiptReason.RECOVERY,
                gettext_noop("This weapon is already registered (status %(status)s at %(site)s)."),
                status=current.status.value,
                site=current.site,
            )
        _require(bool(line.location), gettext_noop("Choose the storage location."))
        status = {
            ReceiptReason.ACQUISITION: Status.IN_STORE,
            ReceiptReason.SEIZURE: Status.SEIZED,
            ReceiptReason.RECOVERY: Status.RECOVERED,
        }[reason]
        new = Holding(status, line.site, location=line.location)
    elif k in {Kind.ISSUE, Kind.LOAN}:
        h = _at_site(current, line)
        _require(
            h.status is Status.IN_STORE,
            gettext_noop("Only a weapon in store can be issued (status: %(status)s)."),
            status=h.status.value,
        )
        _require(bool(line.custodian), gettext_noop("Name the person or unit receiving it."))
        new = Holding(Status.ISSUED, h.site, custodian=line.custodian)
    elif k is Kind.RETURN:
        h = _at_site(current, line)
        _require(
            h.status is Status.ISSUED,
            gettext_noop("Only an issued weapon can be returned (status: %(status)s)."),
            status=h.status.value,
        )
        _require(bool(line.location), gettext_noop("Choose the storage location."))
        new = Holding(Status.IN_STORE, h.site, location=line.location)
    elif k is Kind.TRANSFER:
        h = _at_site(current, line)
        _require(
            h.status in STORED,
            gettext_noop("Only a weapon in store can be transferred (status: %(status)s)."),
            status=h.status.value,
        )
        _require(
            bool(line.destination) and line.destination != h.site,
            gettext_noop("Choose a destination site other than this one."),
        )
        new = Holding(Status.IN_TRANSIT, h.site, destination=line.destination)
    elif k is Kind.TRANSFER_RECEIPT:
        _require(
            current is not None
            and current.status is Status.IN_TRANSIT
            and current.destination == line.site,
            gettext_noop("This weapon is not in transit to this site."),
        )
        _require(bool(line.location), gettext_noop("Choose the storage location."))
        new = Holding(Status.IN_STORE, line.site, location=line.location)
    elif k is Kind.LOSS:
        h = _at_site(current, line)
        _require(
            h.status not in OUT_OF_CUSTODY,
            gettext_noop("This weapon is already out of custody (status: %(status)s)."),
            status=h.status.value,
        )
        _require(
            line.reason in {Status.LOST, Status.STOLEN},
            gettext_noop("Say whether the weapon was lost or stolen."),
        )
        new = Holding(Status(line.reason), h.site)
    elif k is Kind.STATUS_CHANGE:
        h = _at_site(current, line)
        allowed = {Status.IN_STORE, Status.UNDER_REPAIR, Status.SURPLUS}
        _require(
            h.status in STORED,
            gettext_noop("Only a weapon in store can change status (status: %(status)s)."),
            status=h.status.value,
        )
        _require(
            line.reason in allowed and line.reason != h.status,
            gettext_noop(
                "Choose a new status: in store, under repair or surplus (a weapon is destroyed "
                "only through a destruction certificate)."
            ),
        )
        new = replace(h, status=Status(line.reason))
    elif k is Kind.DESTRUCTION:
        h = _at_site(current, line)
        _require(
            h.status in STORED,
            gettext_noop("Only a weapon in store can be destroyed (status: %(status)s)."),
            status=h.status.value,
        )
        new = Holding(Status.DESTROYED, h.site)
    elif k is Kind.EXPORT:
        h = _at_site(current, line)
        _require(
            h.status in STORED,
            gettext_noop("Only a weapon in store can be exported (status: %(status)s)."),
            status=h.status.value,
        )
        new = Holding(Status.EXPORTED, h.site)
    elif k in LOT_ONLY:
        raise _fail(gettext_noop("This kind of voucher moves ammunition lots, not weapons."))
    elif k is Kind.REVERSAL:
        _require(
            line.reversed_after is not None and current == line.reversed_after,
            gettext_noop(
                "The weapon has moved since that voucher: reverse the later vouchers first."
            ),
        )
        if line.restore is None:
            raise _fail(gettext_noop("A receipt of a new weapon is reversed by a status change."))
        new = line.restore
    else:  # pragma: no cover - every Kind is handled above
        raise _fail(gettext_noop("Unknown movement."))
    new.check()
    return new
