"""`pssm import weapons|ammunition FILE --site CODE`: load a legacy register."""

import json
import os
import sys

from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.utils.translation import gettext as translate

from pssm.core.management.base import PssmCommand
from pssm.imports import mappings, services
from pssm.imports import runner as job_runner
from pssm.imports.models import ImportJob
from pssm.imports.readers import write_rejects
from pssm.sites import selectors as site_selectors


class Command(PssmCommand):
    help = (
        "Import a register of weapons or a stock list of ammunition (CSV or XLSX) into a site: "
        "validated row by row, committed in chunks, resumable, idempotent."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("what", choices=["weapons", "ammunition"])
        parser.add_argument("file")
        parser.add_argument("--site", required=True, help="site code, e.g. ML-KTI")
        parser.add_argument("--location", help="storage location for rows that name none")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="import nothing if any row is rejected"
        )
        parser.add_argument(
            "--rejects", metavar="OUT", help="write rejected rows to OUT (.csv or .xlsx)"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN:VALUE=MEANING",
            help="what a value of the file means, remembered for the country's next files, "
            'e.g. --map "Type d\'arme:Kalachnikov=AK-47" (may be given several times)',
        )
        parser.add_argument(
            "--chunk", type=int, default=services.CHUNK, help="rows per transaction"
        )

    def handle(self, *args, **options):
        actor = self.actor(options)
        if not getattr(actor, "pk", None):
            raise CommandError("an import is signed by a user: give --as USER")
        site = site_selectors.site_get(user=actor, code=options["site"].upper())
        location = None
        if options["location"]:
            location = site_selectors.location_get(user=actor, code=options["location"].upper())
        for text in options["map"]:
            field, value, target = mappings.parse_map_option(text)
            if options["what"] != "weapons":
                raise CommandError("--map applies to weapons registers")
            mappings.value_mapping_set(
                actor=actor, site=site, field=field, value=value, target=target
            )
        show = not options["json"] and sys.stderr.isatty()
        job_runner.reap()  # an earlier import whose process died is marked failed first

        def progress(job):
            if show:
                width = 30
                done = int(width * job.percent / 100)
                sys.stderr.write(
                    f"\r[{'#' * done}{'.' * (width - done)}] {job.percent:3d}% "
                    f"{job.rows_read:,} rows, {job.imported:,} imported, {job.rejected:,} rejected"
                )
                sys.stderr.flush()

        runner = (
            services.weapons_import if options["what"] == "weapons" else services.ammunition_import
        )
        try:
            outcome = runner(
                actor=actor,
                site=site,
                path=options["file"],
                location=location,
                dry_run=options["dry_run"],
                all_or_nothing=options["all_or_nothing"],
                chunk_size=max(1, options["chunk"]),
                progress=progress,
                translate=translate,
            )
        except KeyboardInterrupt:
            reason = translate(job_runner.INTERRUPTED)
            self._stopped(translate(job_runner.STOPPED) % {"reason": reason})
            sys.exit(130)
        except DatabaseError:
            self._stopped(translate(job_runner.LOST_DATABASE))
            sys.exit(6)
        if show:
            sys.stderr.write("\n")
        if options["rejects"] and outcome.rejects:
            write_rejects(options["rejects"], outcome.headers, outcome.rejects)
        summary = outcome.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            if options["dry_run"]:  # nothing was written: say what an import would do
                self.stdout.write(
                    f"dry run, nothing written: would be imported {summary['imported']}, "
                    f"would be rejected {summary['rejected']}, already present "
                    f"{summary['skipped']} (of {summary['rows']} rows; job {summary['job']})"
                )
            else:
                self.stdout.write(
                    f"imported {summary['imported']}, rejected {summary['rejected']}, "
                    f"skipped {summary['skipped']} (of {summary['rows']} rows; "
                    f"job {summary['job']})"
                )
            for item in summary["rejects"][:20]:
                self.stdout.write(f"  row {item['row']}: {item['reason']}")
            if outcome.rejected > 20:
                self.stdout.write(f"  … {outcome.rejected - 20} more (see --rejects)")
        if outcome.rejected:
            sys.exit(1)

    def _stopped(self, message: str) -> None:
        """Mark this process's running job failed with ``message`` and say it."""
        ids = []
        for attempt in range(2):  # on a fresh connection when the one in use was lost
            try:
                ids = list(
                    ImportJob.objects.filter(
                        pid=os.getpid(), state=ImportJob.State.RUNNING
                    ).values_list("pk", flat=True)
                )
                break
            except DatabaseError:
                connection.close()
                if attempt:
                    ids = []
        for pk in ids:
            job_runner.fail(ImportJob(pk=pk), message)
        self.stderr.write(message)
