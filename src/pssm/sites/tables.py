"""The geography's lists as tables (django-tables2) with their filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import Country, Organisation, Site

YES_NO = [("1", _("Yes")), ("0", _("No"))]


def _search():
    return django_filters.CharFilter(
        label=_("Search"),
        method=by_selector,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class OrganisationFilter(FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), method=by_selector, empty_label="—", choices=[]
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), method=by_selector, empty_label="—", choices=Organisation.Kind.choices
    )
    q = _search()

    class Meta:
        model = Organisation
        fields = ["country", "kind", "q"]

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("country", [(c.code, c.name) for c in countries])


class SiteFilter(FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), method=by_selector, empty_label="—", choices=[]
    )
    organisation = django_filters.ChoiceFilter(
        label=_("Organisation"), method=by_selector, empty_label="—", choices=[]
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), method=by_selector, empty_label="—", choices=Site.Kind.choices
    )
    model = django_filters.ChoiceFilter(
        label=_("Model installation"), method=by_selector, empty_label="—", choices=YES_NO
    )
    q = _search()

    class Meta:
        model = Site
        fields = ["country", "organisation", "kind", "model", "q"]

    def __init__(self, *args, countries=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("country", [(c.code, c.name) for c in countries])
        self.set_choices("organisation", [(o.code, o.name) for o in organisations])

    def values(self) -> dict:
        found = super().values()
        found["model"] = {"1": True, "0": False}.get(found["model"], "")
        return found


class CountryTable(Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "mono"}})
    name = tables.Column(verbose_name=_("Name"))
    default_language = tables.Column(verbose_name=_("Default language"))

    class Meta(Table.Meta):
        model = Country
        fields = ["code", "name", "default_language"]

    def render_code(self, value):
        url = reverse("sites:country_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)


class OrganisationTable(Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "mono"}})
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    country = tables.Column(
        verbose_name=_("Country"), accessor="country__name", order_by=("country__name", "code")
    )

    class Meta(Table.Meta):
        model = Organisation
        fields = ["code", "name", "kind", "country"]

    def render_code(self, record, value):
        url = reverse("sites:organisation_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)


class SiteTable(Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "mono"}})
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    organisation = tables.Column(
        verbose_name=_("Organisation"),
        accessor="organisation__name",
        order_by=("organisation__name", "code"),
    )
    region = tables.Column(verbose_name=_("Region"), order_by=("region", "code"))
    building_count = tables.Column(
        verbose_name=_("Buildings"), attrs={"td": {"class": "num"}}, order_by=("building_count",)
    )

    class Meta(Table.Meta):
        model = Site
        fields = ["code", "name", "kind", "organisation", "region", "building_count"]

    def render_code(self, record, value):
        url = reverse("sites:site_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_name(self, record, value):
        badges = []
        if record.is_model_installation:
            badges.append(("model", _("model installation")))
        if not record.is_active:
            badges.append(("off", _("inactive")))
        return format_html(
            "<span>{} {}</span>",
            value,
            format_html_join(" ", '<span class="badge {}">{}</span>', badges),
        )
