"""The approval of the everyday vouchers in plain SQL: issue, return, loan, transfer dispatch,
loss report and status change of registered weapons (no ammunition, no new weapon, no
settlement of a discrepancy case).

These are most of the postings of a national registry, and their cost was mostly the ORM
compiling the same joined queries again and again. Here the same steps run as a handful of
fixed statements: lock the voucher, lock its weapons in id order, read the codes they refer
to, check every line with :func:`pssm.domain.ledger.apply`, write the holdings, the lines, the
voucher and the journal entry. The checks, the messages and the journal entry are exactly
those of the general path (:func:`.services.voucher_approve`), which handles every other
voucher; tests post the same vouchers both ways and compare.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection

from pssm.accounts import authz
from pssm.domain.access import Action, Scope
from pssm.domain.errors import PermissionDeniedError, gettext_noop
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
from pssm.registry.models import Person

FAST_KINDS = frozenset(
    {Kind.ISSUE, Kind.RETURN, Kind.LOAN, Kind.TRANSFER, Kind.LOSS, Kind.STATUS_CHANGE}
)

_LOCK_SQL = """
SELECT v.id, v.number, v.kind, v.reason, v.state, v.prepared_by_id, v.above_site,
  v.location_id, v.custodian_id, v.custodian_unit, v.destination_id, v.site_id,
  u.username, s.code, o.code, c.code,
  (SELECT COUNT(*) FROM movements_voucherline x WHERE x.voucher_id = v.id),
  (SELECT COUNT(*) FROM movements_voucherline x WHERE x.voucher_id = v.id
     AND x.weapon_id IS NOT NULL AND x.lot_id IS NULL AND x.new_weapon IS NULL)
FROM movements_voucher v
JOIN accounts_user u ON u.id = v.prepared_by_id
JOIN sites_site s ON s.id = v.site_id
JOIN sites_organisation o ON o.id = s.organisation_id
JOIN sites_country c ON c.id = o.country_id
WHERE v.id = %s{lock}
"""
_LINES_SQL = """
SELECT l.id, l.location_id, w.id, w.serial, w.status, w.site_id, w.location_id,
  w.custodian_id, w.custodian_unit, w.destination_id, w.on_hold
FROM movements_voucherline l JOIN registry_weapon w ON w.id = l.weapon_id
WHERE l.voucher_id = %s ORDER BY w.id{lock}
"""


def _in(ids) -> tuple[str, list]:
    ids = sorted({i for i in ids if i is not None})
    return ", ".join(["%s"] * len(ids)), ids


def approve(actor, voucher_pk: int):
    """Approve and post inside the caller's transaction; return the posted voucher's new
    values, or None when this voucher is not one of these simple kinds (the caller then
    takes the general path, still holding the lock taken here)."""
    from .services import _now, _state_conflict, _write_holding_rows, _write_line_rows, frozen_error

    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL.format(lock=" FOR UPDATE OF v" if pg else ""), [voucher_pk])
        row = cursor.fetchone()
        if row is None:
            return None
        (
            pk,
            number,
            kind,
            reason,
            state,
            prepared_by_id,
            above_site,
            v_location_id,
            v_custodian_id,
            v_custodian_unit,
            v_destination_id,
            site_id,
            prepared_by,
            site_code,
            org_code,
            country_code,
            n_lines,
            n_weapon_lines,
        ) = row
        if Kind(kind) not in FAST_KINDS or above_site or not n_lines or n_lines != n_weapon_lines:
            return None
        scope = Scope(country_code, org_code, site_code)
        authz.check(actor, Action.VOUCHER_APPROVE, scope)
        if state != "submitted":
            raise _state_conflict(SimpleNamespace(number=number, state=state), "submitted")
        if prepared_by_id == actor.pk:
            raise PermissionDeniedError(
                gettext_noop(
                    "Two-person rule: the person who prepared a voucher cannot approve it."
                ),
                code="two_person_rule",
            )
        cursor.execute(_LINES_SQL.format(lock=" FOR UPDATE OF w" if pg else ""), [pk])
        lines = sorted(cursor.fetchall())  # locked in weapon order, checked in line order
        site_ids = {site_id, v_destination_id}
        location_ids = {v_location_id}
        for _l, l_loc, _w, _s, _st, w_site, w_loc, _c, _u, w_dest, _h in lines:
            site_ids |= {w_site, w_dest}
            location_ids |= {l_loc, w_loc}
        s_in, s_ids = _in(site_ids)
        l_in, l_ids = _in(location_ids)
        sql = f"SELECT 's', id, code FROM sites_site WHERE id IN ({s_in})"  # noqa: S608
        if l_ids:
            sql += (
                f" UNION ALL SELECT 'l', id, code FROM sites_storagelocation WHERE id IN ({l_in})"  # noqa: E501,S608
            )
        cursor.execute(sql, [*s_ids, *l_ids])
        codes = {(t, i): code for t, i, code in cursor.fetchall()}
        custodian_label = v_custodian_unit
        if v_custodian_id:
            cursor.execute(
                "SELECT rank, last_name, first_name, service_number FROM registry_person "
                "WHERE id = %s",
                [v_custodian_id],
            )
            rank, last, first, service = cursor.fetchone()
            custodian_label = str(
                Person(rank=rank, last_name=last, first_name=first, service_number=service)
            )
    site_by_code = {code: i for (t, i), code in codes.items() if t == "s"}
    location_by_code = {code: i for (t, i), code in codes.items() if t == "l"}
    custodian = custodian_ref(v_custodian_id, v_custodian_unit)
    k = Kind(kind)
    records, holdings, line_rows = [], [], []
    for line_id, l_loc, w_id, serial, status, w_site, w_loc, w_cust, w_unit, w_dest, hold in lines:
        if k in BLOCKED_WHEN_FROZEN and hold:
            raise frozen_error(w_id, serial)
        before = Holding(
            Status(status),
            codes[("s", w_site)],
            location=codes[("l", w_loc)] if w_loc else "",
            custodian=custodian_ref(w_cust, w_unit),
            destination=codes[("s", w_dest)] if w_dest else "",
        )
        location_id = l_loc or v_location_id
        ledger_line = Line(
            k,
            site_code,
            location=codes[("l", location_id)] if location_id else "",
            custodian=custodian,
            destination=codes[("s", v_destination_id)] if v_destination_id else "",
            reason=reason,
        )
        try:
            after = apply(before, ledger_line)
        except LedgerError as exc:
            exc.details.setdefault("serial", serial)
            exc.params.setdefault("serial", serial)
            raise
        new_custodian_id, new_unit = custodian_parts(after.custodian)
        holdings.append(
            (
                after.status.value,
                site_by_code[after.site],
                location_by_code[after.location] if after.location else None,
                new_custodian_id,
                new_unit,
                site_by_code[after.destination] if after.destination else None,
                w_id,
            )
        )
        line_rows.append((w_id, before.as_dict(), after.as_dict(), line_id))
        records.append(
            {"serial": serial, "weapon": w_id, "before": before.as_dict(), "after": after.as_dict()}
        )
    now = _now()
    _write_holding_rows(holdings, now)
    _write_line_rows(line_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE movements_voucher SET state = %s, approved_by_id = %s, approved_at = %s, "
            "posted_at = %s WHERE id = %s",
            ["posted", actor.pk, now, now, pk],
        )
    header = {
        "number": number,
        "kind": kind,
        "reason": reason,
        "site": site_code,
        "location": codes[("l", v_location_id)] if v_location_id else "",
        "custodian": custodian_label,
        "destination": codes[("s", v_destination_id)] if v_destination_id else "",
        "dispatch": "",
        "reverses": "",
    }
    from pssm.journal.services import journal_append

    journal_append(
        actor=actor,
        kind="voucher.posted",
        payload={
            **header,
            "prepared_by": prepared_by,
            "approved_by": actor.username,
            "lines": records,
        },
        scope=scope,
        now=now,
    )
    return {"state": "posted", "approved_by": actor, "approved_at": now, "posted_at": now}
