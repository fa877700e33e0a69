from django import forms
from django.utils.translation import gettext_lazy as _

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.sites.models import Site


def sites_where(user, action):
    """Sites on which ``user`` may do ``action`` (for choice lists)."""
    return (
        authz.scoped(user, action, Site.objects.filter(is_active=True))
        .select_related("organisation")
        .order_by("code")
    )


class PersonForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    service_number = forms.CharField(label=_("Service number"), max_length=40)
    rank = forms.CharField(label=_("Rank"), max_length=60, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    first_name = forms.CharField(label=_("First name"), max_length=80)
    unit = forms.CharField(label=_("Unit"), max_length=120, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_where(user, Action.VOUCHER_PREPARE)
