"""CSV and XLSX exports of a filtered weapon list."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pssm.core.exports import table_response

COLUMNS = [
    ("serial", lambda w: w.serial),
    ("type", lambda w: str(w.weapon_type)),
    ("category", lambda w: w.weapon_type.get_category_display()),
    ("status", lambda w: w.get_status_display()),
    ("site", lambda w: w.site.code),
    ("location", lambda w: w.location.code if w.location_id else ""),
    ("custodian", lambda w: w.custodian_label),
    ("destination", lambda w: w.destination.code if w.destination_id else ""),
    ("manufacturer", lambda w: w.manufacturer),
    ("country_of_manufacture", lambda w: w.country_of_manufacture),
    ("year_of_manufacture", lambda w: w.year_of_manufacture or ""),
    ("import_country", lambda w: w.import_country),
    ("import_year", lambda w: w.import_year or ""),
    ("ownership_mark", lambda w: w.ownership_mark),
    ("owner", lambda w: w.owner.code),
]


def weapons_response(queryset, fmt: str):
    return table_response(COLUMNS, queryset, fmt, "weapons", _("Weapons"))
