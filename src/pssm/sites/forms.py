"""Forms parse and show input; the rules are checked by the services they call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pssm.accounts import authz
from pssm.domain.access import Action

from .models import Building, Country, Organisation, Site, StorageLocation

CODE_HELP = _("2 to 8 capital letters or digits. It becomes part of a code that never changes.")


def _where_allowed(user, action, queryset):
    """The rows of ``queryset`` on which ``user`` may do ``action`` (for choice lists)."""
    candidates = authz.scoped(user, action, queryset).distinct()
    return queryset.filter(pk__in=[obj.pk for obj in candidates if authz.can(user, action, obj)])


class _CodeMixin(forms.Form):
    code = forms.CharField(label=_("Short code"), max_length=8, help_text=CODE_HELP)


class CountryCreateForm(forms.ModelForm):
    code = forms.CharField(label=_("Code"), max_length=2, help_text=_("ISO 3166 two letters."))

    class Meta:
        model = Country
        fields = ["name", "default_language"]


class CountryEditForm(forms.ModelForm):
    class Meta:
        model = Country
        fields = ["name", "default_language"]


class OrganisationCreateForm(_CodeMixin, forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _where_allowed(
            user, Action.GEO_MANAGE, Country.objects.all()
        )

    class Meta:
        model = Organisation
        fields = ["country", "name", "kind"]


class OrganisationEditForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]


SITE_FIELDS = [
    "name",
    "kind",
    "region",
    "town",
    "is_model_installation",
    "latitude",
    "longitude",
    "notes",
]


class SiteCreateForm(_CodeMixin, forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _where_allowed(
            user, Action.SITE_MANAGE, Organisation.objects.select_related("country")
        )

    class Meta:
        model = Site
        fields = ["organisation", *SITE_FIELDS]


class SiteEditForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [*SITE_FIELDS, "is_active"]


BUILDING_FIELDS = [
    "name",
    "kind",
    "storehouse_type",
    "latitude",
    "longitude",
    "plan_x_m",
    "plan_y_m",
    "barricaded",
    "notes",
]


class BuildingCreateForm(_CodeMixin, forms.ModelForm):
    class Meta:
        model = Building
        fields = BUILDING_FIELDS


class BuildingEditForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = [*BUILDING_FIELDS, "is_active"]


class LocationCreateForm(_CodeMixin, forms.ModelForm):
    class Meta:
        model = StorageLocation
        fields = ["name", "kind", "capacity", "notes"]


class LocationEditForm(forms.ModelForm):
    class Meta:
        model = StorageLocation
        fields = ["name", "kind", "capacity", "is_active", "notes"]
