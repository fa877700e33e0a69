import json

from pssm.core.management.base import PssmCommand
from pssm.journal import selectors


class Command(PssmCommand):
    help = "Verify the tamper-evident journal, or list its latest entries."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="recompute the hash chain of every node")
        verify.add_argument("--node", help="verify only this node")
        verify.add_argument("--json", action="store_true", help="print the result as JSON")
        show = sub.add_parser("list", help="print the latest entries")
        show.add_argument("--limit", type=int, default=20)
        show.add_argument("--kind")
        show.add_argument("--site")

    def handle(self, *args, **options):
        actor = self.actor(options)
        if options["action"] == "verify":
            return self._verify(actor, options)
        return self._list(actor, options)

    def _verify(self, actor, options):
        results = selectors.journal_verify(user=actor, node_id=options.get("node"))
        ok = all(r.ok for r in results)
        if options.get("json"):
            self.stdout.write(
                json.dumps(
                    {
                        "ok": ok,
                        "nodes": [
                            {
                                "node_id": r.node_id,
                                "ok": r.ok,
                                "count": r.result.count,
                                "head_hash": r.result.head_hash,
                                "bad_seq": r.bad_seq,
                                "bad_uuid": r.result.bad_uuid,
                                "reason": r.reason,
                            }
                            for r in results
                        ],
                    },
                    indent=2,
                )
            )
        else:
            if not results:
                self.stdout.write("journal is empty: 0 entries")
            for r in results:
                if r.ok:
                    self.stdout.write(
                        f"node {r.node_id}: OK, {r.result.count} entries, head {r.result.head_hash}"
                    )
                else:
                    self.stderr.write(
                        f"node {r.node_id}: BROKEN at entry #{r.bad_seq}"
                        + (f" (uuid {r.result.bad_uuid})" if r.result.bad_uuid else "")
                        + f": {r.reason}; {r.result.count} entries verified before it"
                    )
        if not ok:
            raise SystemExit(1)

    def _list(self, actor, options):
        filters = {"kind": options.get("kind"), "site": options.get("site")}
        entries = selectors.journal_entry_list(user=actor, filters=filters)[: options["limit"]]
        for e in entries:
            self.stdout.write(
                f"{e.node_id}#{e.seq} {e.recorded_at} {e.actor} {e.kind} "
                f"{e.scope_site or e.scope_organisation or e.scope_country or '-'} {e.payload}"
            )
