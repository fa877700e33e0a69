"""Reading and checking the rows of a weapons register, in a process of its own.

An import reads the file in one process and writes in another, so that both use a processor
at the same time: decoding, splitting and checking a row costs about as much as storing it,
and two threads of one interpreter would take turns. The reading process knows nothing of the
database: what it needs (weapon types, the site's storage locations) is handed over as plain
data (:class:`WeaponRules`), and it sends back chunks of checked rows, the rows it rejected
with their reasons, and how far it has read (:func:`produce`). This module and the ones it
imports do not import Django.

A checked row travels as ``(row number, cells, type id, normalised serial, serial, location id,
weapon, line)`` (see :meth:`WeaponRules.checked`): ``weapon`` holds the columns of the weapon
after its id and before its timestamps (see ``WEAPON`` for their order) and ``line`` those of
its receipt line after the voucher and the weapon (``LINE``). For PostgreSQL both come as text
ready for COPY, so that the importing process, whose turn with the database is the slow part,
only puts the ids in front. A dry run writes nothing and gets neither.
"""

from __future__ import annotations

import difflib
import json
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pssm.domain import serials
from pssm.domain.errors import PssmError, Text, gettext_noop
from pssm.domain.ledger import Status

from . import columns, readers, sandbox
from .readers import MAX_CELL_CHARS

# The weapon's columns as a checked row carries them (after the id, before the timestamps).
WEAPON = (
    "serial",
    "serial_norm",
    "weapon_type_id",
    "manufacturer",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_country",
    "import_year",
    "ownership_mark",
    "marking_locations",
    "other_parts",
    "owner_id",
    "status",
    "site_id",
    "location_id",
    "custodian_unit",
)
SERIAL, SERIAL_NORM, TYPE, LOCATION = (
    WEAPON.index(name) for name in ("serial", "serial_norm", "weapon_type_id", "location_id")
)
# The receipt line's columns as a checked row carries them (after the voucher and the weapon).
LINE = ("serial", "location_id", "after")
# Positions in a checked row, after its row number and cells (see WeaponRules.checked).
AT_TYPE, AT_NORM, AT_SERIAL, AT_LOCATION, AT_WEAPON, AT_LINE = range(2, 8)
# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped,
# and \N is NULL (https://www.postgresql.org/docs/current/sql-copy.html).
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Seconds the reading process waits on a full queue before it looks whether the importing
# process is still there (a killed import must not leave its reader behind).
PARENT_CHECK = 1.0


class RowError(Exception):
    """One problem of one row: the column it concerns and the reason."""

    def __init__(self, column: str, reason: str, **params):
        super().__init__(reason)
        self.column, self.reason, self.params = column, reason, params

    def as_tuple(self) -> tuple[str, str, dict]:
        return self.column, self.reason, self.params


def copy_text(values: Iterable) -> str:
    """``values`` as one row of COPY's text format, without its final newline: None is NULL,
    text is escaped, numbers are written as they are."""
    values = tuple(values)
    texts = "".join([v for v in values if type(v) is str])
    if "\\" in texts or "\t" in texts or "\n" in texts or "\r" in texts:
        return "\t".join(
            [
                "\\N" if v is None else v.translate(_COPY_ESCAPES) if type(v) is str else str(v)
                for v in values
            ]
        )
    return "\t".join(["\\N" if v is None else v if type(v) is str else str(v) for v in values])


def mapped_values(cells: list[str], mapping: dict[int, str]) -> dict[str, str]:
    """The cells of a row by the field each column is mapped to; RowError for a cell holding
    a NUL character, which no database text can hold (a damaged file, often far down)."""
    values = {name: (cells[i] if i < len(cells) else "") for i, name in mapping.items()}
    joined = "".join(values.values())
    if "\x00" in joined:
        name = next(name for name, text in values.items() if "\x00" in text)
        raise RowError(name, gettext_noop("contains a NUL character (is the file damaged?)"))
    if len(joined) > MAX_CELL_CHARS:
        for name, text in values.items():
            if len(text) > MAX_CELL_CHARS:
                raise RowError(
                    name,
                    gettext_noop(
                        "%(length)s characters long, more than the %(limit)s a cell may hold"
                    ),
                    length=len(text),
                    limit=MAX_CELL_CHARS,
                )
    return values


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _key(text: str) -> str:
    return columns.simplify(text).replace(" ", "")


def value_key(text: str) -> str:
    """How a register's value is compared: case, accents, spaces and signs ignored."""
    return _key(text)


class TypeIndex:
    """Finds a weapon type from what a register says: "AKM", "Kalachnikov AK-47", the
    exported form "Kalashnikov AKM (7.62×39)", an alias. Ambiguous or unknown names raise
    RowError with suggestions. Built from ``(id, label, make, model, aliases)`` of each
    type; ``overrides`` (simplified value → type id) are what users said a value means in
    the registers of the country (pssm.imports.mappings), and win over everything else."""

    def __init__(
        self,
        types: Iterable[tuple[int, str, str, str, str]],
        overrides: dict[str, int] | None = None,
    ):
        self.by_key: dict[str, set[int]] = {}
        self.primary: dict[str, set[int]] = {}
        self.labels: dict[int, str] = {}
        for pk, label, make, model, aliases in types:
            self.labels[pk] = label
            for name in (label, f"{make} {model}", model):
                if _key(name):
                    self.primary.setdefault(_key(name), set()).add(pk)
            for name in (label, f"{make} {model}", model, *aliases.splitlines()):
                k = _key(name)
                if k:
                    self.by_key.setdefault(k, set()).add(pk)
        self.cache: dict[str, int] = {
            k: pk for k, pk in (overrides or {}).items() if pk in self.labels
        }

    def find(self, text: str) -> int:
        k = _key(text)
        if k in self.cache:
            return self.cache[k]
        found = self.primary.get(k) or self.by_key.get(k, set())  # a model name wins
        if len(found) == 1:
            self.cache[k] = next(iter(found))
            return self.cache[k]
        if not found:
            # "Kalachnikov AKM": every word that names types narrows the choice.
            words = columns.simplify(text).split()
            for word in [*words, *("".join(words[i:]) for i in range(1, len(words)))]:
                ids = self.by_key.get(word)
                if ids:
                    found = set(ids) if not found else found & ids
            if len(found) == 1:
                self.cache[k] = next(iter(found))
                return self.cache[k]
        if len(found) > 1:
            names = sorted(self.labels[pk] for pk in found)
            raise RowError(
                "weapon_type",
                gettext_noop("“%(value)s” fits several types: %(names)s"),
                value=text,
                names="; ".join(names[:4]),
            )
        close = difflib.get_close_matches(k, list(self.by_key), n=3, cutoff=0.6)
        names = sorted({self.labels[pk] for c in close for pk in self.by_key[c]})
        if names:
            raise RowError(
                "weapon_type",
                gettext_noop("unknown type “%(value)s”; did you mean %(names)s?"),
                value=text,
                names=" / ".join(names[:3]),
            )
        raise RowError("weapon_type", gettext_noop("unknown type “%(value)s”"), value=text)


@dataclass
class WeaponRules:
    """What the reading process needs to check a row and make its columns."""

    mapping: dict[int, str]
    types: TypeIndex
    locations: dict[str, int]  # code or unambiguous end of a code → location id
    location_names: dict[str, int]  # simplified name → location id
    location_codes: dict[int, str]  # location id → full code
    default_location: int | None
    today: date
    site_id: int
    site_code: str
    organisation_id: int
    dry_run: bool
    copy_text: bool = False  # weapon and line as COPY text (PostgreSQL)
    # location id → the start of the JSON of its receipt lines (made once per location)
    _after_starts: dict = field(default_factory=dict, init=False, repr=False)

    def parse(self, cells: list[str]) -> tuple:
        """The weapon's columns (see ``WEAPON``) and the date of receipt, or RowError."""
        values = mapped_values(cells, self.mapping)
        raw_serial = values.get("serial", "")
        serial = serials.clean(raw_serial)
        norm = serials.normalise(serial)
        if not serial:
            raise RowError("serial", gettext_noop("the serial number is missing"))
        if len(serial) > serials.MAX_SERIAL_LENGTH or not norm:
            raise RowError(
                "serial", gettext_noop("“%(value)s” is not a serial number"), value=raw_serial
            )
        if not values.get("weapon_type"):
            raise RowError("weapon_type", gettext_noop("the weapon type is missing"))
        type_id = self.types.find(values["weapon_type"])
        countries = []
        for name in ("country_of_manufacture", "import_country"):
            try:
                countries.append(columns.parse_country(values.get(name, "")))
            except ValueError as exc:
                raise RowError(name, str(exc)) from None
        years = []
        for name in ("year_of_manufacture", "import_year"):
            try:
                years.append(columns.parse_year(values.get(name, ""), today=self.today))
            except ValueError as exc:
                raise RowError(
                    name,
                    gettext_noop("%(problem)s: “%(value)s”"),
                    problem=Text(str(exc)),
                    value=values.get(name),
                ) from None
        try:
            received = columns.parse_date(values.get("received_on", ""), today=self.today)
        except ValueError as exc:
            raise RowError(
                "received_on",
                gettext_noop("%(problem)s: “%(value)s”"),
                problem=Text(str(exc)),
                value=values.get("received_on"),
            ) from None
        texts = []
        for name, limit in (
            ("manufacturer", 120),
            ("ownership_mark", 200),
            ("marking_locations", 200),
        ):
            text = values.get(name, "")
            if len(text) > limit:
                raise RowError(
                    name, gettext_noop("too long (at most %(limit)s characters)"), limit=limit
                )
            texts.append(text)
        location = self.location_of(values.get("location", ""))
        made, imported = years
        if made and imported and imported < made:
            raise RowError("import_year", gettext_noop("imported before it was made"))
        weapon = (
            serial,
            norm,
            type_id,
            texts[0],
            countries[0],
            made,
            countries[1],
            imported,
            texts[1],
            texts[2],
            "{}",
            self.organisation_id,
            Status.IN_STORE.value,
            self.site_id,
            location,
            "",
        )
        return weapon, received

    def location_of(self, where: str) -> int:
        if where:
            loc = self.locations.get(where.strip().upper()) or self.location_names.get(
                columns.simplify(where)
            )
            if loc is None:
                raise RowError(
                    "location",
                    gettext_noop("no storage location “%(value)s” at this site"),
                    value=where,
                )
            return loc
        if self.default_location is not None:
            return self.default_location
        raise RowError(
            "location", gettext_noop("no storage location: add the column or choose a default")
        )

    def checked(self, number: int, cells: list[str], weapon: tuple, received) -> tuple:
        """The checked row sent to the importing process (see the module's description)."""
        key = (weapon[TYPE], weapon[SERIAL_NORM], weapon[SERIAL], weapon[LOCATION])
        if self.dry_run:
            return (number, cells, *key, None, None)
        line = (weapon[SERIAL], weapon[LOCATION], self.after(number, weapon, received))
        if self.copy_text:
            return (number, cells, *key, copy_text(weapon), copy_text(line))
        return (number, cells, *key, weapon, line)

    def after(self, number: int, weapon: tuple, received: date | None) -> str:
        """The ``after`` of the weapon's receipt line (JSON): the weapon's holding, the row it
        came from and the date of receipt if the register gives one."""
        start = self._after_starts.get(weapon[LOCATION])
        if start is None:
            holding = {
                "status": Status.IN_STORE.value,
                "site": self.site_code,
                "location": self.location_codes.get(weapon[LOCATION], ""),
                "custodian": "",
                "destination": "",
            }
            start = self._after_starts[weapon[LOCATION]] = _json(holding)[:-1]
        if received:
            return f'{start},"import_row":{number},"received_on":"{received.isoformat()}"}}'
        return f'{start},"import_row":{number}}}'


def produce(
    path,
    rules: WeaponRules,
    start_after: int,
    chunk_size: int,
    chunks,
    parent: int,
    limits: sandbox.Limits | None = None,
):
    """Read ``path`` and put on ``chunks`` messages for the importing process (``parent``):

    - ``("rows", checked_rows, last_row, progress)`` for each chunk, then
      ``("end", [], last_row, progress)``; ``progress`` is ``(rows read, rows skipped as
      committed by an earlier run, rejects)``, each since the previous message, and the bytes
      read so far; a reject is ``(row, cells, column, reason, params)``;
    - ``("failed", template, params)`` when the file cannot be read further;
    - ``("crashed", traceback)`` on any other error.

    With ``limits`` (the reading process of an import), this process is confined first
    (:func:`pssm.imports.sandbox.confine`).

    Rows up to ``start_after`` are skipped. Duplicates within a chunk are rejected here;
    across chunks the importing process finds them in the registry (this job wrote them), so
    a million rows need no table of every serial seen, except in a dry run, which writes
    nothing and keeps one (a 64-bit digest per row)."""

    def put(item) -> None:
        sandbox.put(chunks, item, parent, wait=PARENT_CHECK)

    if limits is not None:
        sandbox.confine(limits)
    try:
        table = readers.open_table(Path(path), columns.recogniser("weapons"))
        rows = skipped = 0
        rejects: list[tuple] = []
        seen: dict[int, int] = {}
        chunk: list[tuple] = []
        last = start_after

        def progress():
            nonlocal rows, skipped, rejects
            sent = (rows, skipped, rejects, table.progress.get("bytes", 0))
            rows, skipped, rejects = 0, 0, []
            return sent

        for number, cells in table.rows:
            last = number
            rows += 1
            if number <= start_after:
                skipped += 1
                continue
            try:
                weapon, received = rules.parse(cells)
            except RowError as exc:
                rejects.append((number, cells, *exc.as_tuple()))
                continue
            key = hash((weapon[TYPE], weapon[SERIAL_NORM]))
            first = seen.get(key)
            if first is not None:
                same = RowError("serial", gettext_noop("same weapon as row %(row)s"), row=first)
                rejects.append((number, cells, *same.as_tuple()))
                continue
            seen[key] = number
            chunk.append(rules.checked(number, cells, weapon, received))
            if len(chunk) >= chunk_size:
                put(("rows", chunk, number, progress()))
                chunk = []
                if not rules.dry_run:
                    seen = {}
        if chunk:
            put(("rows", chunk, last, progress()))
        put(("end", [], last, progress()))
    except (PssmError, MemoryError, sandbox.OutOfTime) as exc:
        put(sandbox.failure(exc, limits or sandbox.Limits()))
    except Exception:  # noqa: BLE001 - reported to the importing process, which raises it
        put(("crashed", traceback.format_exc()))
