"""The list of national reports as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import KIND_CHOICES, Report


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class ReportFilter(FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Report"), method=by_selector, choices=KIND_CHOICES, empty_label="—"
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), method=by_selector, choices=[], empty_label="—"
    )
    year = YearFilter(
        label=_("Year"),
        method=by_selector,
        min_value=1900,
        max_value=2999,
        widget=forms.NumberInput(attrs={"size": 5}),
    )

    class Meta:
        model = Report
        fields = ["kind", "country", "year"]

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("country", [(c.code, str(c)) for c in countries])


class ReportTable(Table):
    number = tables.Column(verbose_name=_("Number"), attrs={"td": {"class": "mono"}})
    kind = tables.Column(verbose_name=_("Report"), order_by=("kind", "-generated_at"))
    country = tables.Column(
        verbose_name=_("Country"),
        accessor="country__code",
        order_by=("country__code", "-generated_at"),
    )
    period = tables.Column(
        verbose_name=_("Period"), empty_values=(), order_by=("period_start", "period_end")
    )
    generated_at = tables.Column(verbose_name=_("Generated at"))
    signed_at = tables.Column(verbose_name=_("Signed off"), empty_values=())

    class Meta(Table.Meta):
        model = Report
        fields = ["number", "kind", "country", "period", "generated_at", "signed_at"]

    def render_number(self, record, value):
        url = reverse("reports:report_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_period(self, record):
        start = date_filter(record.period_start, "Y-m-d")
        return f"{start} – {date_filter(record.period_end, 'Y-m-d')}"

    def render_generated_at(self, value):
        return date_filter(value, "Y-m-d H:i")

    def render_signed_at(self, record):
        if not record.is_signed:
            return "—"
        return f"{record.signed_by.username} {date_filter(record.signed_at, 'Y-m-d')}"
