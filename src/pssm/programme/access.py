"""Which countries' programme records a user may see or edit (through
:mod:`pssm.accounts.authz`).

A national commission's grant is on its country; the programme viewer's and the programme
staff's are everywhere (or on the countries they follow)."""

from __future__ import annotations

from pssm.accounts import authz
from pssm.domain.access import Action, Scope
from pssm.domain.errors import PermissionDeniedError, gettext_noop
from pssm.sites.models import Country


def countries_for(user, action: Action = Action.PROGRAMME_VIEW) -> list[str]:
    """The codes of the countries whose records ``action`` reaches, sorted. The programme's
    records belong to countries, so only grants on a country or everywhere reach them (as
    :func:`pssm.domain.access.grant_covers` says: a site's grant covers that site only)."""
    reach = authz.reach_of(user, action)
    if reach.everywhere:
        return list(Country.objects.order_by("code").values_list("code", flat=True))
    return sorted(reach.countries)


def check_view(user) -> list[str]:
    """Raise unless the user sees some programme record; return the countries seen."""
    authz.check_anywhere(user, Action.PROGRAMME_VIEW)
    return countries_for(user)


def check_edit(user, country_codes) -> None:
    """Raise unless the user may edit records of every one of ``country_codes``."""
    codes = sorted(set(country_codes))
    if not codes:
        authz.check(user, Action.PROGRAMME_EDIT, None)
        return
    for code in codes:
        if not authz.can(user, Action.PROGRAMME_EDIT, Scope(country=code)):
            raise PermissionDeniedError(
                gettext_noop("You may not edit the programme's records of %(country)s."),
                params={"country": code},
                details={"countries": code},
            )


def can_edit(user, country_codes) -> bool:
    try:
        check_edit(user, country_codes)
    except PermissionDeniedError:
        return False
    return True
