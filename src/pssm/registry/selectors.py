"""Reads of the registry, filtered to what the user may see (serial-level data needs the
serials.view right: the programme viewer never gets it)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pssm.accounts import authz
from pssm.domain import serials
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop

from .models import Person, SerialKey, Weapon, WeaponType

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
    if f.get("weapon_type"):
        qs = qs.filter(weapon_type_id=f["weapon_type"])
    if f.get("owner"):
        qs = qs.filter(owner__code=f["owner"])
    if f.get("type_q"):
        qs = qs.filter(weapon_type__search_text__icontains=f["type_q"].lower())
    if f.get("serial"):
        ids = [w.pk for _m, w in weapon_search(user=user, query=f["serial"], limit=500)]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("serial_norm", "pk")


def weapon_get(*, user, pk: int) -> Weapon:
    weapon = weapons_visible(user).select_related(*WEAPON_RELATED).filter(pk=pk).first()
    if weapon is None:
        raise NotFoundError(gettext_noop("No such weapon."))
    return weapon


def weapon_search(*, user, query: str, limit: int = 20) -> list[tuple[serials.Match, Weapon]]:
    """Weapons whose serial matches ``query`` exactly, once normalised, or within one edit,
    best first (see pssm.domain.serials)."""
    norm = serials.normalise(query)
    if not norm:
        return []
    # A weapon's keys include its whole normalised serial, so one indexed look-up finds the
    # exact, normalised and near candidates alike.
    ids = SerialKey.objects.filter(key__in=serials.deletion_keys(norm)).values("weapon_id")
    candidates = (
        weapons_visible(user).filter(pk__in=ids).select_related(*WEAPON_RELATED)[: limit * 20]
    )
    ranked = serials.rank(query, [serials.Candidate(w.serial, w) for w in candidates])
    return [(match, cand.ref) for match, cand in ranked[:limit]]


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


def person_get(*, user, pk: int) -> Person:
    person = person_list(user=user).filter(pk=pk).first()
    if person is None:
        raise NotFoundError(gettext_noop("No such person."))
    return person
