"""Base for PSSM commands: an actor (``--as USER`` or the node operator), authorisation
through the same module as the UI, and errors as one translated line with an exit code."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pssm.accounts.authz import SystemActor
from pssm.domain.errors import PssmError

from .. import errors


def hoist_as(argv: list[str]) -> list[str]:
    """``argv`` (``[prog, command, ...]``) with ``--as USER`` (or ``--as=USER``) moved to just
    after the command name, wherever it was given: argparse reads a command's own options only
    before its subcommand, and ``pssm voucher approve N --as cdt`` should work as well as
    ``pssm voucher --as cdt approve N``. Nothing after ``--`` is touched."""
    head, rest = list(argv[:2]), list(argv[2:])
    stop = rest.index("--") if "--" in rest else len(rest)
    given: list[list[str]] = []  # every --as seen; the last one wins, as argparse does
    kept, i = [], 0
    while i < stop:
        arg = rest[i]
        if arg == "--as" and i + 1 < stop:
            given.append([arg, rest[i + 1]])
            i += 2
            continue
        if arg.startswith("--as="):
            given.append([arg])
        else:
            kept.append(arg)
        i += 1
    return [*head, *(given[-1] if given else []), *kept, *rest[stop:]]


class PssmCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USER",
            help="act as this user (with their roles) instead of the node operator",
        )

    def run_from_argv(self, argv):
        super().run_from_argv(hoist_as(argv))

    def actor(self, options):
        name = options.get("as_user")
        if not name:
            return SystemActor("system:cli")
        from pssm.accounts.models import User

        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {name!r}")
        return user

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except PssmError as exc:
            self.stderr.write(f"error [{exc.code}]: {errors.message(exc)}")
            for key, value in errors.details(exc).items():
                self.stderr.write(f"  {key}: {value}")
            sys.exit(errors.exit_code(exc))
