"""The registry's lists as tables (django-tables2) with their filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table

from .models import STATUS_CHOICES, Person, Weapon, WeaponType

MATCH_LABELS = {"exact": _("exact"), "normalised": _("normalised"), "near": _("near")}


def _as_listed(queryset, name, value):
    """The serial search is done (and ranked) by the selector; the filter only shows it."""
    return queryset


class WeaponFilter(FilterSet):
    serial = django_filters.CharFilter(
        label=_("Serial number"),
        method=_as_listed,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )
    near = django_filters.BooleanFilter(
        label=_("also similar serials"),
        method=_as_listed,
        widget=forms.CheckboxInput(),
        help_text=_(
            "Serials one character wrong, missing, extra or swapped are shown when nothing "
            "matches better; tick to see them always."
        ),
    )
    site = django_filters.ChoiceFilter(
        label=_("Site"), field_name="site__code", empty_label="—", choices=[]
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, empty_label="—")
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="weapon_type__category",
        choices=WeaponType.Category.choices,
        empty_label="—",
    )
    type_q = django_filters.CharFilter(
        label=_("Type"),
        method="filter_type",
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "AK47, MAT-49…"}),
    )

    class Meta:
        model = Weapon
        fields = ["serial", "near", "site", "status", "category", "type_q"]

    def filter_type(self, queryset, name, value):
        return queryset.filter(weapon_type__search_text__icontains=value.strip().lower())


class WeaponTable(Table):
    serial = tables.Column(verbose_name=_("Serial number"), order_by=("serial", "pk"))
    weapon_type = tables.Column(
        verbose_name=_("Type"), order_by=("weapon_type__make", "weapon_type__model", "pk")
    )
    status = tables.Column(verbose_name=_("Status"))
    site = tables.Column(verbose_name=_("Site"), accessor="site__code", order_by=("site__code",))
    holder = tables.Column(
        verbose_name=_("Location / custody"),
        empty_values=(),
        orderable=True,
        order_by=("location__code", "destination__code", "custodian__last_name", "custodian_unit"),
    )

    class Meta(Table.Meta):
        model = Weapon
        fields = ["serial", "weapon_type", "status", "site", "holder"]
        attrs = {"class": "list"}

    def render_serial(self, record, value):
        url = reverse("registry:weapon_detail", args=[record.pk])
        match = getattr(record, "match", None)
        if match:
            badge = " model" if match == "exact" else ""
            return format_html(
                '<span><a class="mono" href="{}">{}</a> <span class="badge{}">{}</span></span>',
                url,
                value,
                badge,
                MATCH_LABELS.get(match, ""),
            )
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_status(self, record):
        return format_html('<span class="badge">{}</span>', record.get_status_display())

    def render_holder(self, record):
        if record.location_id:
            return record.location.code
        if record.destination_id:
            return f"→ {record.destination.code}"
        if record.custodian_id:
            url = reverse("registry:person_detail", args=[record.custodian_id])
            return format_html('<a href="{}">{}</a>', url, record.custodian)
        return record.custodian_unit or "—"


class PersonFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=80)
    site = django_filters.ChoiceFilter(
        label=_("Site"), field_name="site__code", empty_label="—", choices=[]
    )

    class Meta:
        model = Person
        fields = ["q", "site"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        for word in value.split()[:4]:
            queryset = queryset.filter(
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(service_number__icontains=word)
            )
        return queryset


class PersonTable(Table):
    service_number = tables.Column(
        verbose_name=_("Service number"), attrs={"td": {"class": "mono"}}
    )
    name = tables.Column(
        verbose_name=_("Name"), empty_values=(), order_by=("last_name", "first_name", "pk")
    )
    unit = tables.Column(verbose_name=_("Unit"))
    site = tables.Column(verbose_name=_("Site"), accessor="site__code", order_by=("site__code",))
    held = tables.Column(verbose_name=_("Weapons held"), attrs={"td": {"class": "num"}})

    class Meta(Table.Meta):
        model = Person
        fields = ["service_number", "name", "unit", "site", "held"]

    def render_name(self, record):
        url = reverse("registry:person_detail", args=[record.pk])
        return format_html(
            '<a href="{}">{} {} {}</a>',
            url,
            record.rank,
            record.last_name.upper(),
            record.first_name,
        )


class OverdueFilter(FilterSet):
    site = django_filters.ChoiceFilter(
        label=_("Site"), method=_as_listed, empty_label="—", choices=[]
    )
    kind = django_filters.ChoiceFilter(
        label=_("Handed over by"),
        method=_as_listed,
        empty_label="—",
        choices=[("issue", _("Issue")), ("loan", _("Loan"))],
    )

    class Meta:
        model = Weapon
        fields = ["site", "kind"]

    def cleaned(self) -> dict:
        return self.form.cleaned_data if self.is_bound else {}


class OverdueTable(Table):
    serial = tables.Column(
        verbose_name=_("Serial number"), accessor="weapon__serial", order_by=("weapon__serial",)
    )
    weapon_type = tables.Column(verbose_name=_("Type"), accessor="weapon__weapon_type")
    holder = tables.Column(verbose_name=_("Held by"), empty_values=(), orderable=False)
    site = tables.Column(verbose_name=_("Site"), accessor="weapon__site__code")
    kind = tables.Column(verbose_name=_("Handed over by"), empty_values=())
    since = tables.DateTimeColumn(verbose_name=_("Since"), format="SHORT_DATETIME_FORMAT")
    due = tables.DateTimeColumn(verbose_name=_("Due back"), format="SHORT_DATE_FORMAT")
    days_overdue = tables.Column(verbose_name=_("Days overdue"), attrs={"td": {"class": "num"}})

    class Meta(Table.Meta):
        order_by = ("-days_overdue",)

    def render_serial(self, record, value):
        url = reverse("registry:weapon_detail", args=[record.weapon.pk])
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_holder(self, record):
        w = record.weapon
        if w.custodian_id:
            url = reverse("registry:person_detail", args=[w.custodian_id])
            return format_html('<a href="{}">{}</a>', url, w.custodian)
        return w.custodian_unit or "—"

    def render_kind(self, record):
        from pssm.movements.models import KIND_CHOICES

        label = dict(KIND_CHOICES).get(record.kind, "—")
        if record.voucher_id:
            url = reverse("movements:voucher_detail", args=[record.voucher_id])
            return format_html(
                '<span>{} <a class="mono" href="{}">{}</a></span>', label, url, record.number
            )
        return label


class PersonHistoryTable(Table):
    """The posted movements that handed a weapon to a person or took one back."""

    posted_at = tables.DateTimeColumn(
        verbose_name=_("Date"),
        accessor="voucher__posted_at",
        format="SHORT_DATETIME_FORMAT",
        order_by=("voucher__posted_at", "pk"),
    )
    voucher = tables.Column(
        verbose_name=_("Voucher"), accessor="voucher__number", order_by=("voucher__number",)
    )
    movement = tables.Column(
        verbose_name=_("Movement"),
        accessor="voucher__kind",
        order_by=("voucher__kind", "-voucher__posted_at"),
    )
    serial = tables.Column(
        verbose_name=_("Serial number"),
        accessor="weapon__serial",
        order_by=("weapon__serial", "-voucher__posted_at"),
    )

    class Meta(Table.Meta):
        order_by = ("-posted_at",)

    def render_voucher(self, record, value):
        url = reverse("movements:voucher_detail", args=[record.voucher_id])
        return format_html('<a class="mono" href="{}">{}</a>', url, value)

    def render_movement(self, record):
        return record.voucher.get_kind_display()

    def render_serial(self, record, value):
        url = reverse("registry:weapon_detail", args=[record.weapon_id])
        return format_html(
            '<span><a class="mono" href="{}">{}</a> · {}</span>',
            url,
            value,
            record.weapon.weapon_type,
        )
