import getpass
import os

from django.core.management.base import CommandError

from pssm.accounts import services
from pssm.accounts.models import User
from pssm.core.management.base import PssmCommand

# Operations on an existing account, for the node operator when no administrator can sign in
# (the only administrator locked out, or their phone lost): the same services as the web.
ACCOUNT_ACTIONS = {
    "deactivate": (services.user_deactivate, "deactivated user {}"),
    "reactivate": (services.user_reactivate, "reactivated user {}"),
    "unlock": (services.user_unlock, "unlocked user {}"),
    "reset-second-factor": (services.second_factor_reset, "reset the second factor of {}"),
}


class Command(PssmCommand):
    help = "Create a user account (roles are granted with `pssm role grant`), or act on one."

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
        for name in ACCOUNT_ACTIONS:
            sub.add_parser(name, help=f"{name} an account").add_argument("username")
        temporary = sub.add_parser(
            "temporary-password", help="set a password the user must change at the next sign-in"
        )
        temporary.add_argument("username")
        temporary.add_argument("--password-env", metavar="VAR")

    def _password(self, options) -> str:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(f"environment variable {options['password_env']} is empty")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("the two passwords differ")
        return password

    def _user(self, username) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def handle(self, *args, **options):
        action = options["action"]
        if action in ACCOUNT_ACTIONS:
            service, done = ACCOUNT_ACTIONS[action]
            user = self._user(options["username"])
            service(actor=self.actor(options), user=user)
            self.stdout.write(done.format(user.username))
            return
        if action == "temporary-password":
            user = self._user(options["username"])
            services.user_set_temporary_password(
                actor=self.actor(options), user=user, password=self._password(options)
            )
            self.stdout.write(f"set a temporary password for {user.username}")
            return
        user = services.user_create(
            actor=self.actor(options),
            username=options["username"],
            password=self._password(options),
            first_name=options["first_name"],
            last_name=options["last_name"],
            rank=options["rank"],
            preferred_language=options["language"],
        )
        self.stdout.write(f"created user {user.username}")
