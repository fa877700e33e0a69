"""`pssm node init|rotate-key|key`: this node's signing key (kept outside the database)."""

from pssm.core.management.base import PssmCommand
from pssm.journal import keys, signing


class Command(PssmCommand):
    help = "Create, rotate or show this node's journal signing key."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the node key (refused when one exists)")
        init.add_argument(
            "--national",
            action="store_true",
            help="make this node the national node of the synchronisation",
        )
        join = sub.add_parser(
            "join", help="make this empty database the depot node of a bootstrap bundle"
        )
        join.add_argument("file", help="the bundle written by `pssm sync bootstrap`")
        sub.add_parser(
            "rotate-key",
            help="replace the node key; the change is journaled, signed by the old and new key",
        )
        sub.add_parser("key", help="print the node's public key and where the key file is")

    def handle(self, *args, **options):
        actor = self.actor(options)
        if options["action"] == "init" and options.get("national"):
            from pssm.sync import nodes

            node = nodes.national_init(user=actor)
            key = keys.load()
            self.stdout.write(f"national node {node.node_id} ready (key {key.id})")
            self.stdout.write(f"key file: {keys.key_path()} - back it up apart from the database")
        elif options["action"] == "join":
            from pssm.sync import nodes

            data = _read(options["file"])
            node = nodes.join(data=data)
            self.stdout.write(
                f"this node is now depot node {node.node_id} of site {node.site.code}, "
                f"synchronised with {node.national_node}"
            )
            self.stdout.write("destroy the bootstrap bundle: it holds this node's key")
        elif options["action"] == "init":
            key = signing.node_init(user=actor)
            self.stdout.write(f"node key created at {keys.key_path()} (key {key.id})")
            self.stdout.write(f"public key: {key.public}")
            self.stdout.write("back this file up: the journal's seals can only be checked with it")
        elif options["action"] == "rotate-key":
            old, new = signing.key_rotate(user=actor)
            self.stdout.write(f"node key rotated: {old.id} -> {new.id} (journaled)")
            self.stdout.write(f"public key: {new.public}")
        else:
            key = keys.load()
            self.stdout.write(f"key file: {keys.key_path()}")
            self.stdout.write(f"key {key.id}, public key {key.public}")


def _read(path: str) -> bytes:
    from django.core.management.base import CommandError

    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
