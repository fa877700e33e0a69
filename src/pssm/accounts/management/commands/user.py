import getpass
import os

from django.core.management.base import CommandError

from pssm.accounts import services
from pssm.core.management.base import PssmCommand


class Command(PssmCommand):
    help = "Create a user account (roles are granted with `pssm role grant`)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an account")
        create.add_argument("username")
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--rank", default="")
        create.add_argument("--language", default="", choices=["", "fr", "en"])
        create.add_argument(
            "--password-env",
            metavar="VAR",
            help="read the password from this environment variable instead of prompting",
        )

    def handle(self, *args, **options):
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(f"environment variable {options['password_env']} is empty")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("the two passwords differ")
        user = services.user_create(
            actor=self.actor(options),
            username=options["username"],
            password=password,
            first_name=options["first_name"],
            last_name=options["last_name"],
            rank=options["rank"],
            preferred_language=options["language"],
        )
        self.stdout.write(f"created user {user.username}")
