from pssm.accounts import authz
from pssm.domain.access import Action
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
