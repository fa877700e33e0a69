from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Action
from pssm.registry.forms import sites_where

from .columns import FIELDS
from .models import ImportJob

FIELD_LABELS = {
    "serial": _("Serial number"),
    "weapon_type": _("Weapon type"),
    "manufacturer": _("Manufacturer"),
    "country_of_manufacture": _("Country of manufacture"),
    "year_of_manufacture": _("Year of manufacture"),
    "import_country": _("Import mark: country"),
    "import_year": _("Import mark: year"),
    "ownership_mark": _("National ownership mark"),
    "marking_locations": _("Where the marks are"),
    "location": _("Storage location"),
    "received_on": _("Date received"),
    "lot_number": _("Lot number"),
    "nature": _("Nature"),
    "quantity": _("Quantity"),
    "condition_code": _("Condition code"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file lists"), choices=ImportJob.Kind.choices)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, to_field_name="code")
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    location = forms.CharField(
        label=_("Storage location for rows that name none (code)"), required=False, max_length=40
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_where(user, Action.DATA_IMPORT)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PSSM_IMPORT_MAX_MB * 1_000_000:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.PSSM_IMPORT_MAX_MB}
            )
        return upload


class MappingForm(forms.Form):
    dry_run = forms.BooleanField(label=_("Check only (write nothing)"), required=False)
    all_or_nothing = forms.BooleanField(
        label=_("Import nothing if any row is rejected"), required=False
    )

    def __init__(self, *args, job, headers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(name, FIELD_LABELS.get(name, name)) for name in FIELDS[job.kind]]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"#{index + 1}",
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )
        self.headers = headers

    def mapping(self) -> dict[int, str]:
        return {
            int(name[4:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }
