"""The name of each kind of journal entry in the user's language (the journal stores the
stable code, ``voucher.posted``; pages show "Voucher posted" or « Bon comptabilisé »)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "access.entered": _("Entry into the storage area"),
    "access.left": _("Exit from the storage area"),
    "building.created": _("Building created"),
    "building.updated": _("Building changed"),
    "corrective_action.added": _("Corrective action opened"),
    "corrective_action.closed": _("Corrective action closed"),
    "count.closed": _("Count closed"),
    "count.started": _("Count started"),
    "country.created": _("Country created"),
    "country.second_factor_set": _("Second factor policy of the country changed"),
    "country.updated": _("Country changed"),
    "destruction.photo_added": _("Photo of a destruction added"),
    "destruction.planned": _("Destruction planned"),
    "destruction.recorded": _("Destruction recorded"),
    "discrepancy.closed": _("Discrepancy closed"),
    "discrepancy.found_again": _("Missing item found again"),
    "discrepancy.investigated": _("Discrepancy investigated"),
    "discrepancy.opened": _("Discrepancy opened"),
    "discrepancy.recounted": _("Discrepancy recounted"),
    "discrepancy.reopened": _("Discrepancy reopened"),
    "discrepancy.settlement_submitted": _("Settlement of a discrepancy submitted"),
    "exposed_site.created": _("Exposed site recorded"),
    "import.ammunition": _("Ammunition stock list imported"),
    "import.value_mapped": _("Value mapped in imports"),
    "import.weapons": _("Weapons register imported"),
    "inspection.answered": _("Inspection answers recorded"),
    "inspection.closed": _("Inspection closed"),
    "inspection.photo_added": _("Photo of an inspection added"),
    "inspection.started": _("Inspection started"),
    "journal.baseline": _("Journal baseline"),
    "key.issued": _("Key issued"),
    "key.registered": _("Key registered"),
    "key.returned": _("Key returned"),
    "licence.issued": _("Explosives licence issued"),
    "location.created": _("Storage location created"),
    "location.updated": _("Storage location changed"),
    "lot.inspected": _("Lot inspected"),
    "lot.suspended": _("Lot suspended"),
    "lot.suspension_lifted": _("Lot suspension lifted"),
    "nature.created": _("Ammunition nature created"),
    "organisation.created": _("Organisation created"),
    "organisation.updated": _("Organisation changed"),
    "person.created": _("Person registered"),
    "qd.reviewed": _("Quantity-distances reviewed"),
    "role.granted": _("Role granted"),
    "role.revoked": _("Role revoked"),
    "rule.overridden": _("National value of a safety rule set"),
    "site.created": _("Site created"),
    "site.updated": _("Site changed"),
    "user.created": _("User created"),
    "user.deactivated": _("User deactivated"),
    "user.language_set": _("Language of a user set"),
    "user.password_changed": _("Password changed"),
    "user.reactivated": _("User reactivated"),
    "user.second_factor_enrolled": _("Second factor enrolled"),
    "user.second_factor_reset": _("Second factor reset"),
    "user.temporary_password_set": _("Temporary password set"),
    "user.token_issued": _("API token issued"),
    "user.token_revoked": _("API token revoked"),
    "user.unlocked": _("User unlocked"),
    "voucher.cancelled": _("Voucher cancelled"),
    "voucher.created": _("Voucher created"),
    "voucher.line_added": _("Line added to a voucher"),
    "voucher.line_removed": _("Line removed from a voucher"),
    "voucher.lines_added": _("Lines added to a voucher"),
    "voucher.posted": _("Voucher posted"),
    "voucher.sent_back": _("Voucher sent back"),
    "voucher.submitted": _("Voucher submitted"),
    "waiver.granted": _("Safety waiver granted"),
    "waiver.revoked": _("Safety waiver revoked"),
    "weapon.photo_added": _("Photo of a weapon added"),
    "weapon_type.created": _("Weapon type created"),
}


def event_label(kind: str) -> str:
    """The name of ``kind`` in the active language; a kind this version does not know (one
    written by a newer node) is shown as "Other entry (code)"."""
    label = EVENT_LABELS.get(kind)
    if label is not None:
        return str(label)
    return str(_("Other entry (%(code)s)") % {"code": kind})
