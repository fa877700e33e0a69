from pssm.accounts import authz
from pssm.domain.access import Action, Role
from pssm.domain.errors import NotFoundError, gettext_noop

from .models import Inspection


def inspection_list(*, user, site_code: str = ""):
    qs = authz.scoped(
        user, Action.AGGREGATES_VIEW, Inspection.objects.select_related("site", "inspector")
    )
    if site_code:
        qs = qs.filter(site__code=site_code.upper())
    return qs


def inspection_get(*, user, pk: int) -> Inspection:
    found = inspection_list(user=user).select_related("template").filter(pk=pk).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such inspection in your reach."))
    return found


def count_list(*, user, site_code: str = ""):
    """Stock checks the user may see (serial-level: those who see serials at the site)."""
    from .models import Count

    authz.check_anywhere(user, Action.SERIALS_VIEW)
    qs = authz.scoped(
        user,
        Action.SERIALS_VIEW,
        Count.objects.select_related("site", "building", "location", "counter", "closed_by"),
    )
    if site_code:
        qs = qs.filter(site__code=site_code.upper())
    return qs


def count_get(*, user, pk: int):
    found = count_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such count in your reach."))
    return found


def count_locations(count):
    """The active storage locations a count covers: its location, its building's, or the
    site's."""
    from pssm.sites.models import StorageLocation

    locations = StorageLocation.objects.filter(building__site=count.site_id, is_active=True)
    if count.location_id:
        locations = locations.filter(pk=count.location_id)
    elif count.building_id:
        locations = locations.filter(building_id=count.building_id)
    return locations.order_by("code")


def key_register(site) -> list[tuple]:
    """The site's active keys, each with its open loan (or None): two queries."""
    from .models import Key, KeyLoan

    out = {
        loan.key_id: loan
        for loan in KeyLoan.objects.filter(key__site=site, returned_at__isnull=True)
    }
    return [(k, out.get(k.pk)) for k in Key.objects.filter(site=site, is_active=True)]


def access_entries(site, limit: int = 200):
    """The latest entries of the site's access log."""
    from .models import AccessEntry

    return AccessEntry.objects.filter(building__site=site).select_related("building")[:limit]


def site_commander(site):
    """The user holding the site commander's role on ``site`` (the most recent grant still
    in force), who receives the inspection report; None when no one does."""
    from pssm.accounts.models import RoleGrant

    grant = (
        RoleGrant.objects.filter(
            role=Role.SITE_COMMANDER, level="site", site=site, revoked_at__isnull=True
        )
        .select_related("user")
        .order_by("-granted_at", "-pk")
        .first()
    )
    return grant.user if grant else None
