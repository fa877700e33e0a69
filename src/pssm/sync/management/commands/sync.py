"""`pssm sync bootstrap|export|import|status`: synchronisation by bundle files (ADR 0014)."""

import json
import os

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pssm.core.management.base import PssmCommand


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise CommandError(
            _("cannot read %(path)s: %(why)s") % {"path": path, "why": exc.strerror}
        ) from None


def _write(path: str, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise CommandError(
            _("cannot write %(path)s: %(why)s") % {"path": path, "why": exc.strerror}
        ) from None


def _written(path: str, data: bytes) -> str:
    return _("written to %(out)s (%(size)s bytes)") % {"out": path, "size": len(data)}


class Command(PssmCommand):
    help = "Synchronise this node with the national node (or a depot) by bundle files."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        boot = sub.add_parser("bootstrap", help="write the bundle that makes a depot node")
        boot.add_argument("--site", required=True, help="code of the site the depot writes")
        boot.add_argument("--out", required=True, help="file to write")
        boot.add_argument("--node", default="", help="name of the depot node (SITE-depot)")
        export = sub.add_parser("export", help="write what the other side has not acknowledged")
        export.add_argument("--out", required=True, help="file to write")
        export.add_argument("--to", default="", help="on the national node: the depot node")
        export.add_argument(
            "--encrypt",
            action="store_true",
            help="encrypt the bundle to the receiving node (age): only its key opens it",
        )
        transfer = sub.add_parser(
            "transfer",
            help="on a depot: write what is on its way to another depot, for national to "
            "countersign",
        )
        transfer.add_argument("--site", required=True, help="code of the destination site")
        transfer.add_argument("--out", required=True, help="file to write")
        transfer.add_argument(
            "--encrypt", action="store_true", help="encrypt the bundle to the national node"
        )
        counter = sub.add_parser(
            "countersign",
            help="on the national node: check a depot's transfer bundle and countersign it "
            "for the destination depot",
        )
        counter.add_argument("file", help="the depot's transfer bundle")
        counter.add_argument("--out", required=True, help="file to write")
        counter.add_argument(
            "--encrypt", action="store_true", help="encrypt it to the destination depot"
        )
        imp = sub.add_parser("import", help="apply a bundle (and write the acknowledgement)")
        imp.add_argument("file", help="the bundle to apply")
        imp.add_argument(
            "--ack-out", default="", help="on the national node: where to write the ack bundle"
        )
        imp.add_argument(
            "--encrypt-ack",
            action="store_true",
            help="on the national node: encrypt the ack bundle to the depot (age)",
        )
        run = sub.add_parser("run", help="synchronise with the national node over the network")
        run.add_argument("--url", required=True, help="the national node, https://...")
        run.add_argument(
            "--chunk-kb", type=float, default=64, help="kilobytes per request (0.25 to 1024)"
        )
        run.add_argument(
            "--every", type=float, default=0, help="minutes between runs (0: run once)"
        )
        sched = sub.add_parser(
            "schedule",
            help="synchronise in the background every few minutes (run by `pssm db_worker`)",
        )
        sched.add_argument("--url", default="", help="the national node, https://...")
        sched.add_argument("--every", type=float, default=5, help="minutes between rounds")
        sched.add_argument("--chunk-kb", type=float, default=64, help="kilobytes per request")
        sched.add_argument("--stop", action="store_true", help="stop the background rounds")
        reg = sub.add_parser("regional", help="write a country's figures for a regional node")
        reg.add_argument("--country", required=True, help="country code, e.g. ML")
        reg.add_argument("--to", required=True, help="name of the regional node")
        reg.add_argument("--out", required=True, help="file to write")
        hand = sub.add_parser(
            "handover", help="move a site's writer to a new depot node (revokes the old one)"
        )
        hand.add_argument("--site", required=True, help="code of the site")
        hand.add_argument("--to", required=True, help="name of the new depot node")
        hand.add_argument("--reason", required=True, help="why (laptop replaced, stolen...)")
        hand.add_argument("--out", required=True, help="where to write its bootstrap bundle")
        revoke = sub.add_parser("revoke", help="refuse every later bundle of a depot node")
        revoke.add_argument("--node", required=True)
        revoke.add_argument("--reason", required=True)
        fork = sub.add_parser("fork-resolve", help="decide a fork (see `pssm sync status`)")
        fork.add_argument("fork", type=int, help="number of the fork")
        fork.add_argument("--decision", required=True, choices=["release", "revoke"])
        fork.add_argument("--note", required=True, help="what was found and decided")
        status = sub.add_parser("status", help="this node, its peers and what waits")
        status.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        from pssm.sync import exchange, manage, nodes, selectors

        actor = self.actor(options)
        action = options["action"]
        if action == "bootstrap":
            data, peer = nodes.bootstrap(
                user=actor, site_code=options["site"], node_id=options["node"]
            )
            _write(options["out"], data)
            self.stdout.write(
                _(
                    "bootstrap bundle for node %(node)s (site %(site)s) written to %(out)s "
                    "(%(size)s bytes); it holds the depot's key: carry it like a key"
                )
                % {
                    "node": peer.node_id,
                    "site": options["site"],
                    "out": options["out"],
                    "size": len(data),
                }
            )
        elif action == "export":
            data, _recipient = exchange.bundle_for(
                user=actor, to=options["to"], encrypt=options["encrypt"]
            )
            _write(options["out"], data)
            self.stdout.write(_written(options["out"], data))
        elif action == "transfer":
            from pssm.sync import courier

            data = courier.transfer_bundle(user=actor, site_code=options["site"])
            if options["encrypt"]:
                data = exchange.sealed_for(data, peer_key=nodes.this_node().national_key)
            _write(options["out"], data)
            self.stdout.write(
                _(
                    "transfer bundle for site %(site)s: %(written)s; "
                    "the national node countersigns it"
                )
                % {"site": options["site"], "written": _written(options["out"], data)}
            )
        elif action == "countersign":
            from pssm.sync import courier

            data, peer = courier.countersign(user=actor, data=_read(options["file"]))
            if options["encrypt"]:
                data = exchange.sealed_for(data, peer_key=peer.public_key)
            _write(options["out"], data)
            self.stdout.write(
                _("countersigned for node %(node)s (site %(site)s): %(written)s")
                % {
                    "node": peer.node_id,
                    "site": peer.site.code,
                    "written": _written(options["out"], data),
                }
            )
        elif action == "regional":
            from pssm.sync import regional

            data = regional.regional_export(
                user=actor, country_code=options["country"], to=options["to"]
            )
            _write(options["out"], data)
            self.stdout.write(
                _("figures of %(country)s for %(node)s: %(written)s")
                % {
                    "country": options["country"].upper(),
                    "node": options["to"],
                    "written": _written(options["out"], data),
                }
            )
        elif action == "import":
            data = _read(options["file"])
            node = nodes.this_node()
            if node is not None and node.role == "regional":
                from pssm.sync import regional

                record = regional.regional_receive(user=actor, data=data)
                state = _("already kept") if getattr(record, "duplicate", False) else _("kept")
                self.stdout.write(
                    _("figures of %(country)s from %(node)s: %(state)s")
                    % {"country": record.country, "node": record.national, "state": state}
                )
            elif node is not None and node.role == "national":
                record, ack = exchange.ingest(user=actor, data=data)
                if options["encrypt_ack"]:
                    peer = selectors.peer(record.peer)
                    ack = exchange.sealed_for(ack, peer_key=peer.public_key)
                out = options["ack_out"] or f"{options['file']}.ack"
                _write(out, ack)
                state = (
                    _("already applied, skipped")
                    if getattr(record, "duplicate", False)
                    else _("applied, %(entries)s entries, %(rows)s records")
                    % {"entries": record.entries, "rows": record.rows}
                )
                self.stdout.write(
                    _(
                        "bundle %(bundle)s from %(node)s: %(state)s; "
                        "acknowledgement written to %(out)s"
                    )
                    % {"bundle": record.bundle_id, "node": record.peer, "state": state, "out": out}
                )
            else:
                record = exchange.receive(user=actor, data=data)
                state = (
                    _("already applied, skipped")
                    if getattr(record, "duplicate", False)
                    else _("applied, %(rows)s records") % {"rows": record.rows}
                )
                self.stdout.write(
                    _("bundle %(bundle)s from %(node)s: %(state)s")
                    % {"bundle": record.bundle_id, "node": record.peer, "state": state}
                )
        elif action == "run":
            self._run(actor, options)
        elif action == "schedule":
            from pssm.sync import tasks

            if options["stop"]:
                removed = tasks.stop(user=actor)
                self.stdout.write(
                    _("background synchronisation stopped")
                    if removed
                    else _("no background synchronisation was scheduled")
                )
                return
            if not options["url"]:
                raise CommandError(_("give the national node's address with --url"))
            queued = tasks.schedule(
                user=actor,
                url=options["url"],
                every=options["every"],
                chunk_kb=options["chunk_kb"],
            )
            self.stdout.write(
                _(
                    "synchronisation with %(url)s every %(every)s min, first round queued for "
                    "%(at)s UTC; `pssm db_worker --queue-name sync` runs the rounds"
                )
                % {
                    "url": options["url"],
                    "every": f"{options['every']:g}",
                    "at": f"{queued.run_after:%Y-%m-%d %H:%M}",
                }
            )
        elif action == "handover":
            data, peer = manage.handover(
                user=actor,
                site_code=options["site"],
                node_id=options["to"],
                reason=options["reason"],
            )
            _write(options["out"], data)
            self.stdout.write(
                _(
                    "site %(site)s handed over to node %(node)s; its bootstrap bundle: "
                    "%(written)s; carry it like a key"
                )
                % {
                    "site": options["site"],
                    "node": peer.node_id,
                    "written": _written(options["out"], data),
                }
            )
        elif action == "revoke":
            peer = manage.revoke(user=actor, node_id=options["node"], reason=options["reason"])
            self.stdout.write(
                _("node %(node)s revoked: its bundles are refused from now on")
                % {"node": peer.node_id}
            )
        elif action == "fork-resolve":
            fork = manage.fork_resolve(
                user=actor,
                fork_id=options["fork"],
                decision=options["decision"],
                note=options["note"],
            )
            self.stdout.write(
                _("fork %(fork)s of node %(node)s resolved: %(decision)s")
                % {"fork": fork.pk, "node": fork.peer, "decision": fork.resolution}
            )
        else:
            state = selectors.status()
            if options["json"]:
                self.stdout.write(json.dumps(state, indent=2, default=str))
            else:
                for line in selectors.status_lines(state):
                    self.stdout.write(line)

    def _run(self, actor, options):
        import time

        from pssm.domain.errors import PssmError
        from pssm.sync import client

        every = options["every"]
        if every < 0:
            raise CommandError(_("--every is a number of minutes, 0 or more"))
        while True:
            try:
                done = client.run(
                    user=actor, url=options["url"], chunk=int(options["chunk_kb"] * 1024)
                )
            except client.LinkError as exc:
                if not every:
                    raise
                self.stderr.write(
                    _("link down, next try in %(every)s min: %(why)s")
                    % {"every": f"{every:g}", "why": exc}
                )
            except PssmError:
                raise
            else:
                self.stdout.write(
                    (
                        _(
                            "bundle %(bundle)s %(state)s (resumed): %(sent)s bytes sent, "
                            "%(received)s bytes received"
                        )
                        if done.resumed
                        else _(
                            "bundle %(bundle)s %(state)s: %(sent)s bytes sent, "
                            "%(received)s bytes received"
                        )
                    )
                    % {
                        "bundle": done.bundle,
                        "state": _("applied") if done.state == "applied" else _("already applied"),
                        "sent": done.sent,
                        "received": done.received,
                    }
                )
            if not every:
                return
            time.sleep(every * 60)
