"""The user's notifications as a table (django-tables2): newest first, sortable by date or by
whether they were read."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.template.defaultfilters import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pssm.core.tables import Table

from .models import Notice


class NoticeTable(Table):
    text = tables.TemplateColumn(
        verbose_name=_("Notification"),
        template_name="notices/_notice_open.html",
    )
    created_at = tables.Column(verbose_name=_("Received"), order_by=("created_at", "pk"))

    class Meta(Table.Meta):
        model = Notice
        fields = ["text", "created_at"]
        attrs = {"class": "list", "id": "notices"}
        empty_text = _("No notification.")
        row_attrs = {"class": lambda record: "" if record.read_at else "unread"}

    def order_text(self, queryset, is_descending):
        """Unread first (read last when descending), the same on SQLite and PostgreSQL."""
        read = F("read_at")
        first = read.desc(nulls_last=True) if is_descending else read.asc(nulls_first=True)
        return queryset.order_by(first, "-created_at", "-pk"), True

    def render_created_at(self, value):
        return gettext("%(age)s ago") % {"age": timesince(value)}
