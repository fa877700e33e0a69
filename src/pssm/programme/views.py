"""Pages of the programme: dashboard with the indicators and their charts, drill-down,
activities (list, filter, search, export, sheet, form, attachments), SOP library, training
cascade and certificates, model installations side by side with their map, the evaluation
report and the IATI export. Every page asks :mod:`pssm.programme.access` first."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core.exports import FORMATS, table_response
from pssm.core.pdf import day, number
from pssm.core.tables import configure
from pssm.core.web import run_service
from pssm.domain.access import Action
from pssm.domain.errors import PssmError

from . import access, charts, iati, report, selectors, services
from . import indicators as ind
from .forms import ActivityForm
from .models import (
    ActivityFocus,
    ActivityType,
    Attachment,
    Indicator,
    ModelInstallation,
    Participation,
    Programme,
    Transaction,
)
from .tables import ActivityFilter, ActivityTable
from .views_edit import call_service


def _programme():
    prog = Programme.objects.order_by("pk").first()
    if prog is None:
        raise Http404(_("No programme is recorded yet."))
    return prog


@login_required
def dashboard(request):
    countries = access.check_view(request.user)
    results = ind.indicators_compute(countries=countries)
    cards = []
    for r in results:
        has_den = r.total.denominator is not None
        bars = [(f.country, f.percent if has_den else f.numerator, f.shown) for f in r.by_country]
        cards.append(
            {
                "result": r,
                "chart": charts.bar_chart(r.indicator.name, bars, maximum=100 if has_den else None),
            }
        )
    cascade, _persons = selectors.cascade_for(countries=countries)
    gens = {}
    for g in cascade.generation.values():
        gens[g] = gens.get(g, 0) + 1
    cascade_chart = charts.bar_chart(
        _("Persons by generation of the cascade"),
        [(f"G{g}", n, str(n)) for g, n in sorted(gens.items())],
    )
    return render(
        request,
        "programme/dashboard.html",
        {
            "cards": cards,
            "cascade_chart": cascade_chart,
            "countries": countries,
            "can_edit": access.can_edit(request.user, countries),
        },
    )


@login_required
def indicator_detail(request, code):
    countries = access.check_view(request.user)
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None or indicator.measure not in ind.MEASURES:
        raise Http404(_("No such indicator."))
    result = ind.indicator_compute(indicator, countries=countries)
    return render(request, "programme/indicator_detail.html", {"r": result})


ACTIVITY_COLUMNS = [
    ("code", lambda a: a.code),
    ("title", lambda a: a.title),
    ("start_date", lambda a: a.start_date.isoformat()),
    ("end_date", lambda a: a.end_date.isoformat()),
    ("countries", lambda a: " ".join(sorted(c.code for c in a.countries.all()))),
    ("place", lambda a: a.place),
    ("types", lambda a: "; ".join(t.label for t in a.types.all())),
    ("focuses", lambda a: "; ".join(f.label for f in a.focuses.all())),
    ("budget", lambda a: a.budget_amount),
    ("spent", lambda a: a.spent or 0),
    ("currency", lambda a: a.currency),
    ("status", lambda a: a.get_status_display()),
]


@login_required
def activity_list(request):
    countries = access.check_view(request.user)
    filterset = ActivityFilter(
        request.GET or None,
        countries=countries,
        types=ActivityType.objects.all(),
        focuses=ActivityFocus.objects.all(),
    )
    qs = filterset.selected(
        lambda f: selectors.activity_list(
            countries=countries,
            q=f["q"],
            country=f["country"],
            type_code=f["type"],
            focus=f["focus"],
            year=str(f["year"]),
        )
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return table_response(ACTIVITY_COLUMNS, qs, fmt, "activities", _("Activities"))
    return render(
        request,
        "programme/activity_list.html",
        {
            "table": configure(request, ActivityTable(qs), filterset),
            "can_edit": authz.can_anywhere(request.user, Action.PROGRAMME_EDIT),
        },
    )


def _activity(request, code):
    countries = access.check_view(request.user)
    activity = selectors.activity_get(countries=countries, code=code)
    if activity is None:
        raise Http404(_("No such activity."))
    return activity


@login_required
def activity_detail(request, code):
    activity = _activity(request, code)
    return render(
        request,
        "programme/activity_detail.html",
        {
            "a": activity,
            "spent": sum(t.amount for t in activity.transactions.all() if t.kind in {"3", "4"}),
            "can_edit": access.can_edit(request.user, activity.country_codes()),
            "attachments": activity.attachments.defer("content"),
            "kinds": Attachment.Kind.choices,
            "transaction_kinds": Transaction.Kind.choices,
        },
    )


@login_required
def activity_sheet(request, code):
    activity = _activity(request, code)
    blocks = [
        report.Block("title", activity.title),
        report.Block(
            "p",
            f"{activity.code} · {day(activity.start_date)} - "
            f"{day(activity.end_date)} · {activity.place}",
        ),
        report.Block("p", activity.description),
        report.Block(
            "table",
            rows=[
                [_("Countries"), _("Types"), _("Focuses"), _("Budget"), _("Status")],
                [
                    ", ".join(activity.country_codes()),
                    ", ".join(t.label for t in activity.types.all()),
                    ", ".join(f.label for f in activity.focuses.all()),
                    f"{number(activity.budget_amount)} {activity.currency}",
                    activity.get_status_display(),
                ],
            ],
        ),
        report.Block("h2", _("Participating organisations")),
        report.Block(
            "table",
            rows=[[_("Organisation"), _("Role")]]
            + [[o.name, o.get_role_display()] for o in activity.orgs.all()],
        ),
        report.Block("h2", _("Contact points")),
        report.Block(
            "table",
            rows=[[_("Name"), _("Organisation"), _("Email"), _("Telephone")]]
            + [[c.name, c.organisation, c.email, c.telephone] for c in activity.contacts.all()],
        ),
    ]
    pdf = report.render_pdf(blocks, activity.title)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="activity-{activity.code}.pdf"'
    return response


def _lines(text: str, keys: list[str]) -> list[dict]:
    rows = []
    for line in (text or "").splitlines():
        if line.strip():
            cells = [c.strip() for c in line.split("|")]
            rows.append(dict(zip(keys, cells + [""] * len(keys), strict=False)))
    return rows


@login_required
def activity_form(request, code=None):
    access.check_view(request.user)
    activity = _activity(request, code) if code else None
    if activity is not None:
        access.check_edit(request.user, activity.country_codes())
    else:
        authz.check_anywhere(request.user, Action.PROGRAMME_EDIT)
    if request.method == "POST":
        form = ActivityForm(request.POST)
        if activity is None and not Programme.objects.exists():
            form.add_error(None, _("No programme is recorded yet."))
        elif form.is_valid():
            data = dict(form.cleaned_data)
            result = call_service(
                form,
                services.activity_save,
                actor=request.user,
                programme=activity.programme if activity else _programme(),
                activity=activity,
                code=activity.code if activity else data.pop("code"),
                countries=data.pop("countries").replace(",", " ").split(),
                types=data.pop("types"),
                focuses=data.pop("focuses"),
                orgs=_lines(data.pop("orgs"), ["role", "name", "ref", "org_type"]),
                sites=data.pop("sites").upper().split(),
                links={
                    "sop_versions": data.pop("sop_versions").split(),
                    "trainings": data.pop("trainings").split(),
                    "installations": data.pop("installations").split(),
                },
                contacts=_lines(
                    data.pop("contacts"),
                    ["name", "organisation", "job_title", "email", "telephone"],
                ),
                **{k: v for k, v in data.items() if k != "code"},
            )
            if result is not None:
                messages.success(request, _("Activity saved."))
                return redirect("programme:activity_detail", result.code)
    else:
        initial = {}
        if activity:
            initial = {
                f: getattr(activity, f) for f in services.ACTIVITY_FIELDS if f != "is_evaluation"
            }
            initial.update(
                code=activity.code,
                countries=" ".join(activity.country_codes()),
                types=[t.code for t in activity.types.all()],
                focuses=[f.code for f in activity.focuses.all()],
                sites=" ".join(s.code for s in activity.sites.all()),
                sop_versions=" ".join(
                    f"{v.sop.code}/{v.number}" for v in activity.sop_versions.all()
                ),
                trainings=" ".join(t.code for t in activity.trainings.all()),
                installations=" ".join(i.code for i in activity.installations.all()),
                orgs="\n".join(
                    f"{o.role} | {o.name} | {o.ref} | {o.org_type}" for o in activity.orgs.all()
                ),
                contacts="\n".join(
                    f"{c.name} | {c.organisation} | {c.job_title} | {c.email} | {c.telephone}"
                    for c in activity.contacts.all()
                ),
            )
        form = ActivityForm(initial=initial)
        if activity:
            form.fields["code"].disabled = True
    return render(request, "programme/activity_form.html", {"form": form, "a": activity})


@login_required
@require_POST
def attachment_add(request, code):
    activity = _activity(request, code)
    run_service(
        request,
        services.attachment_add,
        _("File attached."),
        activity=activity,
        kind=request.POST.get("kind", ""),
        title=request.POST.get("title", ""),
        upload=request.FILES.get("file"),
    )
    return redirect("programme:activity_detail", activity.code)


@login_required
def attachment_get(request, code, pk):
    activity = _activity(request, code)
    item = activity.attachments.filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such file."))
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def sop_list(request):
    countries = access.check_view(request.user)
    return render(
        request,
        "programme/sop_list.html",
        {
            "sops": selectors.sop_list(countries=countries),
            "reviews": selectors.review_list(countries=countries),
            "can_edit": authz.can_anywhere(request.user, Action.PROGRAMME_EDIT),
        },
    )


@login_required
@require_POST
def review_close(request, pk):
    countries = access.check_view(request.user)
    review = selectors.review_list(countries=countries).filter(pk=pk).first()
    if review is None:
        raise Http404(_("No such review."))
    run_service(request, services.template_review_close, _("Template reviewed."), review=review)
    return redirect("programme:sop_list")


@login_required
def training_list(request):
    countries = access.check_view(request.user)
    cascade, persons = selectors.cascade_for(countries=countries)
    first = [
        {
            "person": persons[p],
            "reach": len(cascade.reach[p]),
            "direct": sum(1 for t in cascade.trained_by.values() if p in t),
        }
        for p in cascade.first_generation()
    ]
    generations = {}
    for pid, g in cascade.generation.items():
        generations.setdefault(g, []).append(persons[pid])
    return render(
        request,
        "programme/training_list.html",
        {
            "events": selectors.training_list(countries=countries),
            "first": first,
            "generations": sorted(generations.items()),
            "depth": cascade.depth(),
            "groups": selectors.trained_by_group(countries=countries),
            "can_edit": authz.can_anywhere(request.user, Action.PROGRAMME_EDIT),
            "gen_of": {persons[p].pk: g for p, g in cascade.generation.items()},
        },
    )


@login_required
def certificate(request, pk):
    countries = access.check_view(request.user)
    part = (
        Participation.objects.filter(pk=pk, result="passed", event__country__code__in=countries)
        .select_related("event__country", "person")
        .first()
    )
    if part is None:
        raise Http404(_("No such certificate."))
    blocks = [
        report.Block("title", _("Certificate of training")),
        report.Block("p", _("This certifies that")),
        report.Block("h1", part.person.full_name),
        report.Block("p", part.institution),
        report.Block(
            "p",
            _(
                "completed the course %(course)s, %(place)s, %(start)s to %(end)s, with a "
                "score of %(score)s %%."
            )
            % {
                "course": part.event.title,
                "place": part.event.place,
                "start": day(part.event.start_date),
                "end": day(part.event.end_date),
                "score": number(part.score) if part.score is not None else "-",
            },
        ),
        report.Block(
            "p", _("Certificate number: %(number)s") % {"number": part.certificate_number}
        ),
    ]
    response = HttpResponse(
        report.render_pdf(blocks, _("Certificate of training")), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="certificate-{part.certificate_number}.pdf"'
    )
    return response


@login_required
def installation_list(request):
    countries = access.check_view(request.user)
    rows = selectors.installation_rows(countries)
    for r in rows:
        r.chart = (
            charts.level_history(r.name, [(f"{d:%Y-%m}", lv, pct) for d, lv, pct in r.history])
            if r.history
            else ""
        )
    points = [
        (
            r.code,
            f"{r.name} - {r.status}",
            float(r.site.latitude),
            float(r.site.longitude),
            r.status_code,
        )
        for r in rows
        if r.site is not None and r.site.latitude is not None
    ]
    the_map = charts.map_with_legend(
        _("Map of the model installations"), points, dict(ModelInstallation.Status.choices)
    )
    summary = {}
    for r in rows:
        s = summary.setdefault(r.country, {"planned": 0, "works": 0, "done": 0})
        s[r.status_code] += 1
    return render(
        request,
        "programme/installation_list.html",
        {
            "rows": rows,
            "map": the_map,
            "summary": sorted(summary.items()),
            "can_edit": authz.can_anywhere(request.user, Action.PROGRAMME_EDIT),
        },
    )


def _period(request):
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
        end = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        return None, None
    return start, end


@login_required
def evaluation(request):
    countries = access.check_view(request.user)
    prog = _programme()
    start, end = _period(request)
    lang = request.GET.get("lang") or (get_language() or "fr")[:2]
    fmt = request.GET.get("format", "")
    if fmt in {"pdf", "docx"}:
        if start is None:
            messages.error(request, _("Give the period as two dates (from, to)."))
        elif lang not in {"fr", "en"}:
            messages.error(request, _("The report is written in French or English."))
        else:
            try:
                data = report.evaluation_report(
                    programme=prog, countries=countries, start=start, end=end, lang=lang, fmt=fmt
                )
            except PssmError as exc:
                from pssm.core import errors

                messages.error(request, errors.message(exc))
            else:
                kind = (
                    "application/pdf"
                    if fmt == "pdf"
                    else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                )
                response = HttpResponse(data, content_type=kind)
                response["Content-Disposition"] = (
                    f'attachment; filename="evaluation-{start}-{end}-{lang}.{fmt}"'
                )
                return response
    return render(
        request,
        "programme/evaluation.html",
        {
            "prog": prog,
            "start": (start or prog.start_date).isoformat(),
            "end": (end or prog.end_date or date.today()).isoformat(),
            "lang": lang,
            "can_edit": authz.can_anywhere(request.user, Action.PROGRAMME_EDIT),
        },
    )


@login_required
def iati_export(request):
    countries = access.check_view(request.user)
    prog = _programme()
    try:
        data = iati.iati_bytes(programme=prog, countries=countries)
    except PssmError as exc:
        from pssm.core import errors

        messages.error(request, errors.message(exc))
        return redirect("programme:activity_list")
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = 'attachment; filename="iati-activities.xml"'
    return response
