"""Lists as django-tables2 tables filtered by django-filter (ADR 0018): every column a user
may sort is sortable by its header, the filters are a FilterSet whose bad values are named on
the form (and then nothing is listed rather than a list that silently ignored the filter),
and each cell carries its column's name so that a narrow screen shows the rows as cards."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from .web import PAGE_SIZE


class Table(tables.Table):
    """The project's table: its own light template, 50 rows a page."""

    class Meta:
        template_name = "core/_table.html"
        attrs = {"class": "list"}
        empty_text = _("Nothing found.")


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose fields sit in the page's row of filters."""

    def errors_or_none(self):
        return self.form.errors if self.is_bound and not self.form.is_valid() else None

    @property
    def listed(self):
        """The filtered rows, or none at all when a filter's value was refused."""
        if self.errors_or_none():
            return self.queryset.none() if hasattr(self.queryset, "none") else []
        return self.qs


def configure(request, table: Table, filterset=None, per_page: int = PAGE_SIZE) -> Table:
    """Sort by the ``sort`` parameter and paginate by ``page`` (an unknown column is ignored,
    an out-of-range page shows the last one); the table shows ``filterset``'s form above it."""
    table.filter = filterset
    RequestConfig(request, paginate={"per_page": per_page, "orphans": 0}).configure(table)
    return table


def site_choices(sites) -> list[tuple[str, str]]:
    return [(s.code, s.code) for s in sites]
