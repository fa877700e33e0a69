"""Base for PSSM commands: an actor (``--as USER`` or the node operator), authorisation
through the same module as the UI, and errors as one translated line with an exit code."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pssm.accounts.authz import SystemActor
from pssm.domain.errors import PssmError

from .. import errors


class PssmCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USER",
            help="act as this user (with their roles) instead of the node operator",
        )

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
