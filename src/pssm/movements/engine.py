"""The movement engine: the one writer of holdings.

:func:`post` posts a locked voucher of any kind (weapons by serial, lots by quantity, or
both) inside the caller's transaction:

1. it reads the batch in set queries: the lines, the weapons they name (locked in id order:
   ``FOR UPDATE`` on PostgreSQL; SQLite write transactions are already exclusive), the codes
   of the sites and locations involved, the lines a reversal undoes;
2. it checks every line with :func:`pssm.domain.ledger.apply` (and, for lots,
   :mod:`.lotpost`: condition, balances, compatibility, licence and quantity-distance);
3. it writes the holdings, the new weapons, the lines' before and after, and the balances,
   one statement per table.

It returns an :class:`Outcome`: the journal records of the lines, the *facts* of the posting
(:mod:`pssm.domain.replay`), and the discrepancies found (items that did not arrive, or
arrived unexpected). The caller opens those cases and appends the journal entry in the same
transaction: the engine imports neither :mod:`.services` nor :mod:`.cases`. If any line
fails, the engine raises before anything is written.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection

from pssm.domain.access import Scope
from pssm.domain.errors import ConflictError, gettext_noop
from pssm.domain.ledger import (
    BLOCKED_WHEN_FROZEN,
    Holding,
    Kind,
    LedgerError,
    Line,
    Status,
    apply,
    custodian_parts,
    custodian_ref,
)
from pssm.domain.replay import holding_fact
from pssm.registry.models import Weapon
from pssm.sites.models import Site, StorageLocation

from . import lotpost
from .models import Discrepancy, Voucher, VoucherLine

WEAPON_TABLE = Weapon._meta.db_table
LINE_TABLE = VoucherLine._meta.db_table
# Weapons read per statement (well under SQLite's limit of bound parameters).
CHUNK = 5000


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Outcome:
    records: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    cases: list[dict] = field(default_factory=list)  # keyword arguments of cases.open_case
    codes: Codes | None = None  # the codes read, for the caller's journal entry


@dataclass
class Header:
    """A voucher as the engine reads it: its row locked, with the codes of its site, and the
    username of its preparer (one statement; no model instance)."""

    pk: int
    number: str
    kind: str
    reason: str
    state: str
    prepared_by_id: int
    prepared_by: str
    above_site: bool
    location_id: int | None
    custodian_id: int | None
    custodian_unit: str
    destination_id: int | None
    dispatch_id: int | None
    reverses_id: int | None
    site_id: int
    organisation_id: int
    site_code: str
    organisation_code: str
    country_code: str

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def scope(self) -> Scope:
        return Scope(self.country_code, self.organisation_code, self.site_code)

    def model(self) -> Voucher:
        """The voucher as a model instance, for the parts that need one (lots, cases)."""
        return Voucher.objects.select_related(
            "site__organisation__country", "destination", "dispatch__site", "location"
        ).get(pk=self.pk)


_LOCK_SQL = """
SELECT v.id, v.number, v.kind, v.reason, v.state, v.prepared_by_id, u.username, v.above_site,
  v.location_id, v.custodian_id, v.custodian_unit, v.destination_id, v.dispatch_id,
  v.reverses_id, v.site_id, s.organisation_id, s.code, o.code, c.code
FROM movements_voucher v
JOIN accounts_user u ON u.id = v.prepared_by_id
JOIN sites_site s ON s.id = v.site_id
JOIN sites_organisation o ON o.id = s.organisation_id
JOIN sites_country c ON c.id = o.country_id
WHERE v.id = %s{lock}
"""


def lock(voucher_pk: int) -> Header:
    """Lock the voucher's row (``FOR UPDATE OF`` it on PostgreSQL) and read its header."""
    lock_sql = " FOR UPDATE OF v" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL.format(lock=lock_sql), [voucher_pk])
        row = cursor.fetchone()
    if row is None:
        raise Voucher.DoesNotExist(voucher_pk)
    return Header(*row[:7], bool(row[7]), *row[8:])


def mark_posted(h: Header, actor, when) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Voucher._meta.db_table} SET state = %s, approved_by_id = %s, "  # noqa: S608
            "approved_at = %s, posted_at = %s WHERE id = %s",
            [Voucher.State.POSTED, actor.pk, when, when, h.pk],
        )


def frozen_error(weapon_id: int, serial: str) -> ConflictError:
    case = (
        Discrepancy.objects.filter(weapon_id=weapon_id)
        .exclude(state=Discrepancy.State.CLOSED)
        .order_by("pk")
        .first()
    )
    return ConflictError(
        gettext_noop(
            "Weapon %(serial)s is frozen by discrepancy case %(case)s: it cannot be issued, "
            "lent, sent or change status until the case is closed."
        ),
        params={"serial": serial, "case": case.number if case else "?"},
        details={"serial": gettext_noop("Frozen by a discrepancy case.")},
        code="frozen",
    )


def ledger_line(v: Header, codes: Codes, location_id: int | None) -> Line:
    """What a line of ``v`` asks the ledger for, in codes."""
    location_id = location_id or v.location_id
    return Line(
        Kind(v.kind),
        codes.site(v.site_id),
        location=codes.location(location_id) if location_id else "",
        custodian=custodian_ref(v.custodian_id, v.custodian_unit),
        destination=codes.site(v.destination_id) if v.destination_id else "",
        reason=v.reason,
    )


class Codes:
    """Site and storage-location codes by id and ids by code, read in set queries."""

    def __init__(self, site_ids=(), location_ids=()):
        self.sites: dict[int, str] = {}
        self.locations: dict[int, str] = {}
        self.site_ids: dict[str, int] = {}
        self.location_ids: dict[str, int] = {}
        self.load(site_ids, location_ids)

    def load(self, site_ids=(), location_ids=(), site_codes=(), location_codes=()) -> None:
        """Read the codes (or ids) not known yet, in one statement."""
        s_ids = sorted({i for i in site_ids if i and i not in self.sites})
        s_codes = sorted({c for c in site_codes if c and c not in self.site_ids})
        l_ids = sorted({i for i in location_ids if i and i not in self.locations})
        l_codes = sorted({c for c in location_codes if c and c not in self.location_ids})
        parts, params = [], []
        for kind, table, ids, codes in (
            ("s", Site._meta.db_table, s_ids, s_codes),
            ("l", StorageLocation._meta.db_table, l_ids, l_codes),
        ):
            if ids:
                parts.append(
                    f"SELECT '{kind}', id, code FROM {table} "  # noqa: S608
                    f"WHERE id IN ({', '.join(['%s'] * len(ids))})"
                )
                params += ids
            if codes:
                parts.append(
                    f"SELECT '{kind}', id, code FROM {table} "  # noqa: S608
                    f"WHERE code IN ({', '.join(['%s'] * len(codes))})"
                )
                params += codes
        if not parts:
            return
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, pk, code in cursor.fetchall():
                if kind == "s":
                    self.sites[pk], self.site_ids[code] = code, pk
                else:
                    self.locations[pk], self.location_ids[code] = code, pk

    def site(self, pk: int) -> str:
        return self.sites[pk]

    def location(self, pk: int) -> str:
        return self.locations[pk]

    def holding(self, row) -> Holding:
        """The holding of a weapon row (status, site, location, custodian, unit, destination)."""
        status, site, location, custodian, unit, destination = row
        return Holding(
            Status(status),
            self.sites[site],
            location=self.locations[location] if location else "",
            custodian=custodian_ref(custodian, unit),
            destination=self.sites[destination] if destination else "",
        )

    def row(self, h: Holding) -> tuple:
        """The holding columns of ``h`` (status, site, location, custodian, unit, destination)."""
        person, unit = custodian_parts(h.custodian)
        return (
            h.status.value,
            self.site_ids[h.site],
            self.location_ids[h.location] if h.location else None,
            person,
            unit,
            self.site_ids[h.destination] if h.destination else None,
        )


def _locked_weapons(ids: list[int]) -> dict[int, tuple]:
    """id → (uuid, serial, status, site, location, custodian, unit, destination, on_hold),
    locked in id order."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    out = {}
    with connection.cursor() as cursor:
        for i in range(0, len(ids), CHUNK):
            part = ids[i : i + CHUNK]
            cursor.execute(
                "SELECT id, uuid, serial, status, site_id, location_id, custodian_id, "  # noqa: S608
                f"custodian_unit, destination_id, on_hold FROM {WEAPON_TABLE} "
                f"WHERE id IN ({', '.join(['%s'] * len(part))}) ORDER BY id{lock}",
                part,
            )
            for row in cursor.fetchall():
                out[row[0]] = row[1:]
    return out


def _json(value):
    """A JSON column as read by a plain cursor (text on SQLite, decoded on PostgreSQL)."""
    if value is None or not isinstance(value, str | bytes):
        return value
    import json

    return json.loads(value)


def _uuid_text(value) -> str:
    return str(value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value)))


def post(v: Header, when: datetime | None = None) -> Outcome:
    """Post every line of the locked voucher ``v`` (see the module); raises on the first
    bad line, before anything is written."""
    when = when or now()
    k = v.kind_enum
    outcome = Outcome(facts={"ref": ["voucher", v.number], "w": [], "h": []})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, weapon_id, serial, location_id, new_weapon, reversed_line_id, "  # noqa: S608
            f"received, lot_id FROM {LINE_TABLE} WHERE voucher_id = %s ORDER BY id",
            [v.pk],
        )
        lines = [(*row[:4], _json(row[4]), *row[5:7], row[7]) for row in cursor.fetchall()]
    weapon_lines = [line for line in lines if line[7] is None]
    has_lots = len(weapon_lines) != len(lines)
    ids = sorted({line[1] for line in weapon_lines if line[1]})
    weapons = _locked_weapons(ids)
    held = weapons.values()
    codes = Codes(
        {v.site_id, v.destination_id, *(w[3] for w in held), *(w[7] for w in held)},
        {v.location_id, *(line[3] for line in weapon_lines), *(w[4] for w in held)},
    )
    outcome.codes = codes
    reversed_rows = {}
    if k is Kind.REVERSAL and weapon_lines:
        reversed_rows = {
            pk: (before, after)
            for pk, before, after in VoucherLine.objects.filter(
                pk__in=[line[5] for line in weapon_lines]
            ).values_list("pk", "before", "after")
        }
        held = [Holding.from_dict(b) for b, _a in reversed_rows.values() if b]
        codes.load(
            site_codes={x for h in held for x in (h.site, h.destination)},
            location_codes={h.location for h in held},
        )
    _check_new_serials_free(weapon_lines)
    holdings, line_rows, new_weapons = [], [], []
    for (
        line_id,
        weapon_id,
        serial,
        location_id,
        new_weapon,
        reversed_id,
        received,
        _lot,
    ) in weapon_lines:
        row = weapons.get(weapon_id) if weapon_id else None
        missing = k is Kind.DESTRUCTION and not received  # on the list, not there
        if missing or (k is Kind.TRANSFER_RECEIPT and (weapon_id is None or not received)):
            kind = Discrepancy.Kind.UNEXPECTED if weapon_id is None else Discrepancy.Kind.MISSING
            outcome.cases.append({"weapon_id": weapon_id, "serial": serial, "kind": kind})
            if row is not None and not row[8]:
                outcome.facts["h"].append([_uuid_text(row[0]), True])
            outcome.records.append({"serial": serial, "discrepancy": kind})
            continue
        if k in BLOCKED_WHEN_FROZEN and row is not None and row[8]:
            raise frozen_error(weapon_id, row[1])
        before = None if new_weapon is not None else codes.holding(row[2:8])
        if k is Kind.REVERSAL:
            done_before, done_after = reversed_rows[reversed_id]
            wanted = Line(
                Kind.REVERSAL,
                codes.site(v.site_id),
                restore=Holding.from_dict(done_before),
                reversed_after=Holding.from_dict(done_after),
            )
        else:
            wanted = ledger_line(v, codes, location_id)
        try:
            after = apply(before, wanted)
        except LedgerError as exc:
            exc.details.setdefault("serial", serial)
            exc.params.setdefault("serial", serial)
            raise
        before_dict, after_dict = (before.as_dict() if before else None), after.as_dict()
        if new_weapon is not None:
            weapon = _new_weapon(v, serial, new_weapon, codes.row(after))
            new_weapons.append((weapon, line_id, len(outcome.records), after_dict))
            uid, weapon_pk = str(weapon.uuid), None
        else:
            holdings.append((*codes.row(after), weapon_id))
            uid, weapon_pk = _uuid_text(row[0]), weapon_id
            line_rows.append((weapon_id, before_dict, after_dict, line_id))
        outcome.records.append(
            {"serial": serial, "weapon": weapon_pk, "before": before_dict, "after": after_dict}
        )
        outcome.facts["w"].append(
            [uid, serial, holding_fact(before_dict), holding_fact(after_dict)]
        )
    if new_weapons:
        Weapon.objects.bulk_create([w for w, _l, _i, _a in new_weapons], batch_size=500)
        for weapon, line_id, index, after_dict in new_weapons:
            outcome.records[index]["weapon"] = weapon.pk
            line_rows.append((weapon.pk, None, after_dict, line_id))
    write_holdings(holdings, when)
    write_lines(line_rows)
    if has_lots:
        lot_lines = list(
            VoucherLine.objects.filter(voucher_id=v.pk, lot__isnull=False)
            .select_related("location", "reversed_line")
            .order_by("pk")
        )
        found = lotpost.post_lot_lines(v.model(), lot_lines, when)
        outcome.records += found.records
        outcome.facts.update(found.facts)
        outcome.cases += found.cases
    outcome.facts = {key: value for key, value in outcome.facts.items() if value}
    return outcome


def _check_new_serials_free(lines) -> None:
    wanted = {
        (new["weapon_type"], new["serial_norm"]): serial
        for _id, _w, serial, _l, new, _r, _rc, _lot in lines
        if new is not None
    }
    if not wanted:
        return
    taken = Weapon.objects.filter(serial_norm__in={norm for _t, norm in wanted}).values_list(
        "weapon_type_id", "serial_norm"
    )
    for key in taken:
        if key in wanted:
            raise ConflictError(
                gettext_noop("Serial %(serial)s was registered meanwhile by another voucher."),
                params={"serial": wanted[key]},
                details={"serial": gettext_noop("Already registered.")},
            )


def _new_weapon(v: Header, serial: str, data: dict, holding: tuple) -> Weapon:
    """The (unsaved) record of a weapon received for the first time, with its holding."""
    data = dict(data)
    weapon_type_id, norm = data.pop("weapon_type"), data.pop("serial_norm")
    status, site_id, location_id, custodian_id, unit, destination_id = holding
    return Weapon(
        serial=serial,
        serial_norm=norm,
        weapon_type_id=weapon_type_id,
        owner_id=v.organisation_id,
        status=status,
        site_id=site_id,
        location_id=location_id,
        custodian_id=custodian_id,
        custodian_unit=unit,
        destination_id=destination_id,
        **data,
    )


def write_holdings(rows: list[tuple], when) -> None:
    """(status, site, location, custodian, unit, destination, weapon id) per weapon."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {WEAPON_TABLE} SET status = %s, site_id = %s, location_id = %s, "  # noqa: S608
            "custodian_id = %s, custodian_unit = %s, destination_id = %s, updated_at = %s "
            "WHERE id = %s",
            [(*row[:6], when, row[6]) for row in rows],
        )


def write_lines(rows: list[tuple]) -> None:
    """(weapon id, before, after, line id) per line."""
    if not rows:
        return

    def adapt(value):
        return None if value is None else connection.ops.adapt_json_value(value, None)

    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {LINE_TABLE} SET weapon_id = %s, before = %s, after = %s "  # noqa: S608
            "WHERE id = %s",
            [(w, adapt(before), adapt(after), line) for w, before, after, line in rows],
        )


def holding_of(weapon: Weapon) -> Holding:
    """The holding of a weapon model instance (site, location, destination loaded)."""
    return Holding(
        Status(weapon.status),
        weapon.site.code,
        location=weapon.location.code if weapon.location_id else "",
        custodian=custodian_ref(weapon.custodian_id, weapon.custodian_unit),
        destination=weapon.destination.code if weapon.destination_id else "",
    )
