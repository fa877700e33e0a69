"""Pages of the national reports: the national dashboard, generating, reading, downloading
and signing a report off, the records behind a figure, and the regional aggregates."""

from __future__ import annotations

import json
from datetime import date

from django import forms as dj_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core import errors
from pssm.core.exports import XLSX_TYPE, table_response
from pssm.core.tables import configure
from pssm.core.web import call_service
from pssm.domain import reporting
from pssm.domain.access import Action
from pssm.domain.errors import PermissionDeniedError, PssmError, ValidationError, gettext_noop

from . import render as report_render
from . import selectors, services, sources
from .dashboard import national_dashboard
from .labels import group_title, row_label
from .models import KIND_CHOICES, LANGUAGE_CHOICES
from .tables import RECORD_TABLES, ReportFilter, ReportTable


class GenerateForm(dj_forms.Form):
    kind = dj_forms.ChoiceField(label=gettext_lazy("Report"), choices=KIND_CHOICES)
    country = dj_forms.ChoiceField(label=gettext_lazy("Country"))
    period_start = dj_forms.DateField(
        label=gettext_lazy("Period start"),
        required=False,
        widget=dj_forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = dj_forms.DateField(
        label=gettext_lazy("Period end"),
        required=False,
        widget=dj_forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    language = dj_forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES)


def _countries_or_403(user):
    countries = list(selectors.countries_for(user))
    if not countries:
        raise PermissionDeniedError(
            gettext_noop("National figures need a national or global role."),
            details={"action": str(Action.AGGREGATES_VIEW)},
        )
    return countries


@login_required
def dashboard(request):
    countries = _countries_or_403(request.user)
    code = request.GET.get("country") or countries[0].code
    country = selectors.country_get(user=request.user, code=code)
    charts = national_dashboard(user=request.user, country=country)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        chart = next((c for c in charts if c.key == request.GET.get("chart")), None)
        if chart is None:
            raise Http404
        columns = [(_("Figure"), lambda bar: bar.label), (_("Quantity"), lambda bar: bar.value)]
        name = f"dashboard-{country.code}-{chart.key}"
        return table_response(columns, chart.bars, fmt, name, chart.title)
    return render(
        request,
        "reports/dashboard.html",
        {
            "country": country,
            "countries": countries,
            "charts": charts,
            "recent": selectors.report_list(user=request.user, filters={"country": country.code})[
                :10
            ],
        },
    )


@login_required
def report_list(request):
    countries = _countries_or_403(request.user)
    filterset = ReportFilter(request.GET or None, countries=countries)
    form = GenerateForm(
        request.POST or None,
        initial={
            "period_start": date(date.today().year, 1, 1),
            "period_end": date(date.today().year, 12, 31),
            "language": getattr(request, "LANGUAGE_CODE", "fr"),
        },
    )
    form.fields["country"].choices = [(c.code, str(c)) for c in countries]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        country = next(c for c in countries if c.code == data.pop("country"))
        report = call_service(
            form, services.report_generate, actor=request.user, country=country, **data
        )
        if report:
            messages.success(request, _("Report %(number)s generated.") % {"number": report})
            return redirect("reports:report_detail", pk=report.pk)
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "table": configure(
                request,
                ReportTable(
                    filterset.selected(
                        lambda f: selectors.report_list(user=request.user, filters=f)
                    )
                ),
                filterset,
            ),
        },
    )


def _tables(figures: dict) -> list[dict]:
    out = []
    for section in figures["sections"]:
        tables = []
        for table in section["tables"]:
            tables.append(
                {
                    "title": _(table["title"]),
                    "group_title": group_title(table) or _("Figure"),
                    "compare": "previous_total" in table,
                    "total": table["total"],
                    "previous_total": table.get("previous_total"),
                    "grouped": bool(table["groups"]),
                    "key": table["key"],
                    "rows": [
                        {
                            **row,
                            "label": row_label(table, row),
                            "href": report_render.records_url(figures, table, row),
                        }
                        for row in table["rows"]
                    ],
                }
            )
        out.append({"title": _(section["title"]), "tables": tables})
    return out


@login_required
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    figures = report.figures
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "title": _(figures["title"]),
            "source_text": _(figures["source"]),
            "instrument": _(figures["instrument"]["title"]) if figures.get("instrument") else "",
            "nil": figures.get("nil"),
            "sections": _tables(figures),
            "can_sign": authz.can(request.user, Action.REPORT_SIGN, report.scope)
            and not report.is_signed,
            "can_drill": authz.can(request.user, Action.SERIALS_VIEW, report.scope),
        },
    )


@login_required
@require_POST
def report_sign(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.report_sign(actor=request.user, report=report, note=request.POST.get("note", ""))
    except PssmError as exc:
        messages.error(request, errors.message(exc))
    else:
        messages.success(request, _("The report is signed off."))
    return redirect("reports:report_detail", pk=report.pk)


@login_required
def report_download(request, pk, fmt):
    report = selectors.report_get(user=request.user, pk=pk)
    language = request.GET.get("lang") or report.language
    if language not in services.LANGUAGES or fmt not in {"pdf", "xlsx"}:
        raise Http404
    if fmt == "pdf":
        body, content_type = (
            report_render.report_pdf(report.figures, language, report),
            "application/pdf",
        )
    else:
        body, content_type = report_render.report_xlsx(report.figures, language, report), XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.number}-{language}.{fmt}"'
    return response


def _date_param(request, name: str) -> date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        message = gettext_noop("%(name)s is not a date (YYYY-MM-DD).")
        raise ValidationError(
            message, params={"name": name}, details={name: gettext_noop("Not a date (YYYY-MM-DD).")}
        ) from None


RESERVED = {"source", "start", "end", "page", "sort"}


@login_required
def records(request, country):
    country = selectors.country_get(user=request.user, code=country, action=Action.SERIALS_VIEW)
    period = reporting.check_period(_date_param(request, "start"), _date_param(request, "end"))
    source = request.GET.get("source", "")
    filters = {k: v for k, v in request.GET.items() if k not in RESERVED}
    qs = selectors.figure_records(
        user=request.user, country=country, source=source, period=period, filters=filters
    )
    return render(
        request,
        "reports/records.html",
        {
            "country": country,
            "period": period,
            "source": source,
            "filters": filters,
            "table": configure(
                request,
                RECORD_TABLES[sources.SOURCES[source].kind](
                    qs, can_journal=authz.can(request.user, Action.JOURNAL_VIEW, country)
                ),
            ),
        },
    )


@login_required
def regional_export(request):
    countries = _countries_or_403(request.user)
    code = request.GET.get("country") or countries[0].code
    country = selectors.country_get(user=request.user, code=code)
    year = request.GET.get("year", "").strip()
    if year:
        if not year.isdigit():
            message = gettext_noop("Give the year as four digits, %(first)s or later.")
            raise ValidationError(
                message,
                params={"first": reporting.EARLIEST_YEAR},
                details={"year": gettext_noop("Give the year as four digits.")},
            )
        period = reporting.year_period(int(year))
    else:
        period = reporting.check_period(_date_param(request, "start"), _date_param(request, "end"))
    data = selectors.regional_figures(
        country=country.code, period_start=period.start, period_end=period.end
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = f"regional-{country.code}-{period.start.isoformat()}-{period.end.isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
