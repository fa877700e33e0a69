"""The state of the stock rebuilt from the journal alone, and compared with the tables.

Every journal entry that changes holdings carries its *facts* (``payload["facts"]``), written
by the movement engine from the same values it wrote to the tables:

- ``w``: weapons moved, ``[uuid, serial, before, after]``, where a holding is
  ``[status, site, location, custodian, destination]`` (codes; ``before`` is None for a weapon
  new to the register);
- ``h``: weapons frozen or released by a discrepancy case, ``[uuid, true|false]``;
- ``l``: lot quantities, ``[lot, site, location, destination, delta]`` (a place is a storage
  location of a site, or the way from a site to its destination);
- ``c``: lot condition codes, ``[lot, code]``;
- ``ref``: the document, ``[kind, number]`` (a voucher, a case, a count…);
- ``baseline``: ``[part, parts]`` for the entries that record the whole state at once (when
  a node that already held stock took up this journal format); part 1 starts afresh, and
  its ``l`` rows are absolute quantities.

:class:`Replay` applies the facts in journal order and notes each fact that contradicts the
state built so far. :func:`compare` lists, in words, every difference between that state and
the rows of the tables. Pure Python: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import Text, gettext_noop

# A holding as the facts write it: (status, site, location, custodian, destination).
HoldingTuple = tuple[str, str, str, str, str]
LotPlace = tuple[str, str, str, str]  # (lot, site, location, destination)

STATUS_WORDS = {
    "in_store": gettext_noop("in store"),
    "issued": gettext_noop("issued"),
    "in_transit": gettext_noop("in transit"),
    "under_repair": gettext_noop("under repair"),
    "lost": gettext_noop("lost"),
    "stolen": gettext_noop("stolen"),
    "recovered": gettext_noop("recovered"),
    "seized": gettext_noop("seized"),
    "surplus": gettext_noop("surplus"),
    "destroyed": gettext_noop("destroyed"),
    "exported": gettext_noop("exported"),
}
REF_WORDS = {
    "voucher": gettext_noop("voucher %(number)s"),
    "import": gettext_noop("import voucher %(number)s"),
    "case": gettext_noop("case %(number)s"),
    "baseline": gettext_noop("the baseline of %(number)s"),
    "sync": gettext_noop("the copy received in bundle %(number)s"),
}


def holding_fact(holding: dict | None) -> list | None:
    """A holding (``ledger.Holding.as_dict()``) as the facts write it."""
    if holding is None:
        return None
    return [
        holding["status"],
        holding["site"],
        holding.get("location", ""),
        holding.get("custodian", ""),
        holding.get("destination", ""),
    ]


@dataclass(slots=True)
class WeaponState:
    serial: str
    holding: HoldingTuple
    hold: bool = False
    ref: tuple = ()
    seq: int = 0


@dataclass(frozen=True)
class Problem:
    """One finding of the verification, in words (``text``) and as data."""

    code: str
    text: Text
    seq: int | None = None
    uuid: str = ""
    data: dict = field(default_factory=dict)

    def as_dict(self, translate=None) -> dict:
        return {
            "code": self.code,
            "message": self.text.render(translate),
            "seq": self.seq,
            "uuid": self.uuid,
            **self.data,
        }


def ref_words(ref) -> Text:
    if not ref:
        return Text(gettext_noop("no document"))
    kind, number = ref[0], ref[1]
    return Text(REF_WORDS.get(kind, "%(number)s"), number=number)


class Replay:
    """The state the journal describes, built entry by entry."""

    def __init__(self) -> None:
        self.weapons: dict[str, WeaponState] = {}
        self.lots: dict[LotPlace, int] = {}
        self.lot_refs: dict[LotPlace, tuple] = {}
        self.conditions: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.entries = 0

    def apply(self, seq: int, facts: dict) -> None:
        """Apply one entry's facts (``seq`` is its sequence number, for the reports)."""
        self.entries += 1
        if facts.get("mirror"):
            self._mirror(seq, facts)
            return
        ref = tuple(facts.get("ref") or ())
        baseline = facts.get("baseline")
        if baseline and baseline[0] == 1:
            self.weapons, self.lots, self.lot_refs, self.conditions = {}, {}, {}, {}
        weapons = self.weapons
        for uuid, serial, before, after in facts.get("w", ()):
            known = weapons.get(uuid)
            if before is not None and not baseline:
                if known is None:
                    self._problem(
                        "journal_unknown_weapon",
                        Text(
                            gettext_noop(
                                "entry #%(seq)s (%(ref)s) moves weapon %(serial)s, which no "
                                "earlier entry received"
                            ),
                            seq=seq,
                            ref=ref_words(ref),
                            serial=serial,
                        ),
                        seq,
                        uuid,
                    )
                else:
                    self._check_before(seq, ref, uuid, serial, before, known)
            if known is None:
                weapons[uuid] = WeaponState(serial, tuple(after), False, ref, seq)
            else:
                known.holding, known.ref, known.seq = tuple(after), ref, seq
        for uuid, hold in facts.get("h", ()):
            known = weapons.get(uuid)
            if known is not None:
                known.hold = bool(hold)
        for lot, site, location, destination, delta in facts.get("l", ()):
            key = (lot, site, location, destination)
            quantity = self.lots.get(key, 0) + int(delta)
            if quantity < 0:
                self._problem(
                    "journal_negative_lot",
                    Text(
                        gettext_noop(
                            "entry #%(seq)s (%(ref)s) takes lot %(lot)s below zero at %(place)s"
                        ),
                        seq=seq,
                        ref=ref_words(ref),
                        lot=lot,
                        place=place_words(key),
                    ),
                    seq,
                )
            self.lots[key] = quantity
            self.lot_refs[key] = ref
        for lot, code in facts.get("c", ()):
            self.conditions[lot] = code

    def _check_before(self, seq, ref, uuid, serial, before, known) -> None:
        """A move (or a copy) from ``before`` must start where the entries before it left
        the weapon."""
        if tuple(before) != known.holding:
            self._problem(
                "journal_inconsistent",
                Text(
                    gettext_noop(
                        "entry #%(seq)s (%(ref)s) moves weapon %(serial)s from "
                        "%(before)s, but the entries before it leave it %(state)s"
                    ),
                    seq=seq,
                    ref=ref_words(ref),
                    serial=serial,
                    before=holding_words(tuple(before)),
                    state=holding_words(known.holding),
                ),
                seq,
                uuid,
            )

    def _mirror(self, seq: int, facts: dict) -> None:
        """Facts of a *copy*: the state a node received from another one (a depot's first
        entry, a transfer dispatched to it, the receipt of its own dispatch at the other end).
        Where the state built so far already knows a weapon, the copy must say the same, or
        say the state it changes (``before``), which must be the one known; elsewhere it sets
        it. Lot places of a copy are absolute."""
        ref = tuple(facts.get("ref") or ())
        for uuid, serial, before, after in facts.get("w", ()):
            known = self.weapons.get(uuid)
            if known is not None and before is not None:
                # a copy that says what it changes: the state it changes must be the one
                # the entries before it leave
                self._check_before(seq, ref, uuid, serial, before, known)
            elif known is not None and known.holding != tuple(after):
                self._problem(
                    "journal_copy_differs",
                    Text(
                        gettext_noop(
                            "entry #%(seq)s (%(ref)s) copies weapon %(serial)s as %(copy)s, "
                            "but the entries before it leave it %(state)s"
                        ),
                        seq=seq,
                        ref=ref_words(ref),
                        serial=serial,
                        copy=holding_words(tuple(after)),
                        state=holding_words(known.holding),
                    ),
                    seq,
                    uuid,
                )
            if known is None:
                self.weapons[uuid] = WeaponState(serial, tuple(after), False, ref, seq)
            else:
                known.holding, known.ref, known.seq = tuple(after), ref, seq
        for uuid, hold in facts.get("h", ()):
            if uuid in self.weapons:
                self.weapons[uuid].hold = bool(hold)
        for lot, site, location, destination, quantity in facts.get("l", ()):
            key = (lot, site, location, destination)
            if key in self.lots and self.lots[key] != int(quantity):
                self._problem(
                    "journal_copy_differs",
                    Text(
                        gettext_noop(
                            "entry #%(seq)s (%(ref)s) copies %(quantity)s of lot %(lot)s at "
                            "%(place)s, but the entries before it leave %(held)s there"
                        ),
                        seq=seq,
                        ref=ref_words(ref),
                        quantity=quantity,
                        lot=lot,
                        place=place_words(key),
                        held=self.lots[key],
                    ),
                    seq,
                )
            self.lots[key] = int(quantity)
            self.lot_refs[key] = ref
        for lot, code in facts.get("c", ()):
            self.conditions[lot] = code

    def _problem(self, code, text, seq=None, uuid="") -> None:
        self.problems.append(Problem(code, text, seq, uuid))


def holding_words(h: HoldingTuple, persons: dict | None = None) -> Text:
    """A holding in words: "in store at ML-KTI-ARM01-R01", "issued to Sgt Traoré…"."""
    status, site, location, custodian, destination = h
    state = Text(STATUS_WORDS.get(status, status))
    if custodian:
        return Text(
            gettext_noop("%(state)s to %(custodian)s"),
            state=state,
            custodian=custodian_words(custodian, persons),
        )
    if destination:
        return Text(
            gettext_noop("%(state)s from %(site)s to %(destination)s"),
            state=state,
            site=site,
            destination=destination,
        )
    if location and location.startswith(f"{site}-"):
        return Text(gettext_noop("%(state)s at %(location)s"), state=state, location=location)
    if location:  # a location of another site: say both
        return Text(
            gettext_noop("%(state)s at %(location)s, held by site %(site)s"),
            state=state,
            location=location,
            site=site,
        )
    return Text(gettext_noop("%(state)s (site %(site)s)"), state=state, site=site)


def custodian_words(ref: str, persons: dict | None = None) -> str:
    kind, _sep, value = ref.partition(":")
    if kind == "person":
        return (persons or {}).get(value) or f"person #{value}"
    return value


def place_words(key: LotPlace) -> str:
    _lot, site, location, destination = key
    if destination:
        return f"{site} → {destination}"
    return location or site


@dataclass(frozen=True, slots=True)
class TableWeapon:
    """A weapon as the tables hold it."""

    uuid: str
    serial: str
    label: str  # type and serial as people read them, e.g. "AK-47 123456"
    holding: HoldingTuple
    hold: bool


def compare(
    replay: Replay,
    weapons: Iterable[TableWeapon],
    lots: Iterable[tuple[LotPlace, int]],
    persons: dict | None = None,
    limit: int | None = None,
) -> tuple[list[Problem], int]:
    """Every difference between the rebuilt state and the tables, in words; returns the
    differences (at most ``limit`` of them) and their total number."""
    out: list[Problem] = []
    total = 0

    def add(problem: Problem) -> None:
        nonlocal total
        total += 1
        if limit is None or len(out) < limit:
            out.append(problem)

    seen: set[str] = set()
    journal = replay.weapons
    for row in weapons:
        if row.uuid in seen:
            add(
                Problem(
                    "table_duplicate",
                    Text(
                        gettext_noop("weapon %(weapon)s: a second table row has its UUID"),
                        weapon=row.label,
                    ),
                    uuid=row.uuid,
                )
            )
            continue
        seen.add(row.uuid)
        known = journal.get(row.uuid)
        if known is None:
            add(
                Problem(
                    "table_inserted",
                    Text(
                        gettext_noop(
                            "weapon %(weapon)s: the table says %(table)s, but no journal "
                            "entry records this weapon"
                        ),
                        weapon=row.label,
                        table=holding_words(row.holding, persons),
                    ),
                    uuid=row.uuid,
                    data={"table": list(row.holding)},
                )
            )
            continue
        if row.holding != known.holding or row.serial != known.serial:
            add(
                Problem(
                    "table_differs",
                    Text(
                        gettext_noop(
                            "weapon %(weapon)s: the table says %(table)s, the journal says "
                            "%(journal)s since %(ref)s"
                        ),
                        weapon=row.label,
                        table=holding_words(row.holding, persons),
                        journal=holding_words(known.holding, persons),
                        ref=ref_words(known.ref),
                    ),
                    seq=known.seq,
                    uuid=row.uuid,
                    data={"table": list(row.holding), "journal": list(known.holding)},
                )
            )
        if row.hold != known.hold:
            add(
                Problem(
                    "table_hold_differs",
                    Text(
                        gettext_noop(
                            "weapon %(weapon)s: the table says it is %(table)s, the journal "
                            "says %(journal)s"
                        ),
                        weapon=row.label,
                        table=_hold_words(row.hold),
                        journal=_hold_words(known.hold),
                    ),
                    seq=known.seq,
                    uuid=row.uuid,
                )
            )
    for uuid, known in journal.items():
        if uuid not in seen:
            add(
                Problem(
                    "table_deleted",
                    Text(
                        gettext_noop(
                            "weapon %(serial)s: the journal says %(journal)s since %(ref)s, "
                            "but the table has no such weapon"
                        ),
                        serial=known.serial,
                        journal=holding_words(known.holding, persons),
                        ref=ref_words(known.ref),
                    ),
                    seq=known.seq,
                    uuid=uuid,
                )
            )
    expected = {key: q for key, q in replay.lots.items() if q}
    for key, quantity in lots:
        if not quantity:
            continue
        wanted = expected.pop(key, 0)
        if wanted != quantity:
            add(
                Problem(
                    "lot_differs",
                    Text(
                        gettext_noop(
                            "lot %(lot)s at %(place)s: the table says %(table)s units, the "
                            "journal says %(journal)s"
                        ),
                        lot=key[0],
                        place=place_words(key),
                        table=quantity,
                        journal=wanted,
                    ),
                    data={"lot": key[0], "table": quantity, "journal": wanted},
                )
            )
    for key, wanted in expected.items():
        add(
            Problem(
                "lot_differs",
                Text(
                    gettext_noop(
                        "lot %(lot)s at %(place)s: the table says %(table)s units, the journal "
                        "says %(journal)s"
                    ),
                    lot=key[0],
                    place=place_words(key),
                    table=0,
                    journal=wanted,
                ),
                data={"lot": key[0], "table": 0, "journal": wanted},
            )
        )
    return out, total


def _hold_words(hold: bool) -> Text:
    return Text(gettext_noop("frozen by a case") if hold else gettext_noop("not frozen"))
