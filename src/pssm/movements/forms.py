from django import forms
from django.utils.translation import gettext_lazy as _

from pssm.ammunition.models import CONDITION_CHOICES, Nature
from pssm.domain.access import Action
from pssm.domain.ledger import Kind, ReceiptReason
from pssm.registry.forms import sites_where
from pssm.registry.models import Person, WeaponType
from pssm.sites.models import Site, StorageLocation

from .models import KIND_CHOICES, REASONS, Voucher

# Which header fields each kind of voucher asks for.
IMPORT = ["importer", "import_date", "exporting_state", "import_licence", "end_user_certificate"]
FIELDS = {
    Kind.RECEIPT: ["reason", "location", *IMPORT],
    Kind.ISSUE: ["custodian", "custodian_unit"],
    Kind.LOAN: ["custodian", "custodian_unit"],
    Kind.RETURN: ["location"],
    Kind.TRANSFER: ["destination"],
    Kind.TRANSFER_RECEIPT: ["dispatch", "location"],
    Kind.LOSS: ["reason", "police_report"],
    Kind.STATUS_CHANGE: ["reason"],
    Kind.EXPENDITURE: [],
    Kind.CONDITION_CHANGE: ["reason"],
    Kind.DESTRUCTION: [],
    Kind.EXPORT: ["importing_state", "export_licence", "end_user_certificate", "importer"],
}


class StartForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), to_field_name="code"
    )
    kind = forms.ChoiceField(
        label=_("Kind of voucher"),
        choices=[c for c in KIND_CHOICES if c[0] not in {Kind.REVERSAL, Kind.DESTRUCTION}],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = sites_where(user, Action.VOUCHER_PREPARE)
        self.fields["site"].queryset = sites
        if len(sites[:2]) == 1:  # the only site is preselected
            self.fields["site"].initial = sites[0].code


class VoucherForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[])
    location = forms.ModelChoiceField(
        label=_("Storage location"), queryset=StorageLocation.objects.none()
    )
    custodian = forms.ModelChoiceField(
        label=_("Issued to (person)"), required=False, queryset=Person.objects.none()
    )
    custodian_unit = forms.CharField(label=_("or issued to (unit)"), required=False, max_length=120)
    destination = forms.ModelChoiceField(label=_("Destination site"), queryset=Site.objects.none())
    dispatch = forms.ModelChoiceField(
        label=_("Transfer being received"), queryset=Voucher.objects.none()
    )
    importer = forms.CharField(
        label=_("Importer (receipt from abroad)"), required=False, max_length=150
    )
    import_date = forms.DateField(
        label=_("Import date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    exporting_state = forms.CharField(
        label=_("Exporting state (ISO code)"), required=False, max_length=2
    )
    import_licence = forms.CharField(
        label=_("Import licence or regional exemption number"), required=False, max_length=80
    )
    end_user_certificate = forms.CharField(
        label=_("End-user certificate reference"), required=False, max_length=80
    )
    importing_state = forms.CharField(label=_("Importing state (ISO code)"), max_length=2)
    export_licence = forms.CharField(
        label=_("Export licence or authorisation number"), max_length=80
    )
    police_report = forms.CharField(
        label=_("Police or loss report reference"), required=False, max_length=80
    )
    order_reference = forms.CharField(
        label=_("Order or authority reference"), required=False, max_length=120
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, site, kind, **kwargs):
        super().__init__(*args, **kwargs)
        k = Kind(kind)
        keep = [*FIELDS.get(k, []), "order_reference", "notes"]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "reason" in self.fields:
            self.fields["reason"].choices = REASONS[k]
        if "location" in self.fields:
            self.fields["location"].queryset = StorageLocation.objects.filter(
                building__site=site, is_active=True
            ).order_by("code")
            if k is Kind.RETURN:  # by default each weapon goes back where it came from
                self.fields["location"].required = False
                self.fields["location"].label = _(
                    "Storage location (empty: where each weapon was issued from)"
                )
        if k is Kind.EXPORT:  # the export record is complete before anything leaves
            self.fields["end_user_certificate"].required = True
            self.fields["importer"].label = _("Importer (consignee abroad)")
        if "custodian" in self.fields:
            self.fields["custodian"].queryset = Person.objects.filter(site=site, is_active=True)
        if "destination" in self.fields:
            self.fields["destination"].queryset = (
                Site.objects.filter(is_active=True).exclude(pk=site.pk).order_by("code")
            )
        if "dispatch" in self.fields:
            from .transit import dispatches_outstanding

            self.fields["dispatch"].queryset = dispatches_outstanding(
                Voucher.objects.filter(destination=site)
            )


class LineForm(forms.Form):
    # One serial, or a list pasted or scanned one per line (see movements.entry).
    serial = forms.CharField(
        label=_("Serial number, or a list (one per line)"),
        max_length=40000,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "data-entry-field": "",
            }
        ),
    )
    weapon_type = forms.ModelChoiceField(
        label=_("Weapon type"), required=False, queryset=WeaponType.objects.all()
    )
    location = forms.ModelChoiceField(
        label=_("Storage location (if not the voucher's)"),
        required=False,
        queryset=StorageLocation.objects.none(),
    )
    year_of_manufacture = forms.IntegerField(
        label=_("Year of manufacture"), required=False, min_value=1850, max_value=2100
    )
    country_of_manufacture = forms.CharField(
        label=_("Country of manufacture"), required=False, max_length=2
    )
    manufacturer = forms.CharField(label=_("Manufacturer"), required=False, max_length=120)

    def __init__(self, *args, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        new_weapons = voucher.kind == Kind.RECEIPT and voucher.reason != ReceiptReason.RECOVERY
        if not new_weapons:
            for name in ("year_of_manufacture", "country_of_manufacture", "manufacturer"):
                del self.fields[name]
        if voucher.kind in {Kind.RECEIPT, Kind.RETURN, Kind.TRANSFER_RECEIPT}:
            self.fields["location"].queryset = StorageLocation.objects.filter(
                building__site=voucher.site, is_active=True
            ).order_by("code")
        else:
            del self.fields["location"]
        self.new_weapons = new_weapons

    def details(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("year_of_manufacture", "country_of_manufacture", "manufacturer")
            if self.cleaned_data.get(k) not in (None, "")
        }


class LotLineForm(forms.Form):
    """An ammunition lot and a number of units (on a transfer receipt: the units counted)."""

    lot_number = forms.CharField(label=_("Lot number"), max_length=40)
    quantity = forms.IntegerField(label=_("Quantity (units)"), required=False, min_value=0)
    nature = forms.ModelChoiceField(
        label=_("Nature (new lot)"),
        required=False,
        queryset=Nature.objects.filter(is_active=True),
        to_field_name="code",
    )
    location = forms.ModelChoiceField(
        label=_("Storage location"),
        required=False,
        queryset=StorageLocation.objects.none(),
        # The weapon line form on the same page has its own "location": ids stay unique.
        widget=forms.Select(attrs={"id": "id_lot_location"}),
    )
    condition_code = forms.ChoiceField(
        label=_("Condition code (new lot)"), required=False, choices=CONDITION_CHOICES
    )
    manufacturer = forms.CharField(label=_("Manufacturer"), required=False, max_length=80)
    year_of_manufacture = forms.IntegerField(
        label=_("Year of manufacture"), required=False, min_value=1900, max_value=2100
    )

    def __init__(self, *args, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        if voucher.kind != Kind.RECEIPT:
            for name in ("nature", "condition_code", "manufacturer", "year_of_manufacture"):
                del self.fields[name]
        if voucher.kind == Kind.CONDITION_CHANGE:
            del self.fields["quantity"]
            del self.fields["location"]
        else:
            self.fields["location"].queryset = StorageLocation.objects.filter(
                building__site=voucher.site, is_active=True
            ).order_by("code")

    def details(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("condition_code", "manufacturer", "year_of_manufacture")
            if self.cleaned_data.get(k) not in (None, "")
        }


class DestructionPlanForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, to_field_name="code")
    method = forms.ChoiceField(label=_("Method"), choices=())
    place = forms.CharField(label=_("Place"), max_length=200)
    planned_date = forms.DateField(
        label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"})
    )
    authority = forms.CharField(label=_("Order or authority"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sites, **kwargs):
        from .models import Destruction

        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["method"].choices = Destruction.Method.choices
