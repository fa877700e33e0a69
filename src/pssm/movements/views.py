"""Pages of vouchers: list, create, detail with lines and actions, printable PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core.errors import message as error_message
from pssm.core.exports import FORMATS, table_response
from pssm.core.web import call_service, clean_filters, run_service
from pssm.domain.access import Action
from pssm.domain.errors import PssmError
from pssm.domain.ledger import LOT_ONLY, WEAPON_ONLY
from pssm.journal.models import JournalEntry
from pssm.registry.forms import sites_where

from . import entry, forms, pdf, selectors, services
from .models import KIND_CHOICES, Discrepancy, Voucher, VoucherLine

VOUCHER_COLUMNS = [
    ("number", lambda v: v.number),
    ("site", lambda v: v.site.code),
    ("kind", lambda v: v.get_kind_display()),
    ("reason", lambda v: v.reason_label),
    ("state", lambda v: v.get_state_display()),
    ("destination", lambda v: v.destination.code if v.destination_id else ""),
    ("prepared_by", lambda v: v.prepared_by.username),
    ("created_at", lambda v: v.created_at.isoformat()),
    ("approved_by", lambda v: v.approved_by.username if v.approved_by_id else ""),
    ("posted_at", lambda v: v.posted_at.isoformat() if v.posted_at else ""),
]


@login_required
def voucher_list(request):
    from pssm.core.tables import configure

    from .tables import VoucherFilter, VoucherTable

    sites = sites_where(request.user, Action.SERIALS_VIEW)
    incoming = clean_filters(request, ["incoming"])
    qs = selectors.voucher_list(user=request.user, filters=incoming).select_related(
        "prepared_by", "approved_by", "destination"
    )
    filterset = VoucherFilter(request.GET or None, queryset=qs, sites=sites)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(VOUCHER_COLUMNS, filterset.listed, fmt, "vouchers", _("Vouchers"))
    return render(
        request,
        "movements/voucher_list.html",
        {
            "table": configure(request, VoucherTable(filterset.listed), filterset),
            "can_create": authz.can_anywhere(request.user, Action.VOUCHER_PREPARE),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def voucher_create(request):
    authz.check_anywhere(request.user, Action.VOUCHER_PREPARE)
    start = forms.StartForm(request.GET or None, user=request.user)
    if not start.is_valid():
        return render(request, "movements/voucher_start.html", {"start": start})
    site, kind = start.cleaned_data["site"], start.cleaned_data["kind"]
    form = forms.VoucherForm(request.POST or None, site=site, kind=kind)
    if request.method == "POST" and form.is_valid():
        voucher = call_service(
            form,
            services.voucher_create,
            actor=request.user,
            site=site,
            kind=kind,
            **form.cleaned_data,
        )
        if voucher:
            messages.success(
                request, _("Voucher %(number)s opened as a draft.") % {"number": voucher.number}
            )
            return redirect("movements:voucher_detail", voucher.pk)
    return render(
        request,
        "movements/voucher_form.html",
        {"form": form, "site": site, "kind": dict(KIND_CHOICES)[kind]},
    )


def _destruction_totals(voucher):
    from .destruction import destruction_totals

    d = getattr(voucher, "destruction", None)
    if d is None or d.destroyed_on is None:
        return None
    return destruction_totals(voucher.lines.all())


def _detail_context(request, voucher, line_form=None, lot_form=None):
    user = request.user
    can_prepare = authz.can(user, Action.VOUCHER_PREPARE, voucher)
    can_approve = (
        authz.can_above_site(user, Action.WRITE_OFF_APPROVE, voucher)
        if voucher.above_site
        else authz.can(user, Action.VOUCHER_APPROVE, voucher)
    )
    draft = voucher.state == Voucher.State.DRAFT
    # What the posting would meet, for those who prepare or approve; others read the voucher.
    check = (
        services.voucher_check(actor=user, voucher=voucher) if can_prepare or can_approve else None
    )
    may_approve = (
        voucher.state == Voucher.State.SUBMITTED
        and can_approve
        and voucher.prepared_by_id != user.pk
    )
    return {
        "voucher": voucher,
        "check": check,
        "check_message": error_message(check.error) if check and check.error else "",
        "lines": selectors.voucher_lines(voucher),
        "discrepancies": selectors.voucher_discrepancies(voucher),
        "settles": voucher.settles.all() if voucher.above_site else [],
        "line_form": line_form
        or (
            forms.LineForm(voucher=voucher)
            if draft and can_prepare and voucher.kind not in LOT_ONLY
            else None
        ),
        "lot_form": lot_form
        or (
            forms.LotLineForm(voucher=voucher)
            if draft and can_prepare and voucher.kind not in WEAPON_ONLY | {"reversal"}
            else None
        ),
        "can_edit": draft and can_prepare,
        # A destruction is submitted by recording it (witnesses, what was destroyed).
        "can_submit": draft and can_prepare and voucher.kind != "destruction",
        "destruction": getattr(voucher, "destruction", None),
        "destruction_totals": _destruction_totals(voucher),
        # The approve button is not offered on a voucher that would be refused.
        "can_approve": may_approve and (check is None or check.ok),
        "can_send_back": voucher.state == Voucher.State.SUBMITTED and can_approve,
        "can_cancel": voucher.state in {"draft", "submitted"} and (can_prepare or can_approve),
        "can_reverse": (
            voucher.state == Voucher.State.POSTED and can_prepare and voucher.kind != "reversal"
        ),
        "can_receive": (
            voucher.kind == "transfer"
            and voucher.state == Voucher.State.POSTED
            and authz.can(user, Action.VOUCHER_PREPARE, voucher.destination)
        ),
    }


@login_required
def voucher_detail(request, pk):
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    return render(request, "movements/voucher_detail.html", _detail_context(request, voucher))


@login_required
def voucher_line_add(request, pk):
    """One serial or a pasted or scanned list. With htmx, the answer replaces the entry
    part of the page only (what was added, what was not and why, the lines), and the field
    comes back empty with the focus; without, the page is reloaded with the same answer."""
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("movements:voucher_detail", pk)
    form = forms.LineForm(request.POST, voucher=voucher)
    results = None
    if form.is_valid():
        results = call_service(
            form,
            entry.voucher_lines_enter,
            actor=request.user,
            voucher=voucher,
            text=form.cleaned_data["serial"],
            weapon_type=form.cleaned_data["weapon_type"],
            location=form.cleaned_data.get("location"),
            details=form.details() if form.new_weapons else None,
        )
    partial = request.headers.get("HX-Request") == "true"
    if results is not None and len(results) == 1 and not results[0].ok:
        # One serial refused: said on the field, which keeps what was typed.
        call_service(form, _raise, error=results[0].error)
        if results[0].suggestions:
            form.add_error(
                "serial", _("Did you mean %(near)s?") % {"near": ", ".join(results[0].suggestions)}
            )
        results = None
    if results is not None:
        answers = _answers(results)
        if partial:
            return render(
                request,
                "movements/_entry.html",
                {
                    "voucher": voucher,
                    "answers": answers,
                    "line_form": forms.LineForm(voucher=voucher),
                    "lines": selectors.voucher_lines(voucher),
                    "can_edit": True,
                    "oob": True,
                },
            )
        for answer in answers:
            (messages.success if answer["ok"] else messages.error)(request, answer["text"])
        return redirect("movements:voucher_detail", pk)
    if partial:  # answered 200: htmx swaps no 4xx answer, and the form shows the error
        return render(
            request,
            "movements/_entry.html",
            {"voucher": voucher, "answers": [], "line_form": form, "oob": False},
        )
    return render(
        request,
        "movements/voucher_detail.html",
        _detail_context(request, voucher, line_form=form),
        status=400,
    )


ANSWERS_ONE_BY_ONE = 3  # more serials added at once are said in one line


def _answers(results) -> list[dict]:
    """What the page says of an entry: each serial refused or unexpected on its own line,
    and the serials added one by one (with an undo) or, for a list, in one line."""
    answers = [_entered(r) for r in results]
    added = [a for a in answers if a["ok"]]
    if len(added) <= ANSWERS_ONE_BY_ONE:
        return answers
    serials = ", ".join(a["line"].serial for a in added)
    summary = {
        "ok": True,
        "text": _("%(n)s serials added: %(serials)s.") % {"n": len(added), "serials": serials},
        "line": None,
        "suggestions": [],
    }
    return [summary, *(a for a in answers if not a["ok"])]


def _raise(*, error):
    raise error


def _entered(r) -> dict:
    """One serial of an entry as the page says it."""
    near = ", ".join(r.suggestions)
    if r.unexpected:
        text = _("%(serial)s is not on the transfer: recorded as found but not expected.") % {
            "serial": r.line.serial
        }
        if near:
            text += " " + _("Did you mean %(near)s?") % {"near": near}
        return {"ok": False, "text": text, "line": r.line, "suggestions": r.suggestions}
    if r.ok:
        return {
            "ok": True,
            "text": _("Serial %(serial)s added.") % {"serial": r.line.serial},
            "line": r.line,
            "suggestions": [],
        }
    text = f"{r.serial}: {error_message(r.error)}"
    if near:
        text += " " + _("Did you mean %(near)s?") % {"near": near}
    return {"ok": False, "text": text, "line": None, "suggestions": r.suggestions}


@login_required
def voucher_lot_line_add(request, pk):
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("movements:voucher_detail", pk)
    form = forms.LotLineForm(request.POST, voucher=voucher)
    if form.is_valid():
        line = call_service(
            form,
            services.voucher_lot_line_add,
            actor=request.user,
            voucher=voucher,
            lot_number=form.cleaned_data["lot_number"],
            quantity=form.cleaned_data.get("quantity"),
            nature=form.cleaned_data.get("nature"),
            location=form.cleaned_data.get("location"),
            details=form.details(),
        )
        if line:
            messages.success(
                request,
                _("Lot %(lot)s added (%(quantity)s units).")
                % {"lot": line.lot.lot_number, "quantity": line.quantity},
            )
            return redirect("movements:voucher_detail", pk)
    return render(
        request,
        "movements/voucher_detail.html",
        _detail_context(request, voucher, lot_form=form),
        status=400,
    )


@login_required
@require_POST
def voucher_line_remove(request, pk, line_id):
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    line = get_object_or_404(VoucherLine, pk=line_id, voucher=voucher)
    if request.headers.get("HX-Request") != "true":
        run_service(request, services.voucher_line_remove, _("Line removed."), line=line)
        return redirect("movements:voucher_detail", pk)
    answers = []
    try:
        services.voucher_line_remove(actor=request.user, line=line)
        answers.append({"ok": True, "text": _("%(serial)s taken off.") % {"serial": line.serial}})
    except PssmError as exc:
        answers.append({"ok": False, "text": error_message(exc)})
    return render(
        request,
        "movements/_entry.html",
        {
            "voucher": voucher,
            "answers": answers,
            "line_form": forms.LineForm(voucher=voucher),
            "lines": selectors.voucher_lines(voucher),
            "can_edit": True,
            "oob": True,
        },
    )


def _action(service, success_text):
    @login_required
    @require_POST
    def view(request, pk):
        voucher = selectors.voucher_get(user=request.user, pk=pk)
        result = run_service(request, service, success_text, voucher=voucher)
        target = result.pk if isinstance(result, Voucher) else pk
        return redirect("movements:voucher_detail", target)

    return view


@login_required
@require_POST
def voucher_send_back(request, pk):
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    run_service(
        request,
        services.voucher_send_back,
        _("Voucher sent back to its preparer as a draft."),
        voucher=voucher,
        reason=request.POST.get("reason", ""),
    )
    return redirect("movements:voucher_detail", pk)


voucher_submit = _action(services.voucher_submit, gettext_lazy("Voucher submitted for approval."))
voucher_approve = _action(services.voucher_approve, gettext_lazy("Voucher approved and posted."))
voucher_cancel = _action(services.voucher_cancel, gettext_lazy("Voucher cancelled."))
voucher_reverse = _action(services.voucher_reverse, gettext_lazy("Reversal opened as a draft."))


@login_required
def voucher_pdf(request, pk):
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("movements:voucher_detail", args=[pk]))
    return pdf.voucher_response(voucher, selectors.voucher_lines(voucher), url)


# --- discrepancy cases ---------------------------------------------------------------------

CASE_COLUMNS = [
    ("case", lambda c: c.number),
    ("site", lambda c: c.site.code),
    ("kind", lambda c: c.kind),
    ("serial", lambda c: c.serial),
    ("lot", lambda c: c.lot.lot_number if c.lot_id else ""),
    ("expected_location", lambda c: c.expected_location),
    ("found_location", lambda c: c.found_location),
    ("expected_quantity", lambda c: c.expected_quantity),
    ("found_quantity", lambda c: c.found_quantity),
    ("source", lambda c: f"count:{c.count_id}" if c.count_id else f"voucher:{c.voucher.number}"),
    ("opened_at", lambda c: c.created_at.isoformat()),
    ("state", lambda c: c.state),
    ("recount_confirmed", lambda c: c.recount_confirmed),
    ("investigation", lambda c: c.investigation),
    ("resolution", lambda c: c.resolution),
    ("closing_voucher", lambda c: c.closing_voucher.number if c.closing_voucher_id else ""),
    ("closed_at", lambda c: c.closed_at.isoformat() if c.closed_at else ""),
]


@login_required
def case_list(request):
    from pssm.core.tables import configure

    from .tables import CaseFilter, CaseTable

    filterset = CaseFilter(
        request.GET or None, site_codes=selectors.case_site_codes(user=request.user)
    )
    qs = filterset.selected(lambda f: selectors.case_list(user=request.user, filters=f))
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(CASE_COLUMNS, qs, fmt, "discrepancy-cases", _("Discrepancy cases"))
    return render(
        request,
        "movements/case_list.html",
        {
            "table": configure(request, CaseTable(qs), filterset),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def case_detail(request, pk):
    from . import cases

    case = selectors.case_get(user=request.user, pk=pk)
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "recount":
            confirmed = {"yes": True, "no": False}.get(request.POST.get("confirmed"))
            run_service(
                request,
                cases.case_recount,
                _("Recount recorded."),
                case=case,
                confirmed=confirmed,
                quantity=request.POST.get("quantity"),
            )
        elif op == "investigate":
            run_service(
                request,
                cases.case_investigate,
                _("Investigation note recorded."),
                case=case,
                note=request.POST.get("note", ""),
            )
        elif op == "explain":
            run_service(
                request,
                cases.case_explain,
                _("Case closed as explained."),
                case=case,
                note=request.POST.get("note", ""),
            )
        elif op == "write_off":
            voucher = run_service(
                request,
                cases.case_write_off,
                _("Voucher submitted: it waits for an approver above the site level."),
                case=case,
                reason=request.POST.get("reason", ""),
                notes=request.POST.get("notes", ""),
            )
            if voucher is not None:
                return redirect("movements:voucher_detail", voucher.pk)
        elif op == "receive":
            voucher = run_service(
                request,
                cases.case_receive,
                _("Late receipt opened: scan what arrived, then submit it."),
                case=case,
            )
            if voucher is not None:
                return redirect("movements:voucher_detail", voucher.pk)
        else:
            messages.error(request, _("Unknown action."))
        return redirect("movements:case_detail", pk)
    user = request.user
    history = (
        JournalEntry.objects.filter(
            kind__startswith="discrepancy.",
            scope_site=case.site.code,
            payload__contains=f'"{case.number}"',
        )
        .order_by("seq")
        .only("seq", "kind", "actor", "recorded_at")
        if authz.can(user, Action.JOURNAL_VIEW, case)
        else []
    )
    steps = cases.steps_open_to(user, case)
    return render(
        request,
        "movements/case_detail.html",
        {
            "case": case,
            "history": history,
            **{f"can_{step}": step in steps for step in cases.STEPS},
            "needs_reason": case.kind == Discrepancy.Kind.MISSING and case.weapon_id,
            "in_transit": cases.in_transit(case),
        },
    )


# --- destructions ---------------------------------------------------------------------------


@login_required
def destruction_list(request):
    from pssm.core.tables import configure
    from pssm.registry.forms import sites_where

    from . import destruction as ds
    from .tables import DestructionFilter, DestructionTable

    filterset = DestructionFilter(request.GET or None)
    can_plan = authz.can_anywhere(request.user, Action.VOUCHER_PREPARE)
    form = None
    if can_plan:
        form = forms.DestructionPlanForm(
            request.POST or None, sites=sites_where(request.user, Action.VOUCHER_PREPARE)
        )
        if request.method == "POST" and form.is_valid():
            done = call_service(form, ds.destruction_plan, actor=request.user, **form.cleaned_data)
            if done:
                messages.success(request, _("Destruction planned: add the items to destroy."))
                return redirect("movements:voucher_detail", done.voucher.pk)
    return render(
        request,
        "movements/destruction_list.html",
        {
            "table": configure(
                request,
                DestructionTable(
                    filterset.selected(
                        lambda f: ds.destruction_list(user=request.user, year=f["year"] or None)
                    )
                ),
                filterset,
            ),
            "by_year": ds.destructions_by_year(user=request.user),
            "form": form,
        },
    )


@login_required
def destruction_detail(request, pk):
    from . import destruction as ds

    d = ds.destruction_get(user=request.user, pk=pk)
    v = d.voucher
    lines = list(selectors.voucher_lines(v))
    for line in lines:
        line.entered = None
    if request.method == "POST" and "photo" in request.FILES:
        run_service(
            request,
            ds.destruction_photo_add,
            _("Photo kept."),
            destruction=d,
            stage=request.POST.get("stage", ""),
            upload=request.FILES["photo"],
        )
        return redirect("movements:destruction_detail", pk)
    if request.method == "POST":
        from datetime import date

        try:
            when = date.fromisoformat(request.POST.get("destroyed_on", ""))
        except ValueError:
            when = None
        results = {}
        for line in lines:
            value = request.POST.get(f"r_{line.pk}", "")
            results[line.pk] = value if line.lot_id else value == "1"
        witnesses = [
            {
                "name": request.POST.get(f"w_name_{i}", ""),
                "organisation": request.POST.get(f"w_org_{i}", ""),
                "outside": request.POST.get(f"w_out_{i}") == "1",
            }
            for i in range(3)
        ]
        done = run_service(
            request,
            ds.destruction_record,
            _("Destruction recorded and submitted for approval."),
            destruction=d,
            destroyed_on=when,
            witnesses=witnesses,
            results=results,
        )
        if done:
            return redirect("movements:voucher_detail", v.pk)
        # Refused: the page comes back with everything that was typed, and the message.
        status, entered = 400, {"destroyed_on": request.POST.get("destroyed_on", "")}
        for line in lines:
            line.entered = request.POST.get(f"r_{line.pk}", "")
    else:
        status, entered = 200, {"destroyed_on": ""}
        witnesses = [{"name": "", "organisation": "", "outside": False} for _i in range(3)]
    return render(
        request,
        "movements/destruction_detail.html",
        {
            "d": d,
            "v": v,
            "lines": lines,
            "can_record": v.state == Voucher.State.DRAFT
            and authz.can(request.user, Action.VOUCHER_PREPARE, v),
            "photos": list(d.photos.all()),
            "stages": d.photos.model.Stage.choices,
            "witnesses": witnesses,
            "entered": entered,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def destruction_certificate(request, pk):
    from django.http import Http404, HttpResponse

    from . import destruction as ds
    from .destruction_pdf import certificate_pdf

    d = ds.destruction_get(user=request.user, pk=pk)
    v = d.voucher
    if v.state != Voucher.State.POSTED:
        raise Http404
    entry = (
        JournalEntry.objects.filter(
            # (scope_site, seq) is indexed: read backwards from the newest entry of the site.
            scope_site=v.site.code,
            kind="voucher.posted",
            payload__contains=f'"number":"{v.number}"',
        )
        .order_by("-seq")
        .values_list("hash", flat=True)
        .first()
    )
    url = request.build_absolute_uri(reverse("movements:destruction_detail", args=[pk]))
    data = certificate_pdf(d, selectors.voucher_lines(v), entry or "", url)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="destruction-{v.number.replace("/", "-")}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def destruction_photo(request, pk, photo_id):
    from pssm.core.photos import photo_response

    from . import destruction as ds

    d = ds.destruction_get(user=request.user, pk=pk)
    return photo_response(d.photos.filter(pk=photo_id).first())
