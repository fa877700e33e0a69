import json

from pssm.core.management.base import PssmCommand
from pssm.registry.selectors import weapon_search


class Command(PssmCommand):
    help = (
        "Find a weapon by serial number, even mistyped: exact and normalised matches, and the "
        "serials one character off when nothing matches better (or with --near)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("serial")
        parser.add_argument("--json", action="store_true", help="print the matches as JSON")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument(
            "--near",
            action="store_true",
            help="also the serials one character off when the serial itself is found",
        )

    def handle(self, *args, **options):
        matches = weapon_search(
            user=self.actor(options),
            query=options["serial"],
            limit=options["limit"],
            near=options["near"],
        )
        rows = [
            {
                "serial": hit.serial,
                "match": m.value,
                "site": hit.site,
                "status": hit.status,
                "type": hit.weapon_type,
                "location": hit.location,
                "custodian": hit.custodian,
                "destination": hit.destination,
                "id": hit.id,
            }
            for m, hit in matches
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(f"no weapon matches {options['serial']!r}")
            return
        for r in rows:
            where = r["location"] or r["custodian"] or r["destination"] or "-"
            self.stdout.write(
                f"{r['match']:<10} {r['serial']:<20} {r['type']:<32} {r['site']:<10} "
                f"{r['status']:<12} {where}"
            )
