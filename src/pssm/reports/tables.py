"""The list of national reports as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

from urllib.parse import urlencode

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


def _link(url, text):
    return format_html('<a class="mono" href="{}">{}</a>', url, text)


class RecordTable(Table):
    """The records behind a figure; ``can_journal`` links them to the journal."""

    class Meta(Table.Meta):
        attrs = {"class": "list", "id": "records"}

    def __init__(self, *args, can_journal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_journal = can_journal


class LineRecordTable(RecordTable):
    """Voucher lines behind a figure (weapons moved)."""

    serial = tables.Column(
        verbose_name=_("Serial number"), accessor="weapon__serial", order_by=("weapon__serial",)
    )
    weapon_type = tables.Column(
        verbose_name=_("Type"),
        accessor="weapon__weapon_type",
        order_by=("weapon__weapon_type__make", "weapon__weapon_type__model", "pk"),
    )
    voucher = tables.Column(
        verbose_name=_("Voucher"), accessor="voucher__number", order_by=("voucher__number",)
    )
    posted_at = tables.Column(
        verbose_name=_("Date"), accessor="voucher__posted_at", order_by=("voucher__posted_at", "pk")
    )
    journal = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(RecordTable.Meta):
        pass

    def render_serial(self, record, value):
        return _link(reverse("registry:weapon_detail", args=[record.weapon_id]), value)

    def render_voucher(self, record, value):
        return _link(reverse("movements:voucher_detail", args=[record.voucher_id]), value)

    def render_posted_at(self, value):
        return date_filter(value, "Y-m-d")

    def render_journal(self, record):
        if not self.can_journal:
            return ""
        url = (
            reverse("journal:entry_list")
            + "?"
            + urlencode({"kind": "voucher.posted", "q": record.voucher.number})
        )
        return format_html('<a href="{}">{}</a>', url, _("Journal"))


class WeaponRecordTable(RecordTable):
    """Weapons behind a figure, with their status and site at the end of the period."""

    serial = tables.Column(verbose_name=_("Serial number"), order_by=("serial_norm", "pk"))
    weapon_type = tables.Column(
        verbose_name=_("Type"), order_by=("weapon_type__make", "weapon_type__model", "pk")
    )
    status_at = tables.Column(verbose_name=_("Status"), order_by=("status_at", "serial_norm"))
    site_at = tables.Column(
        verbose_name=_("Site"), order_by=("site_at", "serial_norm"), attrs={"td": {"class": "mono"}}
    )
    owner = tables.Column(
        verbose_name=_("Owner"), accessor="owner__code", order_by=("owner__code", "serial_norm")
    )

    class Meta(RecordTable.Meta):
        pass

    def render_serial(self, record, value):
        return _link(reverse("registry:weapon_detail", args=[record.pk]), value)


class TraceRecordTable(RecordTable):
    number = tables.Column(verbose_name=_("Number"), order_by=("number",))
    direction = tables.Column(verbose_name=_("Direction"), order_by=("direction", "pk"))
    counterpart = tables.Column(verbose_name=_("Other party"))
    state = tables.Column(verbose_name=_("State"), order_by=("state", "pk"))

    class Meta(RecordTable.Meta):
        pass

    def render_number(self, record, value):
        return _link(reverse("tracing:request_detail", args=[record.pk]), value)

    def render_direction(self, record):
        return record.get_direction_display()

    def render_state(self, record):
        return record.get_state_display()


class CaseRecordTable(RecordTable):
    number = tables.Column(verbose_name=_("Case"), order_by=("number",))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "pk"))
    site = tables.Column(
        verbose_name=_("Site"),
        accessor="site__code",
        order_by=("site__code", "pk"),
        attrs={"td": {"class": "mono"}},
    )
    serial = tables.Column(verbose_name=_("Serial number"))

    class Meta(RecordTable.Meta):
        pass

    def render_number(self, record, value):
        return _link(reverse("movements:case_detail", args=[record.pk]), value)

    def render_kind(self, record):
        return record.get_kind_display()


class EntryRecordTable(RecordTable):
    seq = tables.Column(verbose_name="#", attrs={"td": {"class": "mono"}})
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "seq"))
    recorded_at = tables.Column(verbose_name=_("When (UTC)"), order_by=("recorded_at", "seq"))
    actor = tables.Column(verbose_name=_("Actor"), order_by=("actor", "seq"))

    class Meta(RecordTable.Meta):
        pass

    def render_seq(self, record, value):
        if not self.can_journal:
            return value
        url = reverse("journal:entry_detail", args=[record.uuid])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_kind(self, value):
        from pssm.journal.events import event_label

        return event_label(value)


RECORD_TABLES = {
    "line": LineRecordTable,
    "weapon": WeaponRecordTable,
    "trace": TraceRecordTable,
    "case": CaseRecordTable,
    "entry": EntryRecordTable,
}
