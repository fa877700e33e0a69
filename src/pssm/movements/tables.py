"""The voucher list as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import KIND_CHOICES, Discrepancy, Voucher


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


class CaseFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Serial number"),
        method=by_selector,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    site = django_filters.ChoiceFilter(
        label=_("Site"), method=by_selector, empty_label="—", choices=[]
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), method=by_selector, choices=Discrepancy.Kind.choices, empty_label="—"
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        method=by_selector,
        choices=[("active", _("Not closed")), *Discrepancy.State.choices],
        empty_label="—",
    )

    class Meta:
        model = Discrepancy
        fields = ["q", "site", "kind", "state"]

    def __init__(self, *args, site_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("site", [(code, code) for code in site_codes])


class CaseTable(Table):
    number = tables.Column(verbose_name=_("Case"), attrs={"td": {"class": "mono"}})
    site = tables.Column(
        verbose_name=_("Site"),
        accessor="site__code",
        order_by=("site__code", "-created_at"),
        attrs={"td": {"class": "mono"}},
    )
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "-created_at"))
    item = tables.Column(
        verbose_name=_("Serial or lot"),
        empty_values=(),
        order_by=("serial", "lot__lot_number"),
        attrs={"td": {"class": "mono"}},
    )
    created_at = tables.DateTimeColumn(
        verbose_name=_("Opened (UTC)"), format="Y-m-d H:i", attrs={"td": {"class": "mono"}}
    )
    state = tables.Column(verbose_name=_("State"), order_by=("state", "-created_at"))
    resolution = tables.Column(verbose_name=_("Resolution"), empty_values=())

    class Meta(Table.Meta):
        model = Discrepancy
        fields = ["number", "site", "kind", "item", "created_at", "state", "resolution"]
        row_attrs = {"class": lambda record: "" if record.state == "closed" else "bad"}

    def render_number(self, record, value):
        url = reverse("movements:case_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_item(self, record):
        return record.lot.lot_number if record.lot_id else record.serial

    def render_state(self, record):
        return format_html('<span class="badge">{}</span>', record.get_state_display())

    def render_resolution(self, record):
        return record.get_resolution_display()
