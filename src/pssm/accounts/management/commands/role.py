from django.core.management.base import CommandError

from pssm.accounts import services
from pssm.accounts.models import RoleGrant, User
from pssm.core.management.base import PssmCommand
from pssm.domain.access import Level, Role
from pssm.sites.models import Country, Organisation, Site


def _scope_kwargs(level: str, code: str | None) -> dict:
    if level == Level.GLOBAL:
        return {}
    if not code:
        raise CommandError(f"--{level} CODE is required for a {level} grant")
    model = {"country": Country, "organisation": Organisation, "site": Site}[level]
    obj = model.objects.filter(code=code.upper()).first()
    if obj is None:
        raise CommandError(f"no {level} with code {code!r}")
    return {level: obj}


class Command(PssmCommand):
    help = "Grant, revoke or list roles on a site, an organisation, a country or everywhere."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name} a role")
            p.add_argument("username")
            p.add_argument("role", choices=[r.value for r in Role])
            p.add_argument("level", choices=[lv.value for lv in Level])
            p.add_argument("code", nargs="?", help="code of the site, organisation or country")
        listing = sub.add_parser("list", help="list the active roles of a user")
        listing.add_argument("username")

    def handle(self, *args, **options):
        actor = self.actor(options)
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if options["action"] == "list":
            for g in user.grants.filter(revoked_at__isnull=True):
                self.stdout.write(f"{g.role} {g.level} {g.scope_key}")
            return
        scope = _scope_kwargs(options["level"], options.get("code"))
        if options["action"] == "grant":
            services.role_grant(
                actor=actor, user=user, role=options["role"], level=options["level"], **scope
            )
            self.stdout.write(f"granted {options['role']} to {user.username}")
            return
        grant = RoleGrant.objects.filter(
            user=user,
            role=options["role"],
            level=options["level"],
            revoked_at__isnull=True,
            **scope,
        ).first()
        if grant is None:
            raise CommandError("no such active grant")
        services.role_revoke(actor=actor, grant=grant)
        self.stdout.write(f"revoked {options['role']} from {user.username}")
