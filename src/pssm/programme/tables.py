"""The activity list as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import Activity


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _choice(label):
    return django_filters.ChoiceFilter(
        label=label, method=by_selector, empty_label=_("All"), choices=[]
    )


class ActivityFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=by_selector,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    country = _choice(_("Country"))
    type = _choice(_("Type"))
    focus = _choice(_("Focus"))
    year = YearFilter(
        label=_("Year"),
        method=by_selector,
        min_value=1900,
        max_value=2999,
        widget=forms.NumberInput(attrs={"size": 5}),
    )

    class Meta:
        model = Activity
        fields = ["q", "country", "type", "focus", "year"]

    def __init__(self, *args, countries=(), types=(), focuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("country", [(c, c) for c in countries], _("All"))
        self.set_choices("type", [(t.code, t.label) for t in types], _("All"))
        self.set_choices("focus", [(f.code, f.label) for f in focuses], _("All"))


class ActivityTable(Table):
    dates = tables.Column(
        verbose_name=_("Dates"), empty_values=(), order_by=("start_date", "end_date", "code")
    )
    title = tables.Column(verbose_name=_("Activity"), empty_values=())
    countries = tables.Column(verbose_name=_("Countries"), empty_values=(), orderable=False)
    place = tables.Column(verbose_name=_("Place"))
    budget_amount = tables.Column(
        verbose_name=_("Budget"), attrs={"th": {"class": "num"}, "td": {"class": "num"}}
    )
    spent = tables.Column(
        verbose_name=_("Spent"),
        empty_values=(),
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )

    class Meta(Table.Meta):
        model = Activity
        fields = ["dates", "title", "countries", "place", "budget_amount", "spent"]

    def order_title(self, queryset, is_descending):
        field = "title_fr" if (get_language() or "fr").startswith("fr") else "title_en"
        return queryset.order_by(("-" if is_descending else "") + field, "code"), True

    def render_dates(self, record):
        return (
            f"{date_filter(record.start_date, 'Y-m-d')} – {date_filter(record.end_date, 'Y-m-d')}"
        )

    def render_title(self, record):
        url = reverse("programme:activity_detail", args=[record.code])
        if record.is_evaluation:
            return format_html(
                '<span><a href="{}">{}</a> <span class="badge">{}</span></span>',
                url,
                record.title,
                _("evaluation"),
            )
        return format_html('<a href="{}">{}</a>', url, record.title)

    def render_countries(self, record):
        return " ".join(c.code for c in record.countries.all())

    def render_budget_amount(self, record, value):
        return f"{floatformat(value, '0g')} {record.currency}"

    def render_spent(self, value):
        return floatformat(value or 0, "0g")
