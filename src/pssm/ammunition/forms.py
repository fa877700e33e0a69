from django import forms
from django.utils.translation import gettext_lazy as _

from pssm.sites.models import Building

from .models import ExposedSite, Waiver

HD_LIMITS = ["1.1", "1.2", "1.3", "1.4"]


class ExposedSiteForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=8)
    name = forms.CharField(label=_("Name"), max_length=150)
    relationship = forms.ChoiceField(
        label=_("Relationship"), choices=ExposedSite.Relationship.choices
    )
    plan_x_m = forms.DecimalField(label=_("plan x (m east)"), max_digits=9, decimal_places=1)
    plan_y_m = forms.DecimalField(label=_("plan y (m north)"), max_digits=9, decimal_places=1)


class WaiverForm(forms.Form):
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), to_field_name="code"
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=Waiver.Rule.choices)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea)
    valid_until = forms.DateTimeField(
        label=_("Valid until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(
            site=site, kind=Building.Kind.EXPLOSIVE_STOREHOUSE, is_active=True
        ).order_by("code")


class LicenceForm(forms.Form):
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), to_field_name="code"
    )
    number = forms.CharField(label=_("Licence number"), max_length=40)
    permitted_groups = forms.CharField(
        label=_("Permitted compatibility groups"), max_length=20, required=False
    )
    issued_date = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    review_date = forms.DateField(
        label=_("Review by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    authority = forms.CharField(label=_("Issuing authority"), max_length=150)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(
            site=site, kind=Building.Kind.EXPLOSIVE_STOREHOUSE, is_active=True
        ).order_by("code")
        for hd in HD_LIMITS:
            self.fields[f"limit_{hd}"] = forms.DecimalField(
                label=_("NEQ limit, HD %(hd)s (kg)") % {"hd": hd},
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=3,
            )

    def limits(self) -> dict:
        return {
            hd: str(self.cleaned_data[f"limit_{hd}"])
            for hd in HD_LIMITS
            if self.cleaned_data.get(f"limit_{hd}") is not None
        }

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("limit_")}
        return {**data, "limits_kg": self.limits()}


class SuspendForm(forms.Form):
    lot_number = forms.CharField(label=_("Lot number"), max_length=40)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was found or reported, e.g. a fuze defect, a failed stability test."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        help_text=_("The report, message or order that asks for it."),
    )


class LotInspectionForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, to_field_name="code")
    lot_number = forms.CharField(label=_("Lot number"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    inspected_on = forms.DateField(
        label=_("Inspected or tested on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    condition_code = forms.ChoiceField(label=_("Condition found"), required=False, choices=())
    stabiliser_percent = forms.CharField(
        label=_("Effective stabiliser (%)"),
        required=False,
        max_length=12,
        help_text=_("For a propellant stability test."),
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reference = forms.CharField(label=_("Report reference"), required=False, max_length=80)

    def __init__(self, *args, sites, **kwargs):
        from .models import CONDITION_CHOICES, LotInspection

        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["kind"].choices = LotInspection.Kind.choices
        self.fields["condition_code"].choices = [("", "—"), *CONDITION_CHOICES]
