"""Pages of ammunition and explosives safety: lots, the natures catalogue, and per site the
quantity-distance report with its plan (HTML and PDF)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pssm.accounts import authz
from pssm.core.exports import FORMATS, table_response
from pssm.core.pdf import person
from pssm.core.tables import configure
from pssm.core.web import call_service
from pssm.domain.access import Action
from pssm.domain.errors import Text
from pssm.sites import selectors as site_selectors
from pssm.sites.models import Country, Site

from . import forms, plan, qd_pdf, selectors, services
from .models import ExposedSite
from .safety import rules_for_country
from .tables import (
    LotFilter,
    LotTable,
    NatureFilter,
    NatureTable,
    SafetySiteTable,
    SuspensionFilter,
    SuspensionTable,
)

STATUS_LABELS = {"ok": _("met"), "violation": _("VIOLATION"), "empty": _("empty")}
RELATIONSHIP_LABELS = {
    "inter_magazine": _("Inter-magazine"),
    "process_building": _("Process building"),
    **dict(ExposedSite.Relationship.choices),
}


LOT_COLUMNS = [
    ("lot_number", lambda r: r["lot__lot_number"]),
    ("nature", lambda r: r["lot__nature__code"]),
    ("nomenclature", lambda r: r["lot__nature__nomenclature"]),
    ("hazard_code", lambda r: r["lot__nature__hazard_code"]),
    ("condition_code", lambda r: r["lot__condition_code"]),
    ("site", lambda r: r["site__code"]),
    ("quantity", lambda r: r["total"]),
    ("neq_kg", lambda r: str(r["lot__nature__neq_kg_per_unit"] * r["total"])),
]


# The stock list by storage location, in the columns the ammunition import reads back.
STOCK_COLUMNS = [
    ("lot_number", lambda b: b.lot.lot_number),
    ("nature", lambda b: b.lot.nature.code),
    ("quantity", lambda b: b.quantity),
    ("location", lambda b: b.location.code),
    ("manufacturer", lambda b: b.lot.manufacturer),
    ("year_of_manufacture", lambda b: b.lot.year_of_manufacture or ""),
    ("condition_code", lambda b: b.lot.condition_code),
    ("site", lambda b: b.site.code),
]


@login_required
def lot_list(request):
    filterset = LotFilter(request.GET or None)

    def site_of(f):
        code = f["site"].upper()
        return site_selectors.site_get(user=request.user, code=code) if code else None

    qs = filterset.selected(
        lambda f: selectors.lot_list(user=request.user, site=site_of(f), query=f["q"])
    )
    fmt = request.GET.get("format")
    if fmt in FORMATS and request.GET.get("by") == "location":
        site = site_of(filterset.values())
        stock = selectors.stock_by_location(user=request.user, site=site)
        return table_response(STOCK_COLUMNS, stock, fmt, "stock", _("Ammunition stock"))
    if fmt in FORMATS:
        return table_response(LOT_COLUMNS, qs, fmt, "lots", _("Ammunition lots"))
    return render(
        request,
        "ammunition/lot_list.html",
        {
            "table": configure(request, LotTable(qs), filterset),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def nature_list(request):
    filterset = NatureFilter(request.GET or None)
    qs = filterset.selected(lambda f: selectors.nature_list(user=request.user, query=f["q"]))
    return render(
        request,
        "ammunition/nature_list.html",
        {"table": configure(request, NatureTable(qs), filterset)},
    )


@login_required
def safety(request):
    """The sites with explosive storehouses in the user's reach, with links to their reports."""
    sites = (
        authz.scoped(
            request.user,
            Action.AGGREGATES_VIEW,
            Site.objects.filter(buildings__kind="explosive_storehouse"),
        )
        .distinct()
        .order_by("code")
    )
    return render(
        request, "ammunition/safety.html", {"table": configure(request, SafetySiteTable(sites))}
    )


def _translated(item: dict) -> str:
    wording = item.get("wording")
    return (
        Text(wording["template"], **wording["params"]).render(gettext) if wording else item["text"]
    )


def _labelled(report):
    for row in report["storehouses"]:
        for item in [*row["conflicts"], *row["licence_breaches"]]:
            item["text"] = _translated(item)
        for d in row["distances"]:
            d["relationship_label"] = RELATIONSHIP_LABELS.get(d["relationship"], d["relationship"])
            d["status_label"] = STATUS_LABELS.get(d["status"], d["status"])
    return report


@login_required
def qd_report(request, code):
    site = site_selectors.site_get(user=request.user, code=code.upper())
    report = _labelled(selectors.qd_site_report(user=request.user, site=site))
    return render(
        request,
        "ammunition/qd_report.html",
        {
            "report": report,
            "svg": mark_safe(plan.plan_svg(report)),  # noqa: S308 - escaped in plan_svg
            "can_plan": authz.can(request.user, Action.BUILDING_MANAGE, site),
            "can_waive": authz.can(request.user, Action.SAFETY_WAIVE, site),
            "can_license": authz.can(request.user, Action.LICENCE_MANAGE, site),
        },
    )


@login_required
def qd_report_pdf(request, code):
    site = site_selectors.site_get(user=request.user, code=code.upper())
    report = _labelled(selectors.qd_site_report(user=request.user, site=site))
    technician = authz.can(request.user, Action.AMMUNITION_MANAGE, site)
    return qd_pdf.report_response(
        report, printed_by=request.user, prepared_by=person(request.user) if technician else ""
    )


@login_required
def rule_list(request):
    """The safety rules in force for a country, with their provenance and national values."""
    authz.check_anywhere(request.user, Action.GEO_VIEW)
    countries = authz.scoped(request.user, Action.GEO_VIEW, Country.objects.all()).order_by("code")
    code = (request.GET.get("country") or "").strip().upper()
    if code and not countries.filter(code=code).exists():
        code = ""
    rules = rules_for_country(code)
    return render(
        request,
        "ammunition/rule_list.html",
        {
            "rules": [rule.as_dict() for rule in rules.rules.values()],
            "ruleset": f"{rules.name} {rules.edition}",
            "countries": countries,
            "country": code,
        },
    )


def _site_form(request, code, form_class, service, title, success, action, form_kwargs):
    """A small form page of a site's safety data; success returns to the QD report."""
    site = site_selectors.site_get(user=request.user, code=code.upper())
    authz.check(request.user, action, site)
    form = form_class(request.POST or None, **form_kwargs(site))
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, service, actor=request.user, site=site, form=form) is not None
    ):
        messages.success(request, success)
        return redirect("ammunition:qd_report", site.code)
    return render(
        request,
        "ammunition/site_form.html",
        {"form": form, "site": site, "title": title},
        status=400 if request.method == "POST" else 200,
    )


def _exposed_site(*, actor, site, form):
    return services.exposed_site_create(actor=actor, site=site, **form.cleaned_data)


def _waiver(*, actor, site, form):
    return services.waiver_grant(actor=actor, **form.cleaned_data)


def _licence(*, actor, site, form):
    return services.licence_issue(actor=actor, **form.service_kwargs())


@login_required
def exposed_site_create(request, code):
    return _site_form(
        request,
        code,
        forms.ExposedSiteForm,
        _exposed_site,
        _("New exposed site"),
        _("Exposed site recorded."),
        Action.BUILDING_MANAGE,
        form_kwargs=lambda site: {},
    )


@login_required
def waiver_create(request, code):
    return _site_form(
        request,
        code,
        forms.WaiverForm,
        _waiver,
        _("New safety waiver"),
        _("Waiver recorded."),
        Action.SAFETY_WAIVE,
        form_kwargs=lambda site: {"site": site},
    )


@login_required
def licence_create(request, code):
    return _site_form(
        request,
        code,
        forms.LicenceForm,
        _licence,
        _("New explosives limit licence"),
        _("Licence issued."),
        Action.LICENCE_MANAGE,
        form_kwargs=lambda site: {"site": site},
    )


@login_required
def suspension_list(request):
    """Lots suspended (or whose suspension was lifted), and the form to suspend one."""
    from .suspensions import lot_suspend
    from .suspensions import suspension_list as suspensions

    filterset = SuspensionFilter(request.GET or None)
    can_suspend = authz.can_anywhere(request.user, Action.LOT_SUSPEND)
    form = forms.SuspendForm(request.POST or None) if can_suspend else None
    if request.method == "POST" and form is not None and form.is_valid():
        done = call_service(form, lot_suspend, actor=request.user, **form.cleaned_data)
        if done:
            messages.success(
                request,
                gettext("Lot %(lot)s is suspended at every site that holds it.")
                % {"lot": done.lot.lot_number},
            )
            return redirect("ammunition:suspension_list")
    qs = filterset.selected(
        lambda f: suspensions(
            user=request.user,
            active={"active": True, "lifted": False}.get(f["state"]),
            query=f["q"],
        )
    )
    return render(
        request,
        "ammunition/suspension_list.html",
        {
            "table": configure(request, SuspensionTable(qs), filterset),
            "form": form,
            "can_suspend": can_suspend,
        },
    )


@login_required
def suspension_lift(request, pk):
    from django.http import Http404

    from pssm.core.web import run_service
    from pssm.domain.errors import NotFoundError

    from .suspensions import lot_suspension_lift, suspension_get

    if request.method != "POST":
        return redirect("ammunition:suspension_list")
    try:
        suspension = suspension_get(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    if not authz.can_anywhere(request.user, Action.LOT_SUSPEND):
        authz.check_anywhere(request.user, Action.LOT_SUSPEND)
    run_service(
        request,
        lot_suspension_lift,
        gettext("The suspension is lifted."),
        suspension=suspension,
        reason=request.POST.get("reason", ""),
    )
    return redirect("ammunition:suspension_list")


@login_required
def surveillance(request):
    """The surveillance calendar of the lots in the user's reach, and the record form."""
    from pssm.registry.forms import sites_where

    from .surveillance import (
        lot_inspection_list,
        lot_inspection_record,
        surveillance_calendar,
        surveillance_summary,
    )

    can_record = authz.can_anywhere(request.user, Action.AMMUNITION_MANAGE)
    form = None
    if can_record:
        form = forms.LotInspectionForm(
            request.POST or None, sites=sites_where(request.user, Action.AMMUNITION_MANAGE)
        )
        if request.method == "POST" and form.is_valid():
            done = call_service(
                form, lot_inspection_record, actor=request.user, **form.cleaned_data
            )
            if done:
                messages.success(request, gettext("Surveillance record kept."))
                return redirect("ammunition:surveillance")
    site_code = (request.GET.get("site") or "").strip().upper()[:24].replace("\x00", "")
    by = request.GET.get("by", "site")
    if by not in {"site", "organisation", "country"}:
        by = "site"
    rows = surveillance_calendar(user=request.user, site_code=site_code)
    return render(
        request,
        "ammunition/surveillance.html",
        {
            "rows": rows[:500],
            "total": len(rows),
            "summary": surveillance_summary(rows, by),
            "by": by,
            "site": site_code,
            "form": form,
            "records": lot_inspection_list(user=request.user)[:20],
        },
    )
