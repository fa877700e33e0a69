"""The synchronisation page of a node: what it knows of its peers, what waits in each
direction, forks and quarantines; and the same bundle carrying as ``pssm sync`` (a depot
downloads its bundle for national and uploads national's acknowledgement; the national node
takes a depot's bundle and answers with the acknowledgement to carry back)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core import errors
from pssm.domain import syncformat as fmt
from pssm.domain.access import Action
from pssm.domain.errors import PermissionDeniedError, PssmError

from . import exchange, manage, nodes, selectors


class BundleForm(forms.Form):
    bundle = forms.FileField(label=gettext_lazy("Bundle file"))
    encrypt_ack = forms.BooleanField(
        label=gettext_lazy("Encrypt the acknowledgement to the depot"), required=False
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
    return render(
        request,
        "sync/status.html",
        {
            "state": state,
            "forks": selectors.open_forks(user=request.user),
            "form": BundleForm(),
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
        if node is not None and node.role == "national":
            peer = selectors.peer(request.POST.get("to", ""))
            if peer.site_id:
                authz.check(request.user, Action.SYNC_RUN, peer.site)
            data = exchange.response(peer=peer)
            to_key = peer.public_key
            name = f"{node.node_id}-to-{peer.node_id}.pssm"
        else:
            data = exchange.push(user=request.user)
            to_key = node.national_key
            name = f"{node.node_id if node else 'node'}-to-national.pssm"
        if encrypt:
            data = exchange.sealed_for(data, peer_key=to_key)
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
