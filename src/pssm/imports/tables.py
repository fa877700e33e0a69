"""The list of imports as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table

from .models import ImportJob


class JobFilter(FilterSet):
    site = django_filters.ChoiceFilter(
        label=_("Site"), field_name="site__code", empty_label="—", choices=[]
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ImportJob.Kind.choices, empty_label="—"
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ImportJob.State.choices, empty_label="—"
    )

    class Meta:
        model = ImportJob
        fields = ["site", "kind", "state"]


class JobTable(Table):
    pk = tables.Column(verbose_name="#", order_by=("pk",))
    file_name = tables.Column(verbose_name=_("File"))
    kind = tables.Column(verbose_name=_("Kind"))
    site = tables.Column(verbose_name=_("Site"), accessor="site__code", order_by=("site__code",))
    state = tables.Column(verbose_name=_("State"))
    imported = tables.Column(verbose_name=_("Imported"), attrs={"td": {"class": "num"}})
    rejected = tables.Column(verbose_name=_("Rejected"), attrs={"td": {"class": "num"}})
    skipped = tables.Column(verbose_name=_("Skipped"), attrs={"td": {"class": "num"}})
    created_at = tables.DateTimeColumn(verbose_name=_("Started"), format="Y-m-d H:i")

    class Meta(Table.Meta):
        model = ImportJob
        fields = [
            "pk",
            "file_name",
            "kind",
            "site",
            "state",
            "imported",
            "rejected",
            "skipped",
            "created_at",
        ]
        order_by = ("-created_at",)

    def render_pk(self, value):
        url = reverse("imports:job_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)
