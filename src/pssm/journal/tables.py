"""The journal's list as a table (django-tables2) with its filters (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from . import sentences
from .models import JournalEntry


def _text(label, **attrs):
    return django_filters.CharFilter(
        label=label, method=by_selector, max_length=150, widget=forms.TextInput(attrs=attrs)
    )


def _date(label):
    return django_filters.DateFilter(
        label=label, method=by_selector, widget=forms.DateInput(attrs={"type": "date"})
    )


class JournalFilter(FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), method=by_selector, empty_label="—", choices=[]
    )
    actor = _text(_("Actor"))
    site = _text(_("Site"), placeholder="ML-KTI")
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    q = _text(_("Text"), type="search")

    class Meta:
        model = JournalEntry
        fields = ["kind", "actor", "site", "date_from", "date_to", "q"]

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("kind", [(k, sentences.label(k)) for k in kinds])


class JournalTable(Table):
    node_id = tables.Column(verbose_name=_("Node"), attrs={"td": {"class": "mono"}})
    seq = tables.Column(verbose_name="#", attrs={"td": {"class": "mono"}})
    recorded_at = tables.Column(
        verbose_name=_("When (UTC)"),
        attrs={"td": {"class": "mono"}},
        order_by=("recorded_at", "seq"),
    )
    actor = tables.Column(verbose_name=_("Actor"), order_by=("actor", "-recorded_at"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "-recorded_at"))
    scope = tables.Column(
        verbose_name=_("Scope"),
        empty_values=(),
        attrs={"td": {"class": "mono"}},
        order_by=("scope_site", "scope_organisation", "scope_country", "-recorded_at"),
    )
    hash = tables.Column(verbose_name=_("Hash"), orderable=False, attrs={"td": {"class": "mono"}})

    class Meta(Table.Meta):
        model = JournalEntry
        fields = ["node_id", "seq", "recorded_at", "actor", "kind", "scope", "hash"]

    def render_seq(self, record, value):
        url = reverse("journal:entry_detail", args=[record.uuid])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_recorded_at(self, value):
        return value[:19]

    def render_kind(self, value):
        return sentences.label(value)

    def render_scope(self, record):
        return record.scope_site or record.scope_organisation or record.scope_country or "—"

    def render_hash(self, value):
        return f"{value[:12]}…"
