"""`pssm programme evaluation|iati`: the regional evaluation report (PDF or DOCX, French or
English) for a period, and the IATI 2.03 activity XML, written only when it validates."""

from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from pssm.core.management.base import PssmCommand
from pssm.programme import access, iati, report
from pssm.programme.models import Programme


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} {value!r}: not a date (YYYY-MM-DD)") from None


class Command(PssmCommand):
    help = "Write the regional evaluation report or the IATI activity XML of the programme."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--programme", help="programme code (default: the only one)")
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluation", help="the regional evaluation report for a period")
        ev.add_argument("--from", dest="start", required=True, metavar="DATE")
        ev.add_argument("--to", dest="end", required=True, metavar="DATE")
        ev.add_argument("--lang", choices=["fr", "en"], default="fr")
        ev.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf or FILE.docx")
        ev.add_argument("--programme", dest="programme_code")
        ia = sub.add_parser("iati", help="IATI 2.03 activity XML (refused unless it validates)")
        ia.add_argument("--out", required=True, metavar="FILE.xml")
        ia.add_argument("--programme", dest="programme_code")

    def _programme(self, options) -> Programme:
        code = options.get("programme_code") or options.get("programme")
        qs = Programme.objects.all()
        if code:
            qs = qs.filter(code=code)
        found = list(qs[:2])
        if len(found) != 1:
            raise CommandError(
                f"no programme {code!r}" if code else "name the programme with --programme CODE"
            )
        return found[0]

    def handle(self, *args, **options):
        actor = self.actor(options)
        countries = access.check_view(actor)
        prog = self._programme(options)
        out = Path(options["out"])
        if options["action"] == "evaluation":
            start = _date(options["start"], "--from")
            end = _date(options["end"], "--to")
            fmt = "docx" if out.suffix.lower() == ".docx" else "pdf"
            if out.suffix.lower() not in {".pdf", ".docx"}:
                raise CommandError(f"--out {out}: the report is written as .pdf or .docx")
            data = report.evaluation_report(
                programme=prog,
                countries=countries,
                start=start,
                end=end,
                lang=options["lang"],
                fmt=fmt,
            )
        else:
            data = iati.iati_bytes(programme=prog, countries=countries)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"--out {out}: cannot write it ({exc.strerror})") from None
        self.stdout.write(f"{out}: {len(data)} bytes written")
