"""Pages that write the programme's records other than activities: SOPs, their versions and
validations, training events and their participants, model installations and their works,
and the narrative sections of the evaluation. Each asks for the right to edit first and lists
only the countries the user edits; the services check the rest."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.accounts.models import User
from pssm.core import errors
from pssm.core.services import invalid
from pssm.core.web import run_service
from pssm.domain.access import Action
from pssm.domain.errors import PssmError, gettext_noop
from pssm.sites.models import Country, Site

from . import access, forms, services, training
from .models import (
    Activity,
    ActivityFocus,
    ActivityType,
    ModelInstallation,
    Programme,
    Sop,
    SopVersion,
    TrainingEvent,
)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def call_service(form, service, /, **kwargs):
    """Run the service; on an error, its whole message goes on top of the form (it names the
    row or the value) and each field it names is marked with the field's short message."""
    try:
        return service(**kwargs)
    except PssmError as exc:
        form.add_error(None, errors.message(exc))
        for field, text in errors.details(exc).items():
            if field in form.fields and isinstance(text, str) and "%(" not in text:
                form.add_error(field, text)
        return None


def _edit_countries(request) -> list[str]:
    authz.check_anywhere(request.user, Action.PROGRAMME_EDIT)
    return access.countries_for(request.user, Action.PROGRAMME_EDIT)


def _page(request, form, title: str, back: str):
    return render(request, "programme/form.html", {"form": form, "title": title, "back": back})


def _country(code: str) -> Country:
    return Country.objects.get(code=code)


def _pipe_rows(text: str, width: int) -> list[list[str]]:
    rows = []
    for line in (text or "").splitlines():
        if line.strip():
            cells = [c.strip() for c in line.split("|")]
            rows.append((cells + [""] * width)[:width])
    return rows


@login_required
def sop_create(request):
    countries = _edit_countries(request)
    form = forms.SopForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.sop_create,
            actor=request.user,
            country=_country(data["country"]),
            code=data["code"],
            title_en=data["title_en"],
            title_fr=data["title_fr"],
        )
        if done:
            messages.success(request, _("SOP recorded."))
            return redirect("programme:sop_list")
    return _page(request, form, _("New SOP"), "programme:sop_list")


def _sop(request, pk) -> Sop:
    countries = _edit_countries(request)
    sop = Sop.objects.filter(pk=pk, country__code__in=countries).select_related("country").first()
    if sop is None:
        raise Http404(_("No such SOP."))
    return sop


def _items(text: str):
    rows = _pipe_rows(text, 4)
    for i, (kind, _ref, _en, _fr) in enumerate(rows, start=1):
        if kind not in {"chapter", "check"}:
            raise invalid(gettext_noop("Line %(n)s: give chapter or check first."), "items", n=i)
    return [tuple(r) for r in rows]


@login_required
def sop_version_add(request, pk):
    sop = _sop(request, pk)
    form = forms.SopVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("document")
        if upload is not None and upload.size > MAX_DOCUMENT_BYTES:
            form.add_error("document", _("The file is larger than 10 MB."))
        else:

            def add(**kwargs):
                return services.sop_version_add(items=_items(data["items"]), **kwargs)

            done = call_service(
                form,
                add,
                actor=request.user,
                sop=sop,
                number=data["number"],
                language=data["language"],
                issued_date=data["issued_date"],
                filename=upload.name if upload else "",
                document=upload.read() if upload else None,
            )
            if done:
                messages.success(request, _("Version recorded as a draft."))
                return redirect("programme:sop_list")
    return _page(request, form, f"{sop.code} · {_('New version')}", "programme:sop_list")


def _version(request, pk) -> SopVersion:
    countries = _edit_countries(request)
    version = (
        SopVersion.objects.filter(pk=pk, sop__country__code__in=countries)
        .select_related("sop__country")
        .first()
    )
    if version is None:
        raise Http404(_("No such SOP version."))
    return version


@login_required
def sop_version_review(request, pk):
    """Send a draft version for review (POST only)."""
    version = _version(request, pk)
    if request.method == "POST":
        run_service(
            request,
            services.sop_version_status,
            _("Version sent for review."),
            version=version,
            status="under_review",
        )
    return redirect("programme:sop_list")


@login_required
def sop_version_validate(request, pk):
    version = _version(request, pk)
    form = forms.SopValidationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workshop = None
        if data["workshop"]:
            workshop = Activity.objects.filter(code=data["workshop"].strip()).first()
            if workshop is None:
                form.add_error("workshop", _("No activity has this code."))
        institutions = []
        for name, number in _pipe_rows(data["institutions"], 2):
            if not number.isdigit():
                form.add_error("institutions", _("Give each institution's number of participants."))
                break
            institutions.append((name, int(number)))
        if not form.errors:
            reviews = call_service(
                form,
                services.sop_version_validate,
                actor=request.user,
                version=version,
                decision=data["decision"],
                decided_date=data["decided_date"],
                signatory=data["signatory"],
                signatory_title=data["signatory_title"],
                institutions=institutions,
                workshop=workshop,
            )
            if reviews is not None:
                messages.success(request, _("Version validated."))
                return redirect("programme:sop_list")
    return _page(request, form, f"{version} · {_('Validation')}", "programme:sop_list")


@login_required
def training_create(request):
    countries = _edit_countries(request)
    form = forms.TrainingForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        event = call_service(
            form,
            training.training_create,
            actor=request.user,
            **{**data, "country": _country(data["country"])},
        )
        if event:
            messages.success(request, _("Training event recorded."))
            return redirect("programme:participant_add", event.pk)
    return _page(request, form, _("New training event"), "programme:training_list")


@login_required
def participant_add(request, pk):
    countries = _edit_countries(request)
    event = TrainingEvent.objects.filter(pk=pk, country__code__in=countries).first()
    if event is None:
        raise Http404(_("No such training event."))
    form = forms.ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = None
        if data["username"]:
            user = User.objects.filter(username=data["username"].strip()).first()
            if user is None:
                form.add_error("username", _("No PSSM user has this name."))
        if not form.errors:
            done = call_service(
                form,
                training.participant_add,
                actor=request.user,
                event=event,
                full_name=data["full_name"],
                institution=data["institution"],
                role=data["role"],
                user=user,
                function=data["function"],
                result=data["result"] or "",
                score=data["score"],
            )
            if done is not None:
                messages.success(request, _("Participant recorded."))
                return redirect("programme:participant_add", event.pk)
    return _page(request, form, f"{event.code} · {_('Participants')}", "programme:training_list")


@login_required
def installation_save(request, pk=None):
    countries = _edit_countries(request)
    inst = None
    if pk is not None:
        inst = ModelInstallation.objects.filter(pk=pk, country__code__in=countries).first()
        if inst is None:
            raise Http404(_("No such model installation."))
    initial = {}
    if inst:
        initial = {
            "country": inst.country.code,
            "code": inst.code,
            "name": inst.name,
            "status": inst.status,
            "site": inst.site.code if inst.site else "",
            "planned_date": inst.planned_date,
            "done_date": inst.done_date,
        }
    form = forms.InstallationForm(request.POST or None, initial=initial, countries=countries)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        site = None
        if data["site"]:
            site = Site.objects.filter(code=data["site"].strip().upper()).first()
            if site is None:
                form.add_error("site", _("No site has this code."))
        if not form.errors:
            done = call_service(
                form,
                services.installation_save,
                actor=request.user,
                **{**data, "country": _country(data["country"]), "site": site},
            )
            if done:
                messages.success(request, _("Model installation saved."))
                return redirect("programme:installation_list")
    return _page(
        request,
        form,
        inst.name if inst else _("New model installation"),
        "programme:installation_list",
    )


@login_required
def works_add(request, pk):
    countries = _edit_countries(request)
    inst = ModelInstallation.objects.filter(pk=pk, country__code__in=countries).first()
    if inst is None:
        raise Http404(_("No such model installation."))
    form = forms.WorksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.works_add, actor=request.user, installation=inst, **form.cleaned_data
        )
        if done:
            messages.success(request, _("Works recorded."))
            return redirect("programme:installation_list")
    return _page(
        request, form, f"{inst.name} · {_('Rehabilitation works')}", "programme:installation_list"
    )


@login_required
def narrative_save(request):
    countries = _edit_countries(request)
    programme = Programme.objects.order_by("pk").first()
    form = forms.NarrativeForm(request.POST or None, countries=countries)
    if request.method == "POST" and programme is None:
        form.add_error(None, _("No programme is recorded yet."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.narrative_save,
            actor=request.user,
            programme=programme,
            section=data["section"],
            text_en=data["text_en"],
            text_fr=data["text_fr"],
            country=_country(data["country"]) if data["country"] else None,
        )
        if done:
            messages.success(request, _("Section saved."))
            return redirect("programme:evaluation")
    return _page(request, form, _("Narrative section of the evaluation"), "programme:evaluation")


@login_required
@require_POST
def transaction_add(request, code):
    """Record a commitment, disbursement or expenditure of an activity (a button that posts)."""
    countries = _edit_countries(request)
    activity = Activity.objects.filter(code=code, countries__code__in=countries).distinct().first()
    if activity is None:
        raise Http404(_("No such activity."))
    try:
        when = date.fromisoformat(request.POST.get("transaction_date", ""))
    except ValueError:
        messages.error(request, _("Give the date of the transaction."))
        return redirect("programme:activity_detail", activity.code)
    run_service(
        request,
        services.transaction_add,
        _("Transaction recorded."),
        activity=activity,
        kind=request.POST.get("kind", ""),
        transaction_date=when,
        amount=request.POST.get("amount", ""),
        description=request.POST.get("description", "").strip(),
    )
    return redirect("programme:activity_detail", activity.code)


@login_required
def term_list(request):
    """The editable lists of activity types and focuses; a grant everywhere adds to them."""
    authz.check_anywhere(request.user, Action.PROGRAMME_VIEW)
    form = forms.TermForm(request.POST or None)
    if request.method == "POST":
        authz.check(request.user, Action.PROGRAMME_EDIT, None)
        if form.is_valid() and call_service(
            form, services.term_save, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("List entry saved."))
            return redirect("programme:term_list")
    return render(
        request,
        "programme/term_list.html",
        {
            "form": form,
            "types": ActivityType.objects.all(),
            "focuses": ActivityFocus.objects.all(),
            "can_edit": authz.can(request.user, Action.PROGRAMME_EDIT, None),
        },
    )
