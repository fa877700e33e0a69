"""The voucher list as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django import forms
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import KIND_CHOICES, Destruction, Discrepancy, Voucher


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


class InTransitFilter(FilterSet):
    site = django_filters.ChoiceFilter(
        label=_("Site (sending or receiving)"),
        method=by_selector,
        empty_label=_("All the sites I see"),
        choices=[],
    )

    class Meta:
        model = Voucher
        fields = ["site"]

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.code, f"{s.name} ({s.code})") for s in sites]
        self.set_choices("site", choices, _("All the sites I see"))


class InTransitTable(Table):
    """Posted dispatches not wholly received; ``show_outstanding`` gives each row of the page
    its serials still on the way (one statement for the page)."""

    number = tables.Column(verbose_name=_("Transfer"), attrs={"td": {"class": "mono"}})
    site = tables.Column(verbose_name=_("From"), accessor="site__name")
    destination = tables.Column(verbose_name=_("To"), accessor="destination__name")
    posted_at = tables.Column(verbose_name=_("Sent"), order_by=("posted_at", "pk"))
    age = tables.Column(verbose_name=_("Age"), empty_values=(), order_by=("-posted_at", "pk"))
    outstanding = tables.Column(
        verbose_name=_("Not received"),
        empty_values=(),
        order_by=("weapons_outstanding", "lots_outstanding", "posted_at"),
    )
    cases_open = tables.Column(verbose_name=_("Open cases"), empty_values=())

    class Meta(Table.Meta):
        attrs = {"class": "list", "id": "in-transit"}
        empty_text = _("Nothing is in transit.")
        row_attrs = {"class": lambda record: "bad" if record.cases_open else ""}

    def show_outstanding(self, serials: dict[int, list[str]], now) -> None:
        self.serials = serials
        self.now = now

    def render_number(self, record, value):
        url = reverse("movements:voucher_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_posted_at(self, value):
        return date_filter(value, "DATETIME_FORMAT")

    def render_age(self, record):
        from .transit import age_days

        days = age_days(record.posted_at, self.now)
        return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}

    def render_outstanding(self, record):
        parts = []
        if record.weapons_outstanding:
            serials = self.serials.get(record.pk, [])
            n = record.weapons_outstanding
            more = max(0, n - len(serials))
            parts.append(
                format_html(
                    '{} / {}<br><span class="mono">{}</span>{}',
                    ngettext("%(n)s weapon", "%(n)s weapons", n) % {"n": n},
                    record.lines_total,
                    ", ".join(serials),
                    " " + gettext("and %(n)s more") % {"n": more} if more else "",
                )
            )
        if record.lots_outstanding:
            n = record.lots_outstanding
            parts.append(ngettext("%(n)s lot", "%(n)s lots", n) % {"n": n})
        return format_html_join(mark_safe("<br>"), "{}", ((p,) for p in parts)) or "—"

    def render_cases_open(self, record):
        if not record.cases_open:
            return "—"
        url = (
            reverse("movements:case_list")
            + "?"
            + urlencode({"state": "active", "site": record.destination.code})
        )
        return format_html('<a href="{}">{}</a>', url, record.cases_open)


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class DestructionFilter(FilterSet):
    year = YearFilter(
        label=_("Year"),
        method=by_selector,
        min_value=1901,
        max_value=2999,
        widget=forms.NumberInput(attrs={"size": 5}),
    )

    class Meta:
        model = Destruction
        fields = ["year"]


class DestructionTable(Table):
    number = tables.Column(
        verbose_name=_("Voucher"), accessor="voucher__number", attrs={"td": {"class": "mono"}}
    )
    site = tables.Column(
        verbose_name=_("Site"),
        accessor="voucher__site__code",
        order_by=("voucher__site__code", "-planned_date"),
        attrs={"td": {"class": "mono"}},
    )
    method = tables.Column(verbose_name=_("Method"), order_by=("method", "-planned_date"))
    place = tables.Column(verbose_name=_("Place"))
    planned_date = tables.Column(verbose_name=_("Planned for"), attrs={"td": {"class": "mono"}})
    destroyed_on = tables.Column(
        verbose_name=_("Destroyed on"), empty_values=(), attrs={"td": {"class": "mono"}}
    )
    state = tables.Column(
        verbose_name=_("State"),
        accessor="voucher__state",
        order_by=("voucher__state", "-planned_date"),
    )
    certificate = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(Table.Meta):
        model = Destruction
        fields = [
            "number",
            "site",
            "method",
            "place",
            "planned_date",
            "destroyed_on",
            "state",
            "certificate",
        ]

    def render_number(self, record, value):
        url = reverse("movements:destruction_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_planned_date(self, value):
        return date_filter(value, "Y-m-d")

    def render_destroyed_on(self, value):
        return date_filter(value, "Y-m-d") if value else "—"

    def render_state(self, record):
        return record.voucher.get_state_display()

    def render_certificate(self, record):
        if record.voucher.state != Voucher.State.POSTED:
            return ""
        url = reverse("movements:destruction_certificate", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, _("Certificate (PDF)"))
