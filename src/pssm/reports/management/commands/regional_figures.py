import json
from datetime import date

from pssm.accounts import authz
from pssm.core.management.base import PssmCommand
from pssm.domain import reporting
from pssm.domain.access import Action
from pssm.domain.errors import ValidationError, gettext_noop
from pssm.reports import selectors


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = gettext_noop("%(name)s is not a date (YYYY-MM-DD).")
        raise ValidationError(
            message, params={"name": name}, details={name: gettext_noop("Not a date (YYYY-MM-DD).")}
        ) from None


class Command(PssmCommand):
    help = (
        "Print (or write) the aggregate figures of a country for the regional node: counts "
        "only, no serial number and no name (format pssm.regional-figures/1, ADR 0022)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--country", required=True)
        parser.add_argument("--year", type=int)
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument("--out", help="file to write instead of printing")

    def handle(self, *args, **options):
        actor = self.actor(options)
        country = selectors.country_get(user=actor, code=options["country"])
        authz.check(actor, Action.AGGREGATES_VIEW, country)
        if options["year"] is not None:
            period = reporting.year_period(options["year"])
        else:
            period = reporting.check_period(
                _date(options["start"], "from") if options["start"] else None,
                _date(options["end"], "to") if options["end"] else None,
            )
        data = selectors.regional_figures(
            country=country.code, period_start=period.start, period_end=period.end
        )
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"written to {options['out']}")
        else:
            self.stdout.write(text)
