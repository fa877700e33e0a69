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


def by_selector(queryset, name, value):
    """For a filter whose value the list's selector applies (it keeps the user's scope and
    is shared with the API): the FilterSet checks and shows the value, the selector filters."""
    return queryset


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose fields sit in the page's row of filters.

    ``sites`` fills the choices of a ``site`` filter with the sites the user may pick."""

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None and "site" in self.filters:
            self.set_choices("site", site_choices(sites))

    @property
    def form(self):
        """The filters' form; its fields' ids start with ``f-`` so that they never clash
        with those of another form on the page."""
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            data = self.data if self.is_bound else None
            self._form = form_class(data, prefix=self.form_prefix, auto_id="f-%s")
        return self._form

    def set_choices(self, name: str, choices, empty="—") -> None:
        """The values a choice filter accepts, and shows after an ``empty`` first one."""
        self.filters[name].extra["choices"] = choices
        self.form.fields[name].choices = [("", empty), *choices]

    def values(self) -> dict:
        """The checked values by filter name, ``""`` for a filter left empty."""
        if not self.is_bound or not self.form.is_valid():
            return dict.fromkeys(self.filters, "")
        data = self.form.cleaned_data
        return {name: "" if data.get(name) is None else data[name] for name in self.filters}

    def selected(self, select):
        """``select(filters)`` with the checked values, or nothing at all when a value was
        refused (the form names it)."""
        if self.errors_or_none():
            return select(dict.fromkeys(self.filters, "")).none()
        return select(self.values())

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
