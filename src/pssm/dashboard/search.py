"""The global search: one box for a serial (exact, normalised, one character off, or a part
of at least four characters), a voucher number, a person (name or service number) and an
ammunition lot, among what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from pssm.accounts import authz
from pssm.ammunition import selectors as ammunition_selectors
from pssm.domain import serials
from pssm.domain.access import Action
from pssm.movements import selectors as movement_selectors
from pssm.registry import selectors as registry_selectors

MIN_PARTIAL = 4  # characters of a normalised serial before a part of it is searched
LIMIT = 20  # results per kind; the list pages show the rest
MAX_QUERY = 64


@dataclass
class Results:
    query: str
    serials: list = field(default_factory=list)  # (match, WeaponHit), best first
    partial: list = field(default_factory=list)  # Weapon, serial containing the query
    vouchers: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    lots: list = field(default_factory=list)
    too_short: bool = False

    @property
    def count(self) -> int:
        return sum(
            len(part)
            for part in (self.serials, self.partial, self.vouchers, self.persons, self.lots)
        )


def can_search(user) -> bool:
    return authz.can_anywhere(user, Action.SERIALS_VIEW)


def global_search(*, user, query: str, limit: int = LIMIT) -> Results:
    """What matches ``query`` (trimmed, at most 64 characters), by kind.

    Raises PermissionDeniedError for a user who may see no serial-level record."""
    authz.check_anywhere(user, Action.SERIALS_VIEW)
    query = (query or "").strip()[:MAX_QUERY]
    results = Results(query=query)
    if not query:
        return results
    norm = serials.normalise(query)
    if norm:
        results.serials = registry_selectors.weapon_search(user=user, query=query, limit=limit)
        if len(norm) >= MIN_PARTIAL:
            found = {hit.id for _m, hit in results.serials}
            results.partial = list(
                registry_selectors.weapons_visible(user)
                .filter(serial_norm__contains=norm)
                .exclude(pk__in=found)
                .select_related("weapon_type", "site", "location", "custodian", "destination")
                .order_by("serial_norm", "pk")[:limit]
            )
        else:
            results.too_short = True
    results.vouchers = list(
        movement_selectors.vouchers_visible(user)
        .filter(number__icontains=query)
        .select_related("site", "custodian")
        .order_by("-created_at", "-pk")[:limit]
    )
    words = query.split()
    persons = registry_selectors.person_list(user=user)
    for word in words[:4]:
        persons = persons.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(service_number__icontains=word)
        )
    results.persons = list(persons.order_by("last_name", "first_name", "pk")[:limit])
    results.lots = list(ammunition_selectors.lot_list(user=user, query=query)[:limit])
    return results
