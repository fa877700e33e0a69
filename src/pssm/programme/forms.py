"""Forms of the programme's records. They only read what was typed; the services check it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ActivityFocus, ActivityType, ModelInstallation, Narrative, Participation


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class CountryChoice(forms.ChoiceField):
    def __init__(self, countries, **kwargs):
        super().__init__(label=_("Country"), choices=[(c, c) for c in countries], **kwargs)


class TermForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("List"), choices=[("type", _("Activity types")), ("focus", _("Focuses"))]
    )
    code = forms.SlugField(label=_("Code"), max_length=40)
    label_fr = forms.CharField(label=_("Label (French)"), max_length=150)
    label_en = forms.CharField(label=_("Label (English)"), max_length=150)


class NarrativeForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Narrative.Section.choices)
    country = forms.ChoiceField(label=_("Country"), required=False)
    text_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("The region"))] + [(c, c) for c in countries]


class SopForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"country": CountryChoice(countries), **self.fields}


class SopVersionForm(forms.Form):
    number = forms.CharField(label=_("Version"), max_length=20)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    issued_date = _date(_("Date"))
    document = forms.FileField(label=_("Document"), required=False)
    items = forms.CharField(
        label=_(
            "Chapters and checklist items, one a line: chapter|check | reference | English | French"
        ),
        widget=forms.Textarea,
        required=False,
    )


class SopValidationForm(forms.Form):
    decided_date = _date(_("Decided on"))
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea)
    signatory = forms.CharField(label=_("Signatory"), max_length=200)
    signatory_title = forms.CharField(label=_("Signatory's office"), max_length=200)
    workshop = forms.CharField(label=_("Workshop (activity code)"), required=False)
    institutions = forms.CharField(
        label=_("Participants by institution, one a line: institution | number"),
        widget=forms.Textarea,
    )


class TrainingForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250)
    course = forms.CharField(label=_("Course"), max_length=200)
    is_trainer_course = forms.BooleanField(label=_("Training of trainers"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200)
    start_date = _date(_("Start date"))
    end_date = _date(_("End date"))

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"country": CountryChoice(countries), **self.fields}


class ParticipantForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices)
    function = forms.CharField(label=_("Function"), max_length=150, required=False)
    result = forms.ChoiceField(
        label=_("Result"), choices=Participation.Result.choices, required=False
    )
    score = forms.IntegerField(label=_("Score (%)"), min_value=0, max_value=100, required=False)
    username = forms.CharField(label=_("PSSM user name (storekeepers)"), required=False)


class InstallationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=ModelInstallation.Status.choices)
    site = forms.CharField(label=_("Site code"), required=False)
    planned_date = _date(_("Planned for"))
    done_date = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"country": CountryChoice(countries), **self.fields}


class WorksForm(forms.Form):
    description = forms.CharField(label=_("Works"), max_length=250)
    contractor = forms.CharField(label=_("Contractor"), max_length=200)
    start_date = _date(_("Start date"))
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget_amount = forms.CharField(label=_("Budget"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="XOF")


class ActivityForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250)
    status = forms.ChoiceField(label=_("Status"), choices=[])
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    countries = forms.CharField(label=_("Countries (codes, separated by spaces)"))
    place = forms.CharField(label=_("Place"), required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), widget=forms.Textarea, required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea, required=False
    )
    types = forms.MultipleChoiceField(label=_("Types"), choices=[], required=False)
    focuses = forms.MultipleChoiceField(label=_("Focuses"), choices=[], required=False)
    budget_amount = forms.CharField(label=_("Budget"), initial="0")
    currency = forms.CharField(label=_("Currency"), initial="XOF", max_length=3)
    orgs = forms.CharField(
        label=_("Organisations, one a line: role | name | IATI reference | IATI type"),
        widget=forms.Textarea,
        required=False,
    )
    contacts = forms.CharField(
        label=_("Contact points, one a line: name | organisation | job title | email | telephone"),
        widget=forms.Textarea,
        required=False,
    )

    sites = forms.CharField(label=_("Sites concerned (codes)"), required=False)
    sop_versions = forms.CharField(
        label=_("SOP versions concerned, e.g. POS-PSSM/2.0 (in the activity's countries)"),
        required=False,
    )
    trainings = forms.CharField(label=_("Training events concerned (codes)"), required=False)
    installations = forms.CharField(
        label=_("Model installations concerned (codes)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Activity

        self.fields["status"].choices = Activity.Status.choices
        self.fields["types"].choices = [(t.code, t.label) for t in ActivityType.objects.all()]
        self.fields["focuses"].choices = [(f.code, f.label) for f in ActivityFocus.objects.all()]
