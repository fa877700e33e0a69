"""`pssm import_job ID`: run an import prepared in the web interface (started by the page)."""

from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from pssm.core.management.base import PssmCommand
from pssm.imports import runner
from pssm.imports.models import ImportJob


class Command(PssmCommand):
    help = "Run an import job prepared in the web interface (the page starts it)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("job", type=int)

    def handle(self, *args, **options):
        job = (
            ImportJob.objects.select_related("site", "created_by").filter(pk=options["job"]).first()
        )
        if job is None or job.state not in {ImportJob.State.PENDING, ImportJob.State.RUNNING}:
            raise CommandError(f"no import job {options['job']} waiting to run")
        try:
            with translation.override(job.created_by.preferred_language or "fr"):
                job = runner.run(job, translate=gettext)
        finally:
            runner.start_next()  # the slot this job held goes to the next in line
        self.stdout.write(
            f"job {job.pk}: {job.state}, {job.imported} imported, {job.rejected} rejected"
        )
