"""The navigation menu, built from what the signed-in user may do."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pssm.accounts import authz
from pssm.domain.access import Action

MENU = [
    ("core:dashboard", _("Dashboard"), None),
    ("registry:weapon_list", _("Weapons"), Action.SERIALS_VIEW),
    ("movements:voucher_list", _("Vouchers"), Action.SERIALS_VIEW),
    ("movements:case_list", _("Discrepancies"), Action.SERIALS_VIEW),
    ("movements:destruction_list", _("Destructions"), Action.AGGREGATES_VIEW),
    ("registry:person_list", _("Persons"), Action.SERIALS_VIEW),
    ("ammunition:lot_list", _("Ammunition"), Action.SERIALS_VIEW),
    ("ammunition:safety", _("Explosives safety"), Action.AGGREGATES_VIEW),
    ("sites:site_list", _("Sites"), Action.GEO_VIEW),
    ("sites:organisation_list", _("Organisations"), Action.GEO_VIEW),
    ("sites:country_list", _("Countries"), Action.GEO_VIEW),
    ("journal:entry_list", _("Journal"), Action.JOURNAL_VIEW),
    ("sync:status", _("Synchronisation"), Action.SYNC_RUN),
    ("inspections:inspection_list", _("Inspections"), Action.AGGREGATES_VIEW),
    ("inspections:compliance", _("Compliance"), Action.AGGREGATES_VIEW),
    ("reports:dashboard", _("National reports"), Action.AGGREGATES_VIEW),
    ("imports:job_list", _("Imports"), Action.DATA_IMPORT),
    ("accounts:user_list", _("Users and roles"), Action.ROLES_MANAGE),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    items = []
    for name, label, action in MENU:
        if action is None or authz.can_anywhere(user, action):
            prefix = name.rsplit("_", 1)[0]  # "sites:site" marks site_detail, site_edit...
            items.append(
                {"url": reverse(name), "label": label, "active": current.startswith(prefix)}
            )
    return {
        "nav_items": items,
        # The global search box needs the serial-level view somewhere.
        "can_search": authz.can_anywhere(user, Action.SERIALS_VIEW),
    }
