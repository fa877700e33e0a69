"""The tracing lists as tables (django-tables2) with their filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector
from pssm.movements.models import VoucherLine

from .models import TraceRequest, TransferDocument

MONO = {"td": {"class": "mono"}}


def _search(**attrs):
    return django_filters.CharFilter(
        label=_("Search"),
        method=by_selector,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search", **attrs}),
    )


def _hidden(max_length):
    """A value that links carry (a dashboard's figure) and the form keeps, unseen."""
    return django_filters.CharFilter(
        method=by_selector, max_length=max_length, widget=forms.HiddenInput()
    )


def _link(url, text):
    return format_html('<a href="{}">{}</a>', url, text)


class TraceRequestFilter(FilterSet):
    q = _search()
    state = django_filters.ChoiceFilter(
        label=_("State"),
        method=by_selector,
        choices=TraceRequest.State.choices,
        empty_label=_("All"),
    )
    direction = django_filters.ChoiceFilter(
        label=_("Direction"),
        method=by_selector,
        choices=TraceRequest.Direction.choices,
        empty_label=_("All"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method=by_selector, widget=forms.CheckboxInput()
    )
    country = _hidden(2)

    class Meta:
        model = TraceRequest
        fields = ["q", "state", "direction", "overdue", "country"]


class TraceRequestTable(Table):
    number = tables.Column(verbose_name=_("Number"), attrs=MONO)
    direction = tables.Column(verbose_name=_("Direction"), order_by=("direction", "deadline"))
    counterpart = tables.Column(verbose_name=_("Other party"))
    serial = tables.Column(verbose_name=_("Serial number"), attrs=MONO)
    weapon = tables.Column(
        verbose_name=_("Weapon"), empty_values=(), order_by=("make", "model", "calibre")
    )
    deadline = tables.Column(verbose_name=_("Answer due by"), order_by=("deadline", "pk"))
    state = tables.Column(verbose_name=_("State"), order_by=("state", "deadline"))

    class Meta(Table.Meta):
        model = TraceRequest
        fields = ["number", "direction", "counterpart", "serial", "weapon", "deadline", "state"]

    def render_number(self, record, value):
        return _link(reverse("tracing:request_detail", args=[record.pk]), value)

    def render_weapon(self, record):
        return " ".join(p for p in (record.make, record.model, record.calibre) if p)

    def render_deadline(self, value):
        return date_filter(value, "Y-m-d")

    def render_state(self, record):
        if record.is_overdue(timezone.localdate()):
            return format_html('<strong class="bad">{}</strong>', _("Overdue"))
        return record.get_state_display()


class TransferDocumentFilter(FilterSet):
    q = _search(placeholder=_("licence, certificate, carrier..."))
    counterpart = django_filters.CharFilter(
        label=_("Counterpart state"), method=by_selector, max_length=2
    )
    direction = _hidden(8)
    country = _hidden(2)

    class Meta:
        model = TransferDocument
        fields = ["q", "counterpart", "direction", "country"]


class TransferDocumentTable(Table):
    voucher = tables.Column(
        verbose_name=_("Voucher"), accessor="voucher__number", order_by=("voucher__number",)
    )
    direction = tables.Column(verbose_name=_("Direction"), order_by=("direction", "-created_at"))
    counterpart_state = tables.Column(verbose_name=_("Counterpart state"), attrs=MONO)
    licence_number = tables.Column(verbose_name=_("Licence number"))
    end_user_certificate = tables.Column(verbose_name=_("End-user certificate reference"))
    regional_exemption = tables.Column(verbose_name=_("Regional exemption number"))
    carrier = tables.Column(verbose_name=_("Carrier"))
    arrived_on = tables.Column(verbose_name=_("Arrived on"), empty_values=())
    scans = tables.Column(verbose_name=_("Scans"), empty_values=(), orderable=False)

    class Meta(Table.Meta):
        model = TransferDocument
        fields = [
            "voucher",
            "direction",
            "counterpart_state",
            "licence_number",
            "end_user_certificate",
            "regional_exemption",
            "carrier",
            "arrived_on",
            "scans",
        ]

    def render_voucher(self, record, value):
        url = reverse("tracing:transfer_edit", args=[record.voucher_id])
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_arrived_on(self, value):
        return date_filter(value, "Y-m-d") if value else ""

    def render_scans(self, record):
        return len(record.attachments.all())


class LostStolenFilter(FilterSet):
    country = django_filters.CharFilter(label=_("Country"), method=by_selector, max_length=2)
    all = django_filters.BooleanFilter(
        label=_("Also those recovered since"), method=by_selector, widget=forms.CheckboxInput()
    )

    class Meta:
        model = VoucherLine
        fields = ["country", "all"]


class LostStolenTable(Table):
    serial = tables.Column(
        verbose_name=_("Serial number"),
        accessor="weapon__serial",
        order_by=("weapon__serial", "pk"),
    )
    weapon_type = tables.Column(
        verbose_name=_("Type"),
        accessor="weapon__weapon_type",
        order_by=("weapon__weapon_type__make", "weapon__weapon_type__model", "pk"),
    )
    event = tables.Column(verbose_name=_("Event"), empty_values=(), orderable=False)
    posted_at = tables.Column(
        verbose_name=_("Date"), accessor="voucher__posted_at", order_by=("voucher__posted_at", "pk")
    )
    voucher = tables.Column(
        verbose_name=_("Voucher"), accessor="voucher__number", order_by=("voucher__number",)
    )
    police_report = tables.Column(
        verbose_name=_("Police report"), accessor="voucher__police_report", empty_values=()
    )
    status = tables.Column(
        verbose_name=_("Status today"),
        accessor="weapon__status",
        order_by=("weapon__status", "pk"),
    )

    class Meta(Table.Meta):
        pass

    def render_serial(self, record, value):
        url = reverse("registry:weapon_detail", args=[record.weapon_id])
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_event(self, record):
        return record.voucher.reason_label

    def render_posted_at(self, value):
        return date_filter(value, "Y-m-d")

    def render_voucher(self, record, value):
        url = reverse("movements:voucher_detail", args=[record.voucher_id])
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_police_report(self, value):
        return value or "—"

    def render_status(self, record):
        return record.weapon.get_status_display()
