"""Pages of imports: upload, column mapping with a preview, check or import in the background
with a live progress bar, and the report with the rejected rows to download."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pssm.accounts import authz
from pssm.core.errors import message as error_message
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, PssmError, gettext_noop

from . import columns, forms, mappings, runner, sandbox, workflow
from .jobs import node_limits
from .models import ImportJob


def _job(user, pk) -> ImportJob:
    job = (
        authz.scoped(
            user, Action.DATA_IMPORT, ImportJob.objects.select_related("site", "created_by")
        )
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise NotFoundError(gettext_noop("No such import in your reach."))
    return job


@login_required
def job_list(request):
    authz.check_anywhere(request.user, Action.DATA_IMPORT)
    runner.start_next()
    from pssm.core.tables import configure
    from pssm.registry.forms import sites_where

    from .tables import JobFilter, JobTable

    jobs = authz.scoped(request.user, Action.DATA_IMPORT, ImportJob.objects.select_related("site"))
    filterset = JobFilter(
        request.GET or None, queryset=jobs, sites=sites_where(request.user, Action.DATA_IMPORT)
    )
    table = configure(request, JobTable(filterset.listed), filterset)
    return render(request, "imports/job_list.html", {"table": table})


@login_required
def upload(request):
    authz.check_anywhere(request.user, Action.DATA_IMPORT)
    form = forms.UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        authz.check(request.user, Action.DATA_IMPORT, site)
        folder = Path(settings.PSSM_IMPORT_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        upload_file = form.cleaned_data["file"]
        suffix = Path(upload_file.name).suffix.lower()[:6]
        stored = folder / f"{uuid.uuid4().hex}{suffix}"
        with stored.open("wb") as fh:
            for block in upload_file.chunks():
                fh.write(block)
        kind = form.cleaned_data["kind"]
        try:
            preview = sandbox.preview(stored, kind, node_limits(preview=True))
        except PssmError as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", error_message(exc))
        else:
            guessed = columns.guess_mapping(kind, preview["headers"])
            job = ImportJob.objects.create(
                kind=kind,
                site=site,
                file_name=Path(upload_file.name).name[:255],
                stored_path=str(stored),
                created_by=request.user,
                size_bytes=preview["size_bytes"],
                mapping={str(k): v for k, v in guessed.items()},
                options={"location": form.cleaned_data["location"].strip().upper()},
                preview=preview,
            )
            return redirect("imports:job_detail", job.pk)
    return render(
        request, "imports/upload.html", {"form": form}, status=400 if form.errors else 200
    )


def _seen(user, pk) -> ImportJob:
    """The job, after the queue was looked at: dead jobs marked failed, free slots filled."""
    runner.start_next()
    return _job(user, pk)


@login_required
def job_detail(request, pk):
    job = _seen(request.user, pk)
    context = {
        "job": job,
        "rejects_file": runner.rejects_path(job).exists(),
        "position": runner.position(job) if job.state == ImportJob.State.QUEUED else None,
    }
    if job.state == ImportJob.State.PENDING:
        headers = job.preview.get("headers", [])
        preview = [tuple(row) for row in job.preview.get("rows", [])]
        form = forms.MappingForm(request.POST or None, job=job, headers=headers)
        if request.method == "POST" and form.is_valid():
            try:
                mapping = columns.check_mapping(job.kind, form.mapping(), headers)
            except PssmError as exc:
                form.add_error(None, error_message(exc))
            else:
                job.mapping = {str(k): v for k, v in mapping.items()}
                job.options = {
                    **job.options,
                    "dry_run": form.cleaned_data["dry_run"],
                    "all_or_nothing": form.cleaned_data["all_or_nothing"],
                }
                job.save(update_fields=["mapping", "options"])
                runner.start(job)
                return redirect("imports:job_detail", job.pk)
        context.update(form=form, headers=headers, preview=preview)
    if job.state == ImportJob.State.CHECKED and (job.options or {}).get("dry_run"):
        from pssm.registry.models import WeaponType

        context.update(
            can_import_now=True,
            unrecognised=workflow.unrecognised_values(job),
            weapon_types=WeaponType.objects.order_by("make", "model", "calibre"),
        )
    return render(request, "imports/job_detail.html", context)


@login_required
@require_POST
def job_import_now(request, pk):
    """Import the file of a dry run, with the same mapping, for real."""
    job = _seen(request.user, pk)
    try:
        real = workflow.job_import_now(actor=request.user, job=job)
    except PssmError as exc:
        messages.error(request, error_message(exc))
        return redirect("imports:job_detail", job.pk)
    return redirect("imports:job_detail", real.pk)


@login_required
@require_POST
def job_values(request, pk):
    """Remember what the values a dry run did not recognise mean (for the country)."""
    job = _seen(request.user, pk)
    saved = 0
    for key in request.POST:
        if not key.startswith("value_"):
            continue
        suffix = key.removeprefix("value_")
        target = request.POST.get(f"target_{suffix}", "").strip()
        if not target:
            continue  # left for later
        try:
            mappings.value_mapping_set(
                actor=request.user,
                site=job.site,
                field="weapon_type",
                value=request.POST[key],
                target=target,
            )
        except PssmError as exc:
            messages.error(request, f"{request.POST[key]}: {error_message(exc)}")
        else:
            saved += 1
    if saved:
        messages.success(
            request,
            ngettext(
                "%(n)s value remembered for the next files of the country.",
                "%(n)s values remembered for the next files of the country.",
                saved,
            )
            % {"n": saved},
        )
    return redirect("imports:job_detail", job.pk)


@login_required
def job_progress(request, pk):
    job = _seen(request.user, pk)
    position = runner.position(job) if job.state == ImportJob.State.QUEUED else None
    return render(request, "imports/_progress.html", {"job": job, "position": position})


@login_required
def job_rejects(request, pk):
    job = _job(request.user, pk)
    path = runner.rejects_path(job)
    if not path.exists():
        raise Http404(_("No rejected rows."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"rejects-{job.pk}.csv")
