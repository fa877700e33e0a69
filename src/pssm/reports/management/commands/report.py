import json
import sys

from django.utils import translation

from pssm.core.management.base import PssmCommand
from pssm.domain import reporting
from pssm.reports import figures as report_figures
from pssm.reports import render, selectors, services
from pssm.reports.figures import KINDS


class Command(PssmCommand):
    help = (
        "Generate a national report (poa, att, unroca, regional or stock) of a country for a "
        "year, as PDF or XLSX in French or English; --json prints its figures as data and "
        "records nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--country", required=True, help="ISO code, e.g. ML")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--lang", choices=["fr", "en"], default="fr")
        parser.add_argument("--out", help="file to write (default: NUMBER-LANG.FORMAT)")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, **options):
        actor = self.actor(options)
        with translation.override(options["lang"]):
            country = selectors.country_get(user=actor, code=options["country"])
            period = reporting.year_period(options["year"])
            if options["json"]:
                from pssm.accounts import authz
                from pssm.domain.access import Action

                authz.check(actor, Action.AGGREGATES_VIEW, country)
                data = report_figures.compute(
                    kind=options["kind"], country=country.code, period=period
                )
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
                return
            report = services.report_generate(
                actor=actor,
                kind=options["kind"],
                country=country,
                period_start=period.start,
                period_end=period.end,
                language=options["lang"],
            )
            writer = render.report_pdf if options["format"] == "pdf" else render.report_xlsx
            body = writer(report.figures, options["lang"], report)
            out = options["out"] or f"{report.number}-{options['lang']}.{options['format']}"
            if out == "-":
                sys.stdout.buffer.write(body)
                return
            with open(out, "wb") as handle:
                handle.write(body)
            self.stdout.write(f"{report.number} written to {out} ({len(body)} bytes)")
