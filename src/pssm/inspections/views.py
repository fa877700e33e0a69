"""Pages of inspections: the list with each site's score history, a new inspection, the
checklist to answer, closing with its RRPL score, and corrective actions."""

from datetime import date
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core.tables import configure
from pssm.core.web import run_service
from pssm.domain.access import Action
from pssm.registry.forms import sites_where

from . import scans, selectors, services
from .models import ANSWER_CHOICES, DOMAIN_LABELS, FINDING_LABELS, CorrectiveAction
from .tables import CountTable, InspectionFilter, InspectionTable, KeyLoanTable


@login_required
def inspection_list(request):
    filterset = InspectionFilter(request.GET or None)
    qs = filterset.selected(
        lambda f: selectors.inspection_list(user=request.user, site_code=f["site"])
    )
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "table": configure(request, InspectionTable(qs), filterset),
            "sites": sites_where(request.user, Action.INSPECTION_RECORD),
            "today": date.today().isoformat(),
        },
    )


@login_required
@require_POST
def inspection_create(request):
    site = (
        sites_where(request.user, Action.INSPECTION_RECORD)
        .filter(code=request.POST.get("site", "").upper())
        .first()
    )
    authz.check(request.user, Action.INSPECTION_RECORD, site)
    try:
        when = date.fromisoformat(request.POST.get("inspected_on") or date.today().isoformat())
    except ValueError:
        messages.error(request, _("Give the date of the inspection."))
        return redirect("inspections:inspection_list")
    inspection = run_service(
        request, services.inspection_start, _("Inspection opened."), site=site, inspected_on=when
    )
    if inspection is None:
        return redirect("inspections:inspection_list")
    return redirect("inspections:inspection_detail", inspection.pk)


@login_required
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    can_record = inspection.state == "open" and authz.can(
        request.user, Action.INSPECTION_RECORD, inspection
    )
    if request.method == "POST":
        authz.check(request.user, Action.INSPECTION_RECORD, inspection)
        answers = {}
        for q in inspection.template.questions.all():
            value = request.POST.get(f"a_{q.code}", "")
            if value:
                answers[q.code] = {
                    "answer": value,
                    "note": request.POST.get(f"n_{q.code}", ""),
                    "evidence": request.POST.get(f"e_{q.code}", ""),
                }
        saved = run_service(
            request,
            services.answers_record,
            _("Answers saved."),
            inspection=inspection,
            answers=answers,
        )
        if saved is not None:
            for field, upload in request.FILES.items():
                if field.startswith("p_") and upload:
                    run_service(
                        request,
                        services.photo_add,
                        _("Photo attached to %(code)s.") % {"code": field[2:]},
                        inspection=inspection,
                        question_code=field[2:],
                        upload=upload,
                    )
        return redirect("inspections:inspection_detail", pk)
    given = {a.question_id: a for a in inspection.answers.all()}
    photos = {}
    for photo in inspection.photos.all():
        photos.setdefault(photo.question_id, []).append(photo)
    rows = [(q, given.get(q.pk), photos.get(q.pk, [])) for q in inspection.template.questions.all()]
    domains = [
        (DOMAIN_LABELS.get(domain, domain), list(items))
        for domain, items in groupby(rows, key=lambda r: r[0].domain)
    ]
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "domains": domains,
            "can_record": can_record,
            "can_act": authz.can(request.user, Action.INSPECTION_RECORD, inspection),
            "choices": ANSWER_CHOICES,
            "thresholds": {str(n): f"{t * 100:.0f}" for n, t in services.thresholds().items()},
            "actions": inspection.actions.select_related("question"),
            "history": selectors.inspection_list(user=request.user, site_code=inspection.site.code)
            .filter(state="closed")
            .order_by("inspected_on"),
        },
    )


@login_required
def inspection_photo(request, pk, photo_id):
    from pssm.core.photos import photo_response

    inspection = selectors.inspection_get(user=request.user, pk=pk)
    response = photo_response(get_object_or_404(inspection.photos, pk=photo_id))
    response["Content-Disposition"] = "inline"
    return response


@login_required
def inspection_pdf(request, pk):
    from .report_pdf import inspection_response

    inspection = selectors.inspection_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("inspections:inspection_detail", args=[pk]))
    return inspection_response(
        inspection,
        url,
        commander=selectors.site_commander(inspection.site),
        printed_by=request.user,
    )


@login_required
@require_POST
def inspection_close(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    run_service(
        request,
        services.inspection_close,
        _("Inspection closed and scored."),
        inspection=inspection,
    )
    return redirect("inspections:inspection_detail", pk)


@login_required
@require_POST
def action_add(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    try:
        due = date.fromisoformat(request.POST.get("due_date", ""))
    except ValueError:
        messages.error(request, _("Give the due date."))
        return redirect("inspections:inspection_detail", pk)
    run_service(
        request,
        services.corrective_action_add,
        _("Corrective action recorded."),
        inspection=inspection,
        description=request.POST.get("description", ""),
        owner=request.POST.get("owner", ""),
        due_date=due,
        question_code=request.POST.get("question", ""),
    )
    return redirect("inspections:inspection_detail", pk)


@login_required
@require_POST
def action_close(request, pk, action_id):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    action = get_object_or_404(CorrectiveAction, pk=action_id, inspection=inspection)
    run_service(
        request,
        services.corrective_action_close,
        _("Corrective action closed."),
        action=action,
        note=request.POST.get("note", ""),
    )
    return redirect("inspections:inspection_detail", pk)


@login_required
def security_log(request, code):
    """The key register and the access log of one site, with the forms to keep them."""
    from pssm.sites import selectors as site_selectors
    from pssm.sites.models import Building, StorageLocation

    from .models import AccessEntry, Key, KeyLoan

    site = site_selectors.site_get(user=request.user, code=code.upper())
    authz.check(request.user, Action.SERIALS_VIEW, site)
    if request.method == "POST":
        op, post = request.POST.get("op"), request.POST
        if op == "key":
            run_service(
                request,
                services.key_register,
                _("Key registered."),
                site=site,
                code=post.get("code", ""),
                label=post.get("label", ""),
            )
        elif op == "issue":
            key = get_object_or_404(Key, site=site, pk=post.get("key") or 0)
            run_service(
                request,
                services.key_issue,
                _("Key handed over."),
                key=key,
                holder=post.get("holder", ""),
            )
        elif op == "return":
            loan = get_object_or_404(KeyLoan, key__site=site, pk=post.get("loan") or 0)
            run_service(request, services.key_return, _("Key returned."), loan=loan)
        elif op == "enter":
            building = get_object_or_404(Building, site=site, pk=post.get("building") or 0)
            entry = run_service(
                request,
                services.access_record,
                _("Entry recorded."),
                building=building,
                person=post.get("person", ""),
                companion=post.get("companion", ""),
                purpose=post.get("purpose", ""),
            )
            if entry is not None and entry.two_person_broken:
                messages.warning(request, _("Two-person rule broken: the entry is flagged."))
        elif op == "leave":
            entry = get_object_or_404(AccessEntry, building__site=site, pk=post.get("entry") or 0)
            run_service(request, services.access_leave, _("Exit recorded."), entry=entry)
        return redirect("inspections:security_log", site.code)
    return render(
        request,
        "inspections/security_log.html",
        {
            "site": site,
            "keys": selectors.key_register(site),
            "loans": configure(
                request,
                KeyLoanTable(
                    KeyLoan.objects.filter(key__site=site).select_related(
                        "key", "issued_by", "received_by"
                    )
                ),
            ),
            "entries": selectors.access_entries(site),
            "buildings": Building.objects.filter(site=site, is_active=True).order_by("code"),
            "locations": StorageLocation.objects.filter(
                building__site=site, is_active=True
            ).order_by("code"),
            "can_keep": authz.can(request.user, Action.VOUCHER_PREPARE, site),
            "can_register": authz.can(request.user, Action.VOUCHER_APPROVE, site),
        },
    )


@login_required
def count_list(request, code):
    from pssm.sites import selectors as site_selectors
    from pssm.sites.models import Building, StorageLocation

    from .models import Count

    site = site_selectors.site_get(user=request.user, code=code.upper())
    authz.check(request.user, Action.SERIALS_VIEW, site)
    if request.method == "POST":
        count = run_service(
            request,
            services.count_start,
            _("Count opened."),
            site=site,
            witness=request.POST.get("witness", ""),
            policy=request.POST.get("policy", ""),
            items=request.POST.get("items", ""),
            building=Building.objects.filter(
                site=site, pk=_int(request.POST.get("building"))
            ).first(),
            location=StorageLocation.objects.filter(
                building__site=site, pk=_int(request.POST.get("location"))
            ).first(),
        )
        if count is not None:
            return redirect("inspections:count_detail", count.pk)
        return redirect("inspections:count_list", site.code)
    policies = _policy_titles(site)
    return render(
        request,
        "inspections/count_list.html",
        {
            "site": site,
            "table": configure(
                request,
                CountTable(
                    selectors.count_list(user=request.user, site_code=site.code),
                    policies=policies,
                ),
            ),
            "can_count": authz.can(request.user, Action.VOUCHER_PREPARE, site),
            "policies": policies,
            "buildings": Building.objects.filter(site=site, is_active=True).order_by("code"),
            "locations": StorageLocation.objects.filter(
                building__site=site, is_active=True
            ).order_by("code"),
            "item_choices": Count._meta.get_field("items").choices,
        },
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _policy_titles(site) -> dict[str, str]:
    from django.utils.translation import get_language

    from pssm.domain import count_policies

    language = get_language() or "fr"
    return {
        p.code: p.title(language) for p in count_policies.applicable(site.kind, site.scope.country)
    }


@login_required
def count_detail(request, pk):
    from pssm.sites.models import StorageLocation

    count = selectors.count_get(user=request.user, pk=pk)
    is_counter = count.counter_id == request.user.pk
    if request.method == "POST":
        if request.POST.get("op") == "close":
            run_service(request, services.count_close, _("Count closed."), count=count)
        elif request.POST.get("op") == "lot":
            location = StorageLocation.objects.filter(
                building__site=count.site, pk=_int(request.POST.get("location"))
            ).first()
            run_service(
                request,
                services.count_lot,
                _("Units recorded."),
                count=count,
                lot_number=request.POST.get("lot_number", ""),
                quantity=request.POST.get("quantity", ""),
                location=location,
            )
        elif request.POST.get("op") == "undo":
            if request.headers.get("HX-Request") == "true":
                return _scan_answer(request, count, undo=_int(request.POST.get("scan")))
            run_service(
                request,
                scans.count_scan_undo,
                _("Scan undone."),
                count=count,
                scan_id=_int(request.POST.get("scan")),
            )
        else:
            if request.headers.get("HX-Request") == "true":
                return _scan_answer(request, count)
            location = get_object_or_404(
                StorageLocation, building__site=count.site, pk=request.POST.get("location") or 0
            )
            run_service(
                request,
                services.count_scan,
                _("Serial recorded."),
                count=count,
                serial=request.POST.get("serial", ""),
                location=location,
            )
        return redirect("inspections:count_detail", pk)
    locations = selectors.count_locations(count)
    show_all = request.GET.get("scans") == "all"
    scan_rows, scan_total = [], 0
    if is_counter and count.state == "open":
        scan_total = count.scans.count()
        scan_rows = count.scans.select_related("location").order_by("-pk")
        if not show_all:
            scan_rows = scan_rows[:SCANS_SHOWN]
    return render(
        request,
        "inspections/count_detail.html",
        {
            "count": count,
            "policy": _policy_titles(count.site).get(count.policy, count.policy),
            "is_counter": is_counter,
            # while the count is open its counter sees the latest scans (all on request),
            # each with its undo; once closed, the findings say where every scan was
            "scans": scan_rows,
            "scan_total": scan_total,
            "all_scans": show_all,
            "lot_entries": count.lot_entries.select_related("lot", "location")
            if (is_counter or count.state == "closed")
            else [],
            # a sample check tells the counter which records to count, never the figures
            "to_count": [(lot, loc) for lot, loc, _qty in count.expected_lots]
            if count.is_sample
            else [],
            "locations": locations,
            **_findings_context(count),
            "can_close": count.state == "open"
            and not is_counter
            and authz.can(request.user, Action.VOUCHER_APPROVE, count),
        },
    )


SCANS_SHOWN = 30  # the latest scans of an open count, the ones a counter may undo


def _findings_context(count) -> dict:
    """The findings of a closed count, light for a 2G link: the totals per result, a table
    row for each gap and each lot, and the weapons found where the books put them as one line
    of serials per location (the same information, without a row per weapon)."""
    totals: dict[str, int] = {}
    rows, found_at = [], {}
    for f in count.findings:
        totals[f["result"]] = totals.get(f["result"], 0) + 1
        if f["result"] == "found" and not f.get("lot"):
            found_at.setdefault(f["expected_location"], []).append(f["serial"])
        else:
            rows.append({**f, "label": FINDING_LABELS.get(f["result"], f["result"])})
    return {
        "finding_totals": [(FINDING_LABELS.get(r, r), n) for r, n in totals.items()],
        "findings": rows,
        "found_at": sorted(found_at.items()),
        "found_total": sum(len(s) for s in found_at.values()),
    }


def _scan_answer(request, count, undo=None):
    """The answer to one scan or one undo, for htmx: a few hundred bytes whatever the size of
    the count (the answer, the new or removed row, the number of scans)."""
    from pssm.core.errors import message
    from pssm.domain.errors import PssmError
    from pssm.sites.models import StorageLocation

    added = removed = None
    try:
        if undo is not None:
            removed = scans.count_scan_undo(actor=request.user, count=count, scan_id=undo or 0)
            text, ok = _("%(serial)s taken off the count.") % {"serial": removed.serial}, True
        else:
            location = StorageLocation.objects.filter(
                building__site=count.site, pk=_int(request.POST.get("location"))
            ).first()
            added = services.count_scan(
                actor=request.user,
                count=count,
                serial=request.POST.get("serial", ""),
                location=location,
            )
            text, ok = (
                _("%(serial)s recorded in %(location)s.")
                % {
                    "serial": added.serial,
                    "location": location.code,
                },
                True,
            )
    except PssmError as exc:
        text, ok = message(exc), False
    return render(
        request,
        "inspections/_scan_answer.html",
        {
            "count": count,
            "text": text,
            "ok": ok,
            "added": added,
            "removed": removed,
            "scan_total": count.scans.count(),
            "is_counter": True,
        },
    )


@login_required
def compliance(request):
    from django.utils.translation import get_language

    from pssm.core.exports import FORMATS, table_response

    from . import dashboard

    by = request.GET.get("by", "site")
    if by not in {"site", "organisation", "country"}:
        by = "site"
    country = request.GET.get("country", "").strip().upper()
    sites = dashboard.visible_sites(request.user)
    if country:
        sites = sites.filter(organisation__country__code=country)
    site_rows = dashboard.site_rows(sites)
    rows = dashboard.grouped(sites, site_rows, by)
    if request.GET.get("format") in FORMATS:
        columns = [
            (by, lambda r: r.code),
            ("name", lambda r: r.name),
            ("sites", lambda r: r.sites),
            ("counts_overdue", lambda r: r.counts_overdue),
            ("counts_due_soon", lambda r: r.counts_due_soon),
            ("open_cases", lambda r: r.open_cases),
            ("oldest_case_days", lambda r: r.oldest_case_days),
            ("losses_open", lambda r: r.losses_open),
            ("inspection_percent", lambda r: r.inspection_percent),
            ("rrpl_level", lambda r: r.inspection_level),
            ("open_actions", lambda r: r.open_actions),
            ("overdue_actions", lambda r: r.overdue_actions),
        ]
        return table_response(columns, rows, request.GET["format"], "compliance", _("Compliance"))
    language = get_language() or "fr"
    return render(
        request,
        "inspections/compliance.html",
        {
            "by": by,
            "country": country,
            "rows": rows,
            "models": [r for r in site_rows if r.model_installation],
            "calendar": [
                {
                    "site": r.code,
                    "title": d.policy.title(language),
                    "source": d.policy.source,
                    "every_days": d.policy.every_days,
                    "last_done": d.last_done,
                    "due_on": d.due_on,
                    "state": d.state.value,
                    "days_overdue": d.days_overdue,
                }
                for r in site_rows
                for d in r.calendar
                if by == "site"
            ],
            "losses": dashboard.losses(request.user),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def count_sheet(request, pk):

    from . import pdf

    count = selectors.count_get(user=request.user, pk=pk)
    locations = selectors.count_locations(count)
    url = request.build_absolute_uri(reverse("inspections:count_detail", args=[pk]))
    content = pdf.count_sheet(
        count,
        locations,
        url,
        _policy_titles(count.site).get(count.policy, ""),
    )
    return pdf.pdf_response(content, f"count-{count.site.code}-{pk}")


LABELS_MAX = 2100  # 100 pages of 21 labels


@login_required
def weapon_labels(request, code):
    from pssm.domain.ledger import STORED
    from pssm.registry.models import Weapon
    from pssm.sites import selectors as site_selectors

    from . import pdf

    site = site_selectors.site_get(user=request.user, code=code.upper())
    authz.check(request.user, Action.SERIALS_VIEW, site)
    weapons = Weapon.objects.filter(site=site, status__in=[s.value for s in STORED])
    location = request.GET.get("location", "").strip().upper()
    if location:
        weapons = weapons.filter(location__code=location)
    weapons = weapons.select_related("weapon_type", "site").order_by(
        "location__code", "serial_norm"
    )[:LABELS_MAX]
    return pdf.pdf_response(pdf.weapon_labels(weapons), f"labels-{site.code}")
