"""The ammunition lists as tables (django-tables2) with their filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import LotBalance, LotSuspension, Nature, nature_name

MONO = {"td": {"class": "mono"}}
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def _search(label):
    return django_filters.CharFilter(
        label=label,
        method=by_selector,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class LotFilter(FilterSet):
    q = _search(_("Lot or nature"))
    site = django_filters.CharFilter(
        label=_("Site"),
        method=by_selector,
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "ML-KTI"}),
    )

    class Meta:
        model = LotBalance
        fields = ["q", "site"]


class LotTable(Table):
    """One row per lot and site (the selector's values, summed)."""

    lot_number = tables.Column(
        verbose_name=_("Lot number"),
        accessor="lot__lot_number",
        order_by=("lot__lot_number", "site__code"),
        attrs=MONO,
    )
    nature = tables.Column(
        verbose_name=_("Nature"),
        accessor="lot__nature__nomenclature",
        order_by=("lot__nature__nomenclature", "lot__lot_number"),
    )
    hazard_code = tables.Column(
        verbose_name=_("Hazard code"),
        accessor="lot__nature__hazard_code",
        order_by=("lot__nature__hazard_code", "lot__lot_number"),
        attrs=MONO,
    )
    condition = tables.Column(
        verbose_name=_("Condition"),
        accessor="lot__condition_code",
        order_by=("lot__condition_code", "lot__lot_number"),
        attrs=MONO,
    )
    site = tables.Column(
        verbose_name=_("Site"),
        accessor="site__code",
        order_by=("site__code", "lot__lot_number"),
        attrs=MONO,
    )
    total = tables.Column(
        verbose_name=_("Quantity"), order_by=("total", "lot__lot_number"), attrs=NUM
    )

    class Meta(Table.Meta):
        pass


class NatureFilter(FilterSet):
    q = _search(_("Search"))

    class Meta:
        model = Nature
        fields = ["q"]


class NatureTable(Table):
    code = tables.Column(verbose_name=_("Code"), attrs=MONO)
    nomenclature = tables.Column(verbose_name=_("Nomenclature"), accessor="name")
    calibre = tables.Column(verbose_name=_("Calibre"))
    un_number = tables.Column(verbose_name=_("UN number"), attrs=MONO)
    hazard_code = tables.Column(verbose_name=_("Hazard code"), attrs=MONO)
    neq_kg_per_unit = tables.Column(verbose_name=_("NEQ per unit (kg)"), attrs=NUM)
    inspection_interval_months = tables.Column(
        verbose_name=_("Inspection (months)"), empty_values=(), attrs=NUM
    )
    provisional = tables.Column(verbose_name="", orderable=False, empty_values=())

    class Meta(Table.Meta):
        model = Nature
        fields = [
            "code",
            "nomenclature",
            "calibre",
            "un_number",
            "hazard_code",
            "neq_kg_per_unit",
            "inspection_interval_months",
            "provisional",
        ]

    def order_nomenclature(self, queryset, is_descending):
        """By the name the reader sees (French when given, in French)."""
        name = nature_name()
        return queryset.order_by(name.desc() if is_descending else name.asc(), "code"), True

    def render_neq_kg_per_unit(self, value):
        return number_format(value.normalize())

    def render_inspection_interval_months(self, value):
        return "" if value is None else value

    def render_provisional(self, record):
        if not record.provisional:
            return ""
        return format_html(
            '<span class="badge warn" title="{}">{}</span>', record.source, _("provisional")
        )


class SafetySiteTable(Table):
    """The sites with explosive storehouses, with links to their quantity-distance reports."""

    site = tables.Column(verbose_name=_("Site"), accessor="code", order_by=("code",))
    reports = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(Table.Meta):
        pass

    def render_site(self, record):
        return str(record)

    def render_reports(self, record):
        return format_html(
            '<span><a href="{}">{}</a> · <a href="{}">PDF</a></span>',
            reverse("ammunition:qd_report", args=[record.code]),
            _("QD report"),
            reverse("ammunition:qd_report_pdf", args=[record.code]),
        )


STATES = [("active", _("in force")), ("lifted", _("lifted")), ("all", _("all"))]


class SuspensionFilter(FilterSet):
    q = _search(_("Lot number"))
    state = django_filters.ChoiceFilter(
        label=_("State"), method=by_selector, choices=STATES, empty_label=None
    )

    class Meta:
        model = LotSuspension
        fields = ["q", "state"]

    def values(self) -> dict:
        found = super().values()
        found["state"] = found["state"] or "active"
        return found


class SuspensionTable(Table):
    lot_number = tables.Column(
        verbose_name=_("Lot number"),
        accessor="lot__lot_number",
        order_by=("lot__lot_number", "-suspended_at"),
        attrs=MONO,
    )
    nature = tables.Column(verbose_name=_("Nature"), accessor="lot__nature__name")
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    reference = tables.Column(verbose_name=_("Reference"))
    suspended_at = tables.Column(verbose_name=_("Suspended"))
    lifted_at = tables.Column(verbose_name=_("Lifted"), empty_values=())
    lift = tables.TemplateColumn(
        verbose_name="",
        orderable=False,
        template_name="ammunition/_suspension_lift.html",
    )

    class Meta(Table.Meta):
        model = LotSuspension
        fields = [
            "lot_number",
            "nature",
            "reason",
            "reference",
            "suspended_at",
            "lifted_at",
            "lift",
        ]
        empty_text = _("No lot is suspended.")
        row_attrs = {"class": lambda record: "bad" if record.is_active else ""}

    def render_suspended_at(self, record, value):
        return f"{date_filter(value, 'Y-m-d')} · {record.suspended_by_name}"

    def order_nature(self, queryset, is_descending):
        name = nature_name("lot__nature__")
        first = name.desc() if is_descending else name.asc()
        return queryset.order_by(first, "-suspended_at"), True

    def render_lifted_at(self, record, value):
        if not value:
            return ""
        return f"{date_filter(value, 'Y-m-d')} · {record.lifted_by_name}: {record.lift_reason}"
