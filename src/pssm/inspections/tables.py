"""The inspection and stock-check lists as tables (django-tables2), the inspections with
their filter (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import Count, Inspection, KeyLoan


class InspectionFilter(FilterSet):
    site = django_filters.CharFilter(
        label=_("Site"),
        method=by_selector,
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "ML-KTI"}),
    )

    class Meta:
        model = Inspection
        fields = ["site"]


class InspectionTable(Table):
    inspected_on = tables.Column(verbose_name=_("Date"), order_by=("inspected_on", "pk"))
    site = tables.Column(verbose_name=_("Site"), order_by=("site__code", "-inspected_on"))
    inspector = tables.Column(
        verbose_name=_("Inspector"), order_by=("inspector__last_name", "inspector__username")
    )
    state = tables.Column(verbose_name=_("State"), order_by=("state", "-inspected_on"))
    score = tables.Column(
        verbose_name=_("Score"),
        accessor="percent",
        empty_values=(),
        order_by=("score_ratio", "-inspected_on"),
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    level = tables.Column(
        verbose_name=_("Level (PSSM thresholds)"),
        empty_values=(),
        order_by=("level", "-inspected_on"),
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )

    class Meta(Table.Meta):
        model = Inspection
        fields = ["inspected_on", "site", "inspector", "state", "score", "level"]

    def render_inspected_on(self, record, value):
        url = reverse("inspections:inspection_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, date_filter(value, "Y-m-d"))

    def render_site(self, record):
        if record.site.is_model_installation:
            return format_html(
                '<span>{} <span class="badge model">{}</span></span>',
                record.site,
                _("model installation"),
            )
        return str(record.site)

    def render_score(self, value):
        return "" if value is None else f"{value} %"

    def render_level(self, value):
        return "" if value is None else value


class CountTable(Table):
    started_at = tables.Column(verbose_name=_("Started"))
    policy = tables.Column(verbose_name=_("Count policy"), order_by=("policy", "-started_at"))
    counter = tables.Column(
        verbose_name=_("Counter"), order_by=("counter__last_name", "counter__username")
    )
    witness = tables.Column(verbose_name=_("Independent witness"))
    state = tables.Column(verbose_name=_("State"), order_by=("state", "-started_at"))
    closed_by = tables.Column(
        verbose_name=_("Closed by"),
        empty_values=(),
        order_by=("closed_by__last_name", "closed_by__username"),
    )
    gaps = tables.Column(
        verbose_name=_("Gaps"),
        empty_values=(),
        orderable=False,
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )

    class Meta(Table.Meta):
        model = Count
        fields = ["started_at", "policy", "counter", "witness", "state", "closed_by", "gaps"]
        order_by = ("-started_at",)
        row_attrs = {"class": lambda record: "bad" if record.gaps else ""}

    def __init__(self, *args, policies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = policies or {}

    def render_started_at(self, record, value):
        url = reverse("inspections:count_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, date_filter(value, "Y-m-d H:i"))

    def render_policy(self, value):
        return self.policies.get(value, "")

    def render_closed_by(self, value):
        return value or ""

    def render_gaps(self, record):
        return len(record.gaps) if record.state == Count.State.CLOSED else ""


class KeyLoanTable(Table):
    key = tables.Column(
        verbose_name=_("Key number"),
        accessor="key__code",
        order_by=("key__code", "-taken_at"),
        attrs={"td": {"class": "mono"}},
    )
    holder = tables.Column(verbose_name=_("Taken by"), order_by=("holder", "-taken_at"))
    taken_at = tables.Column(verbose_name=_("Taken at"))
    issued_by = tables.Column(
        verbose_name=_("Handed over by"),
        order_by=("issued_by__last_name", "issued_by__username"),
    )
    returned_at = tables.Column(verbose_name=_("Returned at"), empty_values=())
    received_by = tables.Column(
        verbose_name=_("Received by"),
        empty_values=(),
        order_by=("received_by__last_name", "received_by__username"),
    )

    class Meta(Table.Meta):
        model = KeyLoan
        fields = ["key", "holder", "taken_at", "issued_by", "returned_at", "received_by"]
        order_by = ("-taken_at",)

    def render_taken_at(self, value):
        return date_filter(value, "Y-m-d H:i")

    def render_returned_at(self, value):
        return date_filter(value, "Y-m-d H:i") if value else "—"

    def render_received_by(self, value):
        return value or ""
