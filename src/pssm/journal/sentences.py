"""The journal as people read it: each kind of entry by its name in the user's language
(``voucher.submitted`` is "Voucher submitted for approval"), and an entry as a sentence that
names what it is about (the voucher, the case, the serial, the site, the user) from its
content. The content itself stays as it was recorded, shown on demand."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVENT_LABELS = {
    "access.entered": gettext_lazy("Entry into a building recorded"),
    "access.left": gettext_lazy("Exit from a building recorded"),
    "building.created": gettext_lazy("Building created"),
    "building.updated": gettext_lazy("Building changed"),
    "corrective_action.added": gettext_lazy("Corrective action added"),
    "corrective_action.closed": gettext_lazy("Corrective action closed"),
    "count.closed": gettext_lazy("Stock check closed and compared with the books"),
    "count.scan_undone": gettext_lazy("Scan of a stock check undone"),
    "count.started": gettext_lazy("Stock check started"),
    "country.created": gettext_lazy("Country created"),
    "country.second_factor_set": gettext_lazy("Second factor rule of a country set"),
    "country.updated": gettext_lazy("Country changed"),
    "destruction.photo_added": gettext_lazy("Destruction photo added"),
    "destruction.planned": gettext_lazy("Destruction planned"),
    "destruction.recorded": gettext_lazy("Destruction recorded"),
    "discrepancy.closed": gettext_lazy("Discrepancy case closed"),
    "discrepancy.found_again": gettext_lazy("Gap found again on an open case"),
    "discrepancy.investigated": gettext_lazy("Investigation note recorded"),
    "discrepancy.opened": gettext_lazy("Discrepancy case opened"),
    "discrepancy.recounted": gettext_lazy("Recount recorded"),
    "discrepancy.reopened": gettext_lazy("Discrepancy case reopened"),
    "discrepancy.settlement_submitted": gettext_lazy("Write-off or adjustment submitted"),
    "exposed_site.created": gettext_lazy("Exposed site created"),
    "import.ammunition": gettext_lazy("Ammunition stock list imported"),
    "import.weapons": gettext_lazy("Weapons register imported"),
    "inspection.answered": gettext_lazy("Inspection answers recorded"),
    "inspection.closed": gettext_lazy("Inspection closed"),
    "inspection.photo_added": gettext_lazy("Inspection photo added"),
    "inspection.started": gettext_lazy("Inspection started"),
    "journal.baseline": gettext_lazy("Journal baseline"),
    "key.issued": gettext_lazy("Key issued"),
    "key.registered": gettext_lazy("Key registered"),
    "key.returned": gettext_lazy("Key returned"),
    "licence.issued": gettext_lazy("Explosives licence issued"),
    "location.created": gettext_lazy("Storage location created"),
    "location.updated": gettext_lazy("Storage location changed"),
    "lot.inspected": gettext_lazy("Lot inspected"),
    "lot.suspended": gettext_lazy("Lot suspended"),
    "lot.suspension_lifted": gettext_lazy("Lot suspension lifted"),
    "nature.created": gettext_lazy("Ammunition nature created"),
    "organisation.created": gettext_lazy("Organisation created"),
    "organisation.updated": gettext_lazy("Organisation changed"),
    "person.created": gettext_lazy("Person registered"),
    "qd.reviewed": gettext_lazy("Quantity-distance review"),
    "role.granted": gettext_lazy("Role granted"),
    "role.revoked": gettext_lazy("Role revoked"),
    "rule.overridden": gettext_lazy("National value of a rule set"),
    "site.created": gettext_lazy("Site created"),
    "site.updated": gettext_lazy("Site changed"),
    "user.created": gettext_lazy("User account created"),
    "user.deactivated": gettext_lazy("User account deactivated"),
    "user.language_set": gettext_lazy("Language of a user set"),
    "user.password_changed": gettext_lazy("Password changed"),
    "user.reactivated": gettext_lazy("User account reactivated"),
    "user.second_factor_enrolled": gettext_lazy("Second factor enrolled"),
    "user.second_factor_reset": gettext_lazy("Second factor reset"),
    "user.temporary_password_set": gettext_lazy("Temporary password set"),
    "user.token_issued": gettext_lazy("API token issued"),
    "user.token_revoked": gettext_lazy("API token revoked"),
    "user.unlocked": gettext_lazy("User account unlocked"),
    "voucher.cancelled": gettext_lazy("Voucher cancelled"),
    "voucher.created": gettext_lazy("Voucher opened as a draft"),
    "voucher.line_added": gettext_lazy("Line added to a voucher"),
    "voucher.line_removed": gettext_lazy("Line removed from a voucher"),
    "voucher.lines_added": gettext_lazy("Lines added to a voucher"),
    "voucher.posted": gettext_lazy("Voucher approved and posted"),
    "voucher.sent_back": gettext_lazy("Voucher sent back to its preparer"),
    "voucher.submitted": gettext_lazy("Voucher submitted for approval"),
    "waiver.granted": gettext_lazy("Safety waiver granted"),
    "waiver.revoked": gettext_lazy("Safety waiver revoked"),
    "weapon.photo_added": gettext_lazy("Weapon photo added"),
    "weapon_type.created": gettext_lazy("Weapon type created"),
}

# What an entry is about, from its content: (key, how it is named), first found first.
SUBJECTS = (
    ("number", gettext_lazy("voucher %(value)s")),
    ("case", gettext_lazy("case %(value)s")),
    ("serial", gettext_lazy("serial %(value)s")),
    ("lot", gettext_lazy("lot %(value)s")),
    ("username", gettext_lazy("user %(value)s")),
    ("code", gettext_lazy("%(value)s")),
)


def label(kind: str) -> str:
    """The name of a kind of entry in the active language (the kind itself if unknown)."""
    return str(EVENT_LABELS.get(kind, kind))


def sentence(entry) -> str:
    """The entry in one sentence: what happened, to what, where, by whom."""
    try:
        payload = json.loads(entry.payload) if isinstance(entry.payload, str) else entry.payload
    except ValueError:
        payload = {}
    payload = payload if isinstance(payload, dict) else {}
    about = ""
    for key, text in SUBJECTS:
        value = payload.get(key)
        if isinstance(value, str | int) and str(value):
            about = str(text) % {"value": value}
            break
    count = payload.get("serials") if isinstance(payload.get("serials"), list) else None
    parts = {
        "what": label(entry.kind),
        "about": about,
        "site": entry.scope_site or entry.scope_organisation or entry.scope_country or "",
        "actor": entry.actor,
    }
    text = _("%(what)s") % parts
    if about:
        text = _("%(what)s: %(about)s") % parts
    if count:
        text += " " + _("(%(n)s serials)") % {"n": len(count)}
    if parts["site"]:
        text += ", " + _("at %(site)s") % parts
    return text + ", " + _("by %(actor)s.") % parts
