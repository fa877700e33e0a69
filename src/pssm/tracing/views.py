"""Pages of tracing: trace requests and their answers, transfer documents, lost and stolen
weapons with their export for iARMS."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pssm.accounts import authz
from pssm.core.exports import table_response
from pssm.core.tables import configure
from pssm.core.web import call_service
from pssm.domain import reporting
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop
from pssm.movements.selectors import voucher_get
from pssm.registry.models import Weapon
from pssm.sites.models import Country

from . import forms, selectors, services
from .models import TraceRequest, TransferAttachment
from .tables import (
    LostStolenFilter,
    LostStolenTable,
    TraceRequestFilter,
    TraceRequestTable,
    TransferDocumentFilter,
    TransferDocumentTable,
)


def _countries(user):
    r = authz.reach_of(user, Action.TRACE_MANAGE)
    qs = Country.objects.order_by("code")
    return qs if r.everywhere else qs.filter(code__in=sorted(r.countries))


@login_required
def request_list(request):
    filterset = TraceRequestFilter(request.GET or None)
    qs = filterset.selected(lambda f: selectors.trace_request_list(user=request.user, filters=f))
    return render(
        request,
        "tracing/request_list.html",
        {"table": configure(request, TraceRequestTable(qs), filterset)},
    )


@login_required
def request_create(request):
    authz.check_anywhere(request.user, Action.TRACE_MANAGE)
    countries = list(_countries(request.user))
    form = forms.TraceRequestForm(request.POST or None)
    form.fields["country"] = _country_field(countries)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        country = next(c for c in countries if c.code == data.pop("country"))
        created = call_service(
            form, services.trace_request_create, actor=request.user, country=country, **data
        )
        if created:
            messages.success(request, _("Trace request %(number)s recorded.") % {"number": created})
            return redirect("tracing:request_detail", pk=created.pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("New trace request"),
            "cancel_url": reverse("tracing:request_list"),
        },
    )


def _country_field(countries):
    from django import forms as dj_forms

    return dj_forms.ChoiceField(label=_("Country"), choices=[(c.code, str(c)) for c in countries])


@login_required
def request_detail(request, pk):
    trace = selectors.trace_request_get(user=request.user, pk=pk)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        weapon_id = data.pop("weapon")
        weapon = None
        if weapon_id:
            weapon = (
                Weapon.objects.select_related("site__organisation").filter(pk=weapon_id).first()
            )
            if weapon is None or not authz.can(request.user, Action.SERIALS_VIEW, weapon):
                raise NotFoundError(gettext_noop("No such weapon."))
        done = call_service(
            form,
            services.trace_request_answer,
            actor=request.user,
            request=trace,
            weapon=weapon,
            **data,
        )
        if done:
            messages.success(request, _("The answer is recorded."))
            return redirect("tracing:request_detail", pk=trace.pk)
    candidates = (
        selectors.trace_candidates(user=request.user, request=trace)
        if trace.state == TraceRequest.State.OPEN
        else []
    )
    history = list(selectors.weapon_history(trace.weapon)) if trace.weapon_id else []
    return render(
        request,
        "tracing/request_detail.html",
        {
            "trace": trace,
            "form": form,
            "candidates": candidates,
            "history": history,
            "chosen_weapon": request.POST.get("weapon", ""),
        },
    )


@login_required
def request_pdf(request, pk):
    from .pdf import answer_pdf

    trace = selectors.trace_request_get(user=request.user, pk=pk)
    language = request.GET.get("lang") or getattr(request, "LANGUAGE_CODE", "fr")
    if language not in {"fr", "en"}:
        raise Http404
    response = HttpResponse(answer_pdf(trace, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{trace.number}-{language}.pdf"'
    return response


@login_required
def transfer_list(request):
    filterset = TransferDocumentFilter(request.GET or None)
    qs = filterset.selected(
        lambda f: selectors.transfer_document_list(user=request.user, filters=f)
    ).prefetch_related("attachments")
    vouchers = []
    if authz.can_anywhere(request.user, Action.VOUCHER_PREPARE):
        vouchers = list(
            selectors.importable_vouchers(user=request.user).filter(transfer_document__isnull=True)[
                :50
            ]
        )
    return render(
        request,
        "tracing/transfer_list.html",
        {
            "table": configure(request, TransferDocumentTable(qs), filterset),
            "vouchers": vouchers,
        },
    )


@login_required
def transfer_edit(request, voucher_pk):
    voucher = voucher_get(user=request.user, pk=voucher_pk)
    authz.check(request.user, Action.VOUCHER_PREPARE, voucher.site)
    document = getattr(voucher, "transfer_document", None)
    initial = {}
    if document is not None:
        initial = {f: getattr(document, f) for f in services.DOCUMENT_FIELDS}
    else:
        export = voucher.kind == "export"
        initial = {
            "counterpart_state": voucher.importing_state if export else voucher.exporting_state,
            "importer": voucher.importer,
            "licence_number": voucher.export_licence if export else voucher.import_licence,
            "end_user_certificate": voucher.end_user_certificate,
            "arrived_on": None if export else voucher.import_date,
        }
    is_upload = request.method == "POST" and "file" in request.FILES
    form = forms.TransferDocumentForm(
        request.POST if request.method == "POST" and not is_upload else None, initial=initial
    )
    upload = forms.AttachmentForm(
        request.POST if is_upload else None, request.FILES if is_upload else None
    )
    if request.method == "POST" and not is_upload and form.is_valid():
        saved = call_service(
            form,
            services.transfer_document_save,
            actor=request.user,
            voucher=voucher,
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, _("The transfer documents are saved."))
            return redirect("tracing:transfer_edit", voucher_pk=voucher.pk)
    if is_upload and upload.is_valid():
        if document is None:
            upload.add_error(None, _("Save the transfer documents before attaching scans."))
        else:
            added = call_service(
                upload,
                services.transfer_attachment_add,
                actor=request.user,
                document=document,
                upload=upload.cleaned_data["file"],
                caption=upload.cleaned_data["caption"],
            )
            if added:
                messages.success(request, _("The scan is attached."))
                return redirect("tracing:transfer_edit", voucher_pk=voucher.pk)
    return render(
        request,
        "tracing/transfer_edit.html",
        {"voucher": voucher, "document": document, "form": form, "upload": upload},
    )


@login_required
def attachment_download(request, pk):
    attachment = (
        TransferAttachment.objects.select_related("document__voucher__site__organisation__country")
        .filter(pk=pk)
        .first()
    )
    if attachment is None or not authz.can(
        request.user, Action.SERIALS_VIEW, attachment.document.voucher.site
    ):
        raise Http404
    path = services.attachment_path(attachment)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.sha256[:12]}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _iarms_cell(line, *, index: int):
    return selectors.iarms_row(line)[index]


@login_required
def lost_stolen(request):
    filterset = LostStolenFilter(request.GET or None)
    qs = filterset.selected(
        lambda f: selectors.lost_stolen_records(
            user=request.user, country=f["country"].upper(), still_missing=not f["all"]
        )
    )
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        columns = [
            (name, partial(_iarms_cell, index=i)) for i, name in enumerate(reporting.IARMS_COLUMNS)
        ]
        return table_response(columns, qs, fmt, "iarms-lost-stolen", "iARMS")
    return render(
        request,
        "tracing/lost_stolen.html",
        {
            "table": configure(request, LostStolenTable(qs), filterset),
            "export_query": request.GET.urlencode(),
        },
    )
