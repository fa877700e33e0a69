"""Forms of the tracing pages: they only read the input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pssm.domain.reporting import ATT_CATEGORIES

from .models import TraceRequest

DATE = {"type": "date"}


class TransferDocumentForm(forms.Form):
    counterpart_state = forms.CharField(
        label=_("Counterpart state (ISO code)"), max_length=2, required=False
    )
    importer = forms.CharField(label=_("Importer"), max_length=150, required=False)
    exporter = forms.CharField(label=_("Exporter"), max_length=150, required=False)
    licence_number = forms.CharField(label=_("Licence number"), max_length=80, required=False)
    end_user_certificate = forms.CharField(
        label=_("End-user certificate reference"), max_length=80, required=False
    )
    regional_exemption = forms.CharField(
        label=_("Regional exemption number"), max_length=80, required=False
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=150, required=False)
    shipped_on = forms.DateField(
        label=_("Shipped on"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    arrived_on = forms.DateField(
        label=_("Arrived on"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    att_category = forms.ChoiceField(
        label=_("ATT category"),
        required=False,
        choices=[("", _("By weapon type"))] + [(k, _(v)) for k, v in ATT_CATEGORIES.items()],
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Scan (PDF or photo)"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class TraceRequestForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=TraceRequest.Direction.choices)
    requester_kind = forms.ChoiceField(
        label=_("Other party"), choices=TraceRequest.Requester.choices
    )
    counterpart = forms.CharField(
        label=_("Name of the other party"), max_length=150, required=False
    )
    counterpart_reference = forms.CharField(
        label=_("Their reference"), max_length=80, required=False
    )
    make = forms.CharField(label=_("Make"), max_length=80, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    calibre = forms.CharField(label=_("Calibre"), max_length=40, required=False)
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    marks = forms.CharField(label=_("Other marks"), max_length=200, required=False)
    received_on = forms.DateField(
        label=_("Received or sent on"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
    deadline = forms.DateField(
        label=_("Answer due by"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TraceRequest.Outcome.choices)
    weapon = forms.IntegerField(
        label=_("Weapon identified"), required=False, widget=forms.HiddenInput
    )
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    answered_on = forms.DateField(
        label=_("Answered on"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
