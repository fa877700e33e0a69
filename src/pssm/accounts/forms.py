from django import forms
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Level, Role

from .models import LEVEL_LABELS, ROLE_LABELS


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    new_password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    level = forms.ChoiceField(
        label=_("Scope"), choices=[(lv.value, LEVEL_LABELS[lv]) for lv in Level]
    )
    scope_code = forms.CharField(
        label=_("Code of the site, organisation or country"),
        required=False,
        help_text=_("e.g. ML-KTI for a site, ML-GN for an organisation, ML for a country."),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    rank = forms.CharField(label=_("Rank"), max_length=60, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class TemporaryPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password"),
        widget=forms.PasswordInput,
        help_text=_("Give it to the user in person; they must change it at the next sign-in."),
    )
    password_again = forms.CharField(
        label=_("Temporary password again"), widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class SecondFactorCodeForm(forms.Form):
    otp = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6-digit code shown by your authenticator application."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
