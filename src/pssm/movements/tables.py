"""The voucher list as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table

from .models import KIND_CHOICES, Voucher


class VoucherFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Number"),
        field_name="number",
        lookup_expr="icontains",
        max_length=48,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    site = django_filters.ChoiceFilter(
        label=_("Site"), field_name="site__code", empty_label="—", choices=[]
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=KIND_CHOICES, empty_label="—")
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Voucher.State.choices, empty_label="—"
    )

    class Meta:
        model = Voucher
        fields = ["q", "site", "kind", "state"]

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.code, s.code) for s in sites]
        self.filters["site"].extra["choices"] = choices
        self.form.fields["site"].choices = [("", "—"), *choices]


class VoucherTable(Table):
    number = tables.Column(verbose_name=_("Number"), order_by=("number",))
    kind = tables.Column(verbose_name=_("Kind"))
    state = tables.Column(verbose_name=_("State"))
    prepared_by = tables.Column(verbose_name=_("Prepared by"), accessor="prepared_by__username")
    created_at = tables.DateTimeColumn(verbose_name=_("Created (UTC)"), format="Y-m-d H:i")

    class Meta(Table.Meta):
        model = Voucher
        fields = ["number", "kind", "state", "prepared_by", "created_at"]
        order_by = ("-created_at",)

    def render_number(self, record, value):
        url = reverse("movements:voucher_detail", args=[record.pk])
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_kind(self, record):
        if record.destination_id:
            return format_html(
                '<span>{} → <span class="mono">{}</span></span>',
                record.get_kind_display(),
                record.destination.code,
            )
        return record.get_kind_display()

    def render_state(self, record):
        return format_html('<span class="badge">{}</span>', record.get_state_display())
