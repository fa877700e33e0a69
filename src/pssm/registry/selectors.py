"""Reads of the registry, filtered to what the user may see (serial-level data needs the
serials.view right: the programme viewer never gets it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from pssm.accounts import authz
from pssm.core.edges import whole_number
from pssm.domain import serials
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop

from .models import Person, Weapon, WeaponType

WEAPON_RELATED = (
    "weapon_type",
    "site",
    "site__organisation__country",
    "location",
    "custodian",
    "destination",
    "owner",
)


def weapons_visible(user) -> QuerySet[Weapon]:
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    return authz.scoped(user, Action.SERIALS_VIEW, Weapon.objects.all())


def weapon_list(*, user, filters: dict | None = None) -> QuerySet[Weapon]:
    qs = weapons_visible(user).select_related(*WEAPON_RELATED)
    f = filters or {}
    if f.get("site"):
        qs = qs.filter(site__code=f["site"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("category"):
        qs = qs.filter(weapon_type__category=f["category"])
    weapon_type = whole_number(f.get("weapon_type"), "weapon_type")
    if weapon_type is not None:
        qs = qs.filter(weapon_type_id=weapon_type)
    if f.get("owner"):
        qs = qs.filter(owner__code=f["owner"])
    if f.get("type_q"):
        qs = qs.filter(weapon_type__search_text__icontains=f["type_q"].lower())
    if f.get("serial"):
        found = weapon_search(user=user, query=f["serial"], limit=500, near=wants_near(f))
        ids = [hit.id for _m, hit in found]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("serial_norm", "pk")


def weapon_get(*, user, pk: int) -> Weapon:
    weapon = weapons_visible(user).select_related(*WEAPON_RELATED).filter(pk=pk).first()
    if weapon is None:
        raise NotFoundError(gettext_noop("No such weapon."))
    return weapon


@dataclass(frozen=True)
class WeaponHit:
    """One search result, read in a single SQL statement (the search is the hot path)."""

    id: int
    serial: str
    status: str
    category: str
    weapon_type: str
    site: str
    location: str
    custodian: str
    destination: str


# A weapon's keys include its whole normalised serial, so one indexed look-up on the keys
# finds the exact, normalised and near candidates alike. Labels come from scalar sub-selects
# rather than joins: PostgreSQL then spends well under a millisecond planning the statement.
_HIT_SQL = """
SELECT w.id, w.serial, w.status,
  (SELECT t.category FROM registry_weapontype t WHERE t.id = w.weapon_type_id),
  (SELECT t.make || ' ' || t.model || ' (' || t.calibre || ')'
     FROM registry_weapontype t WHERE t.id = w.weapon_type_id),
  (SELECT s.code FROM sites_site s WHERE s.id = w.site_id),
  (SELECT l.code FROM sites_storagelocation l WHERE l.id = w.location_id),
  (SELECT TRIM(p.rank || ' ' || UPPER(p.last_name) || ' ' || p.first_name)
     || ' (' || p.service_number || ')' FROM registry_person p WHERE p.id = w.custodian_id),
  w.custodian_unit,
  (SELECT d.code FROM sites_site d WHERE d.id = w.destination_id)
FROM {weapons}
WHERE {among} {scope}
LIMIT {limit}
"""
_SCOPE_SQL = """AND w.site_id IN (SELECT s.id FROM sites_site s
  JOIN sites_organisation o ON o.id = s.organisation_id
  JOIN sites_country c ON c.id = o.country_id WHERE {condition})"""


def _scope_sql(reach) -> tuple[str, list]:
    if reach.everywhere:
        return "", []
    parts, params = [], []
    for column, codes in (
        ("c.code", reach.countries),
        ("o.code", reach.organisations),
        ("s.code", reach.sites),
    ):
        if codes:
            parts.append(f"{column} IN ({', '.join(['%s'] * len(codes))})")
            params.extend(sorted(codes))
    return _SCOPE_SQL.format(condition=" OR ".join(parts or ["1 = 0"])), params


def weapons_by_serial(norms: list[str]) -> tuple[str, str, list]:
    """SQL for the weapons (alias ``w``) whose normalised serial is one of ``norms``: a FROM
    item, a WHERE condition and their parameters. Each serial is one look-up in the index that
    leads with the normalised serial, whatever the planner's statistics say: on PostgreSQL a
    lateral subquery per serial (OFFSET 0 keeps it from being merged into a scan of the whole
    registry, which stale statistics or a long list would otherwise choose), the serials
    passed as one comma-separated text (they are letters and digits only); on SQLite an IN
    list, which SQLite always reads through the index."""
    if connection.vendor == "postgresql":
        return (
            "unnest(string_to_array(%s, ',')) AS wanted(norm) CROSS JOIN LATERAL (SELECT * "
            "FROM registry_weapon x WHERE x.serial_norm = wanted.norm OFFSET 0) w",
            "TRUE",
            [",".join(norms)],
        )
    return "registry_weapon w", f"w.serial_norm IN ({', '.join(['%s'] * len(norms))})", norms


def wants_near(filters: dict) -> bool:
    """Whether a list filtered by serial also asks for the serials one character off."""
    return str(filters.get("near", "")).lower() in {"1", "on", "true", "yes"}


def weapon_search(
    *, user, query: str, limit: int = 20, near: bool = False
) -> list[tuple[serials.Match, WeaponHit]]:
    """Weapons whose serial matches ``query`` exactly or once normalised, best first (see
    pssm.domain.serials), among those the user may see. Near matches (one edit away) are
    looked up when nothing matches better, or always with ``near``: a serial that is in the
    registry is answered by one index look-up, a mistyped one by a few hundred."""
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    norm = serials.normalise(query)
    if not norm:
        return []
    scope = _scope_sql(authz.reach_of(user, Action.SERIALS_VIEW))
    hits = _hits([norm], scope, limit)
    if near or not hits:
        hits += _hits(sorted(serials.neighbours(norm)), scope, limit)
    ranked = serials.rank(query, [serials.Candidate(h.serial, h) for h in hits])
    return [(match, cand.ref) for match, cand in ranked[:limit]]


def _hits(norms: list[str], scope: tuple[str, list], limit: int) -> list[WeaponHit]:
    """The visible weapons whose normalised serial is one of ``norms``."""
    if not norms:
        return []
    weapons, among, params = weapons_by_serial(norms)
    sql = _HIT_SQL.format(weapons=weapons, among=among, scope=scope[0], limit=int(limit) * 20)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *scope[1]])
        rows = cursor.fetchall()
    return [
        WeaponHit(
            pk,
            serial,
            status,
            category,
            type_label,
            site,
            location or "",
            person or unit or "",
            destination or "",
        )
        for (
            pk,
            serial,
            status,
            category,
            type_label,
            site,
            location,
            person,
            unit,
            destination,
        ) in rows
    ]


def weapon_type_list(*, q: str = "") -> QuerySet[WeaponType]:
    qs = WeaponType.objects.all()
    if q:
        qs = qs.filter(search_text__icontains=q.strip().lower())
    return qs


def person_list(*, user, filters: dict | None = None) -> QuerySet[Person]:
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    qs = authz.scoped(user, Action.SERIALS_VIEW, Person.objects.select_related("site"))
    f = filters or {}
    if f.get("site"):
        qs = qs.filter(site__code=f["site"])
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(service_number__icontains=q)
        )
    return qs


def person_list_with_holdings(*, user) -> QuerySet[Person]:
    """Persons with ``held``: how many weapons each holds now."""
    return person_list(user=user).annotate(
        held=Count("weapons", filter=Q(weapons__status="issued"))
    )


def person_get(*, user, pk: int) -> Person:
    person = person_list(user=user).filter(pk=pk).first()
    if person is None:
        raise NotFoundError(gettext_noop("No such person."))
    return person
