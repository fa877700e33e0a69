"""The synchronisation page of a node: what it knows of its peers, what waits in each
direction, forks and quarantines; and the same bundle carrying as ``pssm sync`` (a depot
downloads its bundle for national and uploads national's acknowledgement; the national node
takes a depot's bundle and answers with the acknowledgement to carry back). Depot to depot
as ``pssm sync transfer`` and ``countersign``: a depot downloads the transfer bundle of
what is on its way to another site, national countersigns it, and the destination depot
applies it with the import form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core import errors
from pssm.domain import syncformat as fmt
from pssm.domain.access import Action
from pssm.domain.errors import PermissionDeniedError, PssmError

from . import courier, exchange, manage, nodes, selectors


class BundleForm(forms.Form):
    bundle = forms.FileField(label=gettext_lazy("Bundle file"))
    encrypt_ack = forms.BooleanField(
        label=gettext_lazy("Encrypt the acknowledgement to the depot"), required=False
    )


class TransferForm(forms.Form):
    """The destination of a transfer bundle, one of :func:`selectors.transfer_destinations`."""

    site = forms.ChoiceField(label=gettext_lazy("Destination site"))
    encrypt = forms.BooleanField(
        label=gettext_lazy("Encrypt to the receiving node"), required=False
    )

    def __init__(self, *args, node=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = selectors.transfer_destinations(node)
        self.fields["site"].choices = [(site.code, str(site)) for site in sites]


class CountersignForm(forms.Form):
    bundle = forms.FileField(label=gettext_lazy("Bundle file"))
    encrypt = forms.BooleanField(
        label=gettext_lazy("Encrypt to the destination depot"), required=False
    )


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def sync_status(request):
    authz.check_anywhere(request.user, Action.SYNC_RUN)
    state = selectors.status(user=request.user)
    node = nodes.this_node()
    return render(
        request,
        "sync/status.html",
        {
            "state": state,
            "forks": selectors.open_forks(user=request.user),
            "form": BundleForm(),
            "transfer_form": TransferForm(node=node),
            "countersign_form": CountersignForm(),
            "can_manage": authz.can_anywhere(request.user, Action.SYNC_MANAGE),
        },
    )


@login_required
@require_POST
def sync_export(request):
    """A depot's bundle for national, or (national) the bundle for one depot; encrypted to
    the receiving node's enrolled key when asked (as ``pssm sync export --encrypt``)."""
    authz.check_anywhere(request.user, Action.SYNC_RUN)
    node = nodes.this_node()
    encrypt = bool(request.POST.get("encrypt"))
    try:
        data, recipient = exchange.bundle_for(
            user=request.user, to=request.POST.get("to", ""), encrypt=encrypt
        )
        if node is not None and node.role == "national":
            name = f"{node.node_id}-to-{recipient}.pssm"
        else:
            name = f"{node.node_id if node else 'node'}-to-national.pssm"
    except PermissionDeniedError:
        raise
    except PssmError as exc:
        messages.error(request, errors.message(exc))
        return redirect("sync:status")
    return _download(data, name)


@login_required
@require_POST
def sync_import(request):
    """Apply an uploaded bundle; on the national node, answer with the acknowledgement."""
    authz.check_anywhere(request.user, Action.SYNC_RUN)
    form = BundleForm(request.POST, request.FILES)
    if not form.is_valid():
        for text in form.errors.get("bundle", []):
            messages.error(request, text)
        return redirect("sync:status")
    upload = form.cleaned_data["bundle"]
    if upload.size > fmt.MAX_BUNDLE:
        messages.error(request, _("The file is larger than a bundle can be. Nothing was applied."))
        return redirect("sync:status")
    data = b"".join(upload.chunks())
    node = nodes.this_node()
    try:
        if node is not None and node.role == "national":
            record, ack = exchange.ingest(user=request.user, data=data)
            if form.cleaned_data["encrypt_ack"]:  # to the depot that sent it, its recipient
                ack = exchange.sealed_for(ack, peer_key=selectors.peer(record.peer).public_key)
            return _download(ack, f"{node.node_id}-ack-{record.peer}.pssm")
        record = exchange.receive(user=request.user, data=data)
    except PermissionDeniedError:
        raise
    except PssmError as exc:
        messages.error(request, errors.message(exc))
        return redirect("sync:status")
    if getattr(record, "duplicate", False):
        messages.info(request, _("This bundle was already applied: nothing changed."))
    else:
        messages.success(request, _("Bundle applied: %(rows)s records.") % {"rows": record.rows})
    return redirect("sync:status")


@login_required
@require_POST
def sync_transfer(request):
    """On a depot: the transfer bundle of what it has on its way to another site, for the
    national node to countersign; encrypted to the national node when asked (as
    ``pssm sync transfer --encrypt``)."""
    node = nodes.this_node()
    if node is None or node.role != "depot":
        raise Http404(_("Transfer bundles are written on a depot node."))
    authz.check(request.user, Action.SYNC_RUN, node.site)
    try:
        form = TransferForm(request.POST, node=node)
        if not form.is_valid():
            for field_errors in form.errors.values():
                for text in field_errors:
                    messages.error(request, text)
            return redirect("sync:status")
        site_code = form.cleaned_data["site"]
        data = courier.transfer_bundle(user=request.user, site_code=site_code)
        if form.cleaned_data["encrypt"]:  # to national, which countersigns it
            data = exchange.sealed_for(data, peer_key=node.national_key)
    except PermissionDeniedError:
        raise
    except PssmError as exc:
        messages.error(request, errors.message(exc))
        return redirect("sync:status")
    return _download(data, f"{node.node_id}-transfer-{site_code}.pssm")


@login_required
@require_POST
def sync_countersign(request):
    """On the national node: a depot's transfer bundle checked against the national record
    and countersigned for the depot that writes its destination; encrypted to that depot
    when asked (as ``pssm sync countersign --encrypt``)."""
    authz.check_anywhere(request.user, Action.SYNC_MANAGE)  # before reading the upload
    form = CountersignForm(request.POST, request.FILES)
    if not form.is_valid():
        for text in form.errors.get("bundle", []):
            messages.error(request, text)
        return redirect("sync:status")
    upload = form.cleaned_data["bundle"]
    if upload.size > fmt.MAX_BUNDLE:
        messages.error(
            request, _("The file is larger than a bundle can be. Nothing was countersigned.")
        )
        return redirect("sync:status")
    data = b"".join(upload.chunks())
    try:
        signed, receiver = courier.countersign(user=request.user, data=data)
        if form.cleaned_data["encrypt"]:
            signed = exchange.sealed_for(signed, peer_key=receiver.public_key)
    except PermissionDeniedError:
        raise
    except PssmError as exc:
        messages.error(request, errors.message(exc))
        return redirect("sync:status")
    national = nodes.this_node()
    return _download(signed, f"{national.node_id}-countersigned-for-{receiver.node_id}.pssm")


@login_required
@require_POST
def sync_revoke(request):
    authz.check_anywhere(request.user, Action.SYNC_MANAGE)
    node_id = request.POST.get("node", "")
    try:
        manage.revoke(user=request.user, node_id=node_id, reason=request.POST.get("reason", ""))
    except PermissionDeniedError:
        raise
    except PssmError as exc:
        messages.error(request, errors.message(exc))
    else:
        messages.success(
            request, _("Node %(node)s is revoked: its bundles are refused.") % {"node": node_id}
        )
    return redirect("sync:status")


@login_required
@require_POST
def sync_fork_resolve(request, pk):
    authz.check_anywhere(request.user, Action.SYNC_MANAGE)
    try:
        fork = manage.fork_resolve(
            user=request.user,
            fork_id=pk,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
    except PermissionDeniedError:
        raise
    except PssmError as exc:
        messages.error(request, errors.message(exc))
    else:
        messages.success(request, _("The fork of node %(node)s is resolved.") % {"node": fork.peer})
    return redirect("sync:status")


@login_required
def regional_figures(request):
    """On a regional node: the last figures of each country, per site."""
    from . import regional

    authz.check_anywhere(request.user, Action.AGGREGATES_VIEW)
    return render(
        request,
        "sync/regional.html",
        {"node": nodes.this_node(), "countries": regional.latest()},
    )
