import time

from pssm.core.management.base import PssmCommand
from pssm.demo import load as demo


class Command(PssmCommand):
    help = "Load the demonstration data. Safe to run again: existing data is left alone."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(text):
            self.stdout.write(f"  [{time.monotonic() - started:5.1f} s] {text}")
            self.stdout.flush()

        self.stdout.write("loading the demo data (about a minute the first time):")
        created = demo.load(progress=progress)
        summary = ", ".join(f"{n} {k}" for k, n in created.items())
        seconds = time.monotonic() - started
        self.stdout.write(f"demo data loaded in {seconds:.0f} s ({summary} created)")
        if not options["quiet_logins"]:
            self.stdout.write(f"demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for username, role, scope in demo.logins():
                self.stdout.write(f"  {username:<15} {role:<32} {scope}")
