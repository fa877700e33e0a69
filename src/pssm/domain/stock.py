"""Ammunition lots: lot numbers (IATG 03.20 / MIL-STD-1168C) and the quantity ledger.

A lot's units lie in storage locations or travel between sites. A posted voucher line moves a
whole number of units; :func:`lot_deltas` says which balances change and by how much, and
:func:`apply_deltas` refuses any change that would leave a balance negative. Lots are never
merged; a suspended or unserviceable lot cannot be issued (rule ``COND.ISSUABLE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ValidationError, gettext_noop
from .ledger import Kind
from .rules import RuleSet, load

# MIL-STD-1168C: manufacturer (1-3 letters), year (2 digits), month (A-M without I),
# interfix (3 digits), hyphen or lot-identifier letter, sequence (3 digits), suffix letters.
IATG_LOT = re.compile(r"^[A-Z]{1,3}\d{2}[A-HJ-M]\d{3}[-A-Z]\d{3}[A-Z]{0,3}$")
FREE_LOT = re.compile(r"^[A-Z0-9][A-Z0-9./\-]{0,39}$")


class StockError(ValidationError):
    code = "stock"
    default_message = gettext_noop("This movement is not possible for this lot.")


def normalise_lot_number(text: str) -> tuple[str, bool]:
    """(normalised lot number, True if it follows the IATG 03.20 pattern). Spaces are
    dropped and letters upper-cased; anything else a legacy register holds is accepted as
    free text if it is made of letters, digits, dots, slashes and dashes."""
    norm = re.sub(r"\s+", "", (text or "")).upper()
    if not norm:
        raise StockError(
            gettext_noop("Type the lot number."), details={"lot_number": gettext_noop("Required.")}
        )
    if not FREE_LOT.match(norm):
        raise StockError(
            gettext_noop(
                "“%(lot)s” is not a lot number: use letters, digits, dots, slashes and dashes "
                "(at most 40)."
            ),
            params={"lot": text},
            details={"lot_number": gettext_noop("Invalid lot number.")},
        )
    return norm, bool(IATG_LOT.match(norm))


def is_issuable(condition: str, rules: RuleSet | None = None) -> bool:
    return condition in str((rules or load()).value("COND.ISSUABLE"))


def check_issuable(lot: str, condition: str, rules: RuleSet | None = None) -> None:
    if not is_issuable(condition, rules):
        raise StockError(
            gettext_noop(
                "Lot %(lot)s has condition code %(condition)s (suspended or unserviceable): "
                "it cannot be issued (rule COND.ISSUABLE)."
            ),
            params={"lot": lot, "condition": condition},
            details={"lot": gettext_noop("Suspended or unserviceable lot.")},
        )


@dataclass(frozen=True)
class Place:
    """A storage location (``location`` set) or the road to ``destination``."""

    site: str
    location: str = ""
    destination: str = ""


def lot_deltas(
    kind: Kind,
    quantity: int,
    *,
    site: str,
    location: str = "",
    destination: str = "",
    origin: str = "",
    received: int | None = None,
) -> list[tuple[Place, int]]:
    """The balance changes of one lot line. ``location`` is where the units are taken from or
    put into; a transfer receipt takes ``quantity`` off the road from ``origin`` and puts the
    ``received`` units into ``location``."""
    if quantity <= 0:
        raise StockError(
            gettext_noop("A quantity must be a whole number above zero."),
            details={"quantity": gettext_noop("Above zero.")},
        )
    here = Place(site, location=location)
    if kind is Kind.RECEIPT or kind is Kind.RETURN:
        return [(here, quantity)]
    if kind in {Kind.ISSUE, Kind.EXPENDITURE, Kind.LOSS}:
        return [(here, -quantity)]
    if kind is Kind.DESTRUCTION:  # the units destroyed; those not destroyed stay in store
        destroyed = quantity if received is None else received
        return [(here, -destroyed)] if destroyed else []
    if kind is Kind.TRANSFER:
        return [(here, -quantity), (Place(site, destination=destination), quantity)]
    if kind is Kind.TRANSFER_RECEIPT:
        got = quantity if received is None else received
        moves = [(Place(origin, destination=site), -quantity)]
        if got:
            moves.append((here, got))
        return moves
    if kind is Kind.CONDITION_CHANGE:
        return []
    raise StockError(
        gettext_noop("This kind of voucher moves weapons, not ammunition lots."),
        details={"kind": gettext_noop("Not for ammunition.")},
    )


def apply_deltas(
    balances: dict[tuple[str, Place], int], deltas: list[tuple[str, Place, int]]
) -> dict[tuple[str, Place], int]:
    """The balances after ``deltas`` (lot, place, change); :class:`StockError` naming the lot
    and place when one would fall below zero. ``balances`` is not modified."""
    out = dict(balances)
    for lot, place, delta in deltas:
        key = (lot, place)
        new = out.get(key, 0) + delta
        if new < 0:
            where = place.location or f"{place.site} → {place.destination}"
            raise StockError(
                gettext_noop(
                    "Lot %(lot)s: %(wanted)s units asked, only %(available)s in %(place)s."
                ),
                params={
                    "lot": lot,
                    "wanted": -delta,
                    "available": out.get(key, 0),
                    "place": where,
                },
                details={"quantity": gettext_noop("Not enough in stock.")},
            )
        out[key] = new
    return out
