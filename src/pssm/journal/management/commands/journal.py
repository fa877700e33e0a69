"""`pssm journal verify|checkpoint|list`: verify the journal against its seals, its head and
the tables; print a signed checkpoint of the head (text, or PDF with a QR code); list entries."""

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext

from pssm.core.management.base import PssmCommand
from pssm.domain.journal import Checkpoint
from pssm.journal import selectors, signing
from pssm.journal.verify import journal_verify


class Command(PssmCommand):
    help = "Verify the tamper-evident journal, print a signed checkpoint, or list entries."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="check the chain, the seals and the head, and compare the state rebuilt from "
            "the journal with the tables",
        )
        verify.add_argument("--node", help="verify only this node")
        verify.add_argument("--json", action="store_true", help="print the result as JSON")
        verify.add_argument(
            "--all",
            action="store_true",
            help="go on past the first broken entry; list every difference",
        )
        verify.add_argument(
            "--against", metavar="FILE", help="a checkpoint statement the journal must still hold"
        )
        verify.add_argument(
            "--no-state", action="store_true", help="skip the comparison with the tables"
        )
        point = sub.add_parser("checkpoint", help="print a signed statement of the journal's head")
        point.add_argument("--pdf", metavar="FILE", help="also write it as a PDF with a QR code")
        point.add_argument("--out", metavar="FILE", help="also write the statement to FILE")
        show = sub.add_parser("list", help="print the latest entries")
        show.add_argument("--limit", type=int, default=20)
        show.add_argument("--kind")
        show.add_argument("--site")

    def handle(self, *args, **options):
        actor = self.actor(options)
        if options["action"] == "verify":
            return self._verify(actor, options)
        if options["action"] == "checkpoint":
            return self._checkpoint(actor, options)
        return self._list(actor, options)

    def _verify(self, actor, options):
        against = None
        if options.get("against"):
            path = Path(options["against"])
            try:
                against = Checkpoint.parse(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"--against {path}: cannot read it ({exc.strerror})") from None
            except (ValueError, UnicodeError) as exc:
                raise CommandError(
                    f"--against {path}: not a PSSM checkpoint statement (missing: {exc})"
                ) from None
        report = journal_verify(
            user=actor,
            node_id=options.get("node"),
            stop_at_first=not options["all"],
            with_state=not options["no_state"],
            against=against,
            limit=None if options["all"] else 100,
        )
        if options.get("json"):
            self.stdout.write(json.dumps(report.as_dict(gettext), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if not report.ok:
            raise SystemExit(1)

    def _print(self, report):
        if not report.nodes:
            self.stdout.write("journal is empty: 0 entries")
        for n in report.nodes:
            status = "OK" if n.ok else "BROKEN"
            line = (
                f"node {n.node_id}: {status}, {n.count} entries, {n.seals} seals, "
                f"head {n.head_hash}"
            )
            (self.stdout if n.ok else self.stderr).write(line)
            for p in n.problems:
                self.stderr.write(f"  {p.text.render(gettext)}")
        if report.journal_problems:
            self.stderr.write("the journal contradicts itself:")
            for p in report.journal_problems:
                self.stderr.write(f"  {p.text.render(gettext)}")
        if report.weapons or report.lots or report.total_differences:
            if report.total_differences:
                self.stderr.write(
                    f"state: {report.total_differences} difference(s) between the journal and "
                    f"the tables ({report.weapons} weapons, {report.lots} lot balances)"
                )
                for p in report.differences:
                    self.stderr.write(f"  {p.text.render(gettext)}")
                hidden = report.total_differences - len(report.differences)
                if hidden:
                    self.stderr.write(f"  … and {hidden} more (use --all to list them)")
            else:
                self.stdout.write(
                    f"state: the tables match the journal ({report.weapons} weapons, "
                    f"{report.lots} lot balances)"
                )
        if report.against is not None:
            if report.against:
                for p in report.against:
                    self.stderr.write(f"checkpoint: {p.text.render(gettext)}")
            else:
                self.stdout.write("checkpoint: the journal still holds it")

    def _checkpoint(self, actor, options):
        point = signing.checkpoint_make(user=actor)
        text = point.text()
        self.stdout.write(text)
        if options.get("out"):
            Path(options["out"]).write_text(text, encoding="utf-8")
        if options.get("pdf"):
            from pssm.journal.pdf import checkpoint_pdf

            Path(options["pdf"]).write_bytes(checkpoint_pdf(point))
            self.stdout.write(f"PDF written to {options['pdf']}")

    def _list(self, actor, options):
        filters = {"kind": options.get("kind"), "site": options.get("site")}
        entries = selectors.journal_entry_list(user=actor, filters=filters)[: options["limit"]]
        for e in entries:
            self.stdout.write(
                f"{e.node_id}#{e.seq} {e.recorded_at} {e.actor} {e.kind} "
                f"{e.scope_site or e.scope_organisation or e.scope_country or '-'} {e.payload}"
            )
