"""`pssm node init|rotate-key|key`: this node's signing key (kept outside the database)."""

from pssm.core.management.base import PssmCommand
from pssm.journal import keys, signing


class Command(PssmCommand):
    help = "Create, rotate or show this node's journal signing key."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create the node key (refused when one exists)")
        sub.add_parser(
            "rotate-key",
            help="replace the node key; the change is journaled, signed by the old and new key",
        )
        sub.add_parser("key", help="print the node's public key and where the key file is")

    def handle(self, *args, **options):
        actor = self.actor(options)
        if options["action"] == "init":
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
