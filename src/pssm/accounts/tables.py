"""The account list as a table (django-tables2) with its search (django-filter)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import FilterSet, Table, by_selector

from .models import User


class UserFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=by_selector,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = User
        fields = ["q"]


class UserTable(Table):
    username = tables.Column(verbose_name=_("User name"), attrs={"td": {"class": "mono"}})
    name = tables.Column(
        verbose_name=_("Name"), empty_values=(), order_by=("last_name", "first_name", "username")
    )
    is_active = tables.Column(verbose_name=_("Active"), order_by=("-is_active", "username"))

    class Meta(Table.Meta):
        model = User
        fields = ["username", "name", "is_active"]

    def render_username(self, value):
        url = reverse("accounts:user_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_name(self, record):
        return f"{record.rank} {record.get_full_name()}".strip()

    def render_is_active(self, value):
        if value:
            return "✓"
        return format_html('<span class="badge off">{}</span>', _("disabled"))
