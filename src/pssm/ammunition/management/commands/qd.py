"""`pssm qd`: quantity-distance and compatibility, for a stock given on the command line or
for the real stock and plan of a site."""

import json

from django.core.management.base import CommandError

from pssm.ammunition.selectors import qd_for_stock, qd_site_report
from pssm.core.management.base import PssmCommand


class Command(PssmCommand):
    help = (
        "Explosives safety: governing hazard division, aggregated NEQ, compatibility and the "
        "required distances of a stock (--stock 1.1D=1000 …), or the QD report of a site."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--stock",
            action="append",
            default=[],
            metavar="HCC=KG[@ROUND_KG]",
            help=(
                "hazard classification code and NEQ in kg, e.g. 1.1D=1000, optionally with the "
                "HE NEQ of one round, e.g. 1.2F=500@0.2 (repeatable)"
            ),
        )
        parser.add_argument("--site", metavar="CODE", help="QD report of this site's real stock")
        parser.add_argument(
            "--review",
            action="store_true",
            help=(
                "re-evaluate every site plan under the current rules and the former edition, "
                "and record the storehouses in breach (shown on the QD reports and the "
                "dashboard)"
            ),
        )
        parser.add_argument("--pes-type", default="", help="storehouse type for the stock mode")
        parser.add_argument("--country", default="", help="apply this country's national values")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        if options["review"]:
            self._review(options)
            return
        if bool(options["stock"]) == bool(options["site"]):
            raise CommandError("give either --stock HCC=KG (one or more), --site CODE or --review")
        if options["site"]:
            report = qd_site_report(user=self.actor(options), site_code=options["site"])
            if options["json"]:
                self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
                return
            self._print_site(report)
            return
        pairs = []
        for item in options["stock"]:
            code, sep, kg = item.partition("=")
            if not sep:
                raise CommandError(f"--stock {item!r}: write HCC=KG, e.g. 1.1D=1000")
            kg, _at, per_round = kg.partition("@")
            pairs.append((code, kg, per_round))
        result = qd_for_stock(pairs, pes_type=options["pes_type"], country=options["country"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"governing HD {result['governing_hd'] or '-'}, NEQ {result['neq_kg']} kg, "
            f"compatible: {'yes' if result['compatible'] else 'NO'}"
        )
        for c in result["conflicts"]:
            self.stdout.write(f"  conflict {c['first']} / {c['second']}: {c['text']} ({c['rule']})")
        self.stdout.write(
            f"{'relationship':<32} {'HD':<6} {'required m':>11}  {'formula':<58} rule"
        )
        for d in result["distances"]:
            flag = " (provisional)" if d["provisional"] else ""
            self.stdout.write(
                f"{d['relationship']:<32} {d['hd']:<6} {d['required_m']:>11}  "
                f"{d['formula']:<58} {d['rule']}{flag}"
            )

    def _review(self, options):
        from django.db import transaction

        from pssm.accounts import authz
        from pssm.ammunition.review import qd_review
        from pssm.domain.access import Action

        actor = self.actor(options)
        authz.check_anywhere(actor, Action.AMMUNITION_MANAGE)
        with transaction.atomic():
            found = qd_review(actor=actor)
        if options["json"]:
            self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{len(found)} storehouse(s) in breach of the current QD rules")
        for row in found:
            before = " (already in breach before)" if row["in_breach_before"] else ""
            self.stdout.write(
                f"{row['site']} {row['building']}  HD {row['governing_hd']}  "
                f"NEQ {row['neq_kg']} kg{before}"
            )
            for b in row["breaches"]:
                self.stdout.write(
                    f"  {b['exposed_site']:<24} need {b['required_m']:>6} m "
                    f"(was {b['required_before_m'] or '-'} m)  have {b['actual_m']:>7} m"
                )

    def _print_site(self, report):
        self.stdout.write(
            f"{report['site']} {report['name']}: {len(report['storehouses'])} storehouses, "
            f"{report['pairs']} PES–ES pairs, {report['violations']} violation(s)"
        )
        for row in report["storehouses"]:
            self.stdout.write(
                f"\n{row['building']}  HD {row['governing_hd'] or '-'}  NEQ {row['neq_kg']} kg  "
                f"licence {row['licence'] or 'NONE'}  "
                f"compatible {'yes' if row['compatible'] else 'NO'}"
            )
            for d in row["distances"]:
                self.stdout.write(
                    f"  {d['exposed_site']:<24} {d['relationship']:<30} need {d['required_m']:>6} m"
                    f"  have {d['actual_m']:>7} m  {d['status']}"
                )
