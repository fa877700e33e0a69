"""The ``pssm`` console command: PSSM's own commands first, then every Django command."""

from __future__ import annotations

import os
import sys

OWN_COMMANDS = [
    ("demo", "Load the demonstration data (a francophone country, sites, users). Safe to re-run."),
    ("journal", "Verify the tamper-evident journal (`pssm journal verify`) or list entries."),
    ("trace", "Find a weapon by serial, even mistyped (`pssm trace SERIAL [--json]`)."),
    (
        "report",
        "A national report: `pssm report poa|att|unroca|regional|stock --country ML --year 2026`.",
    ),
    ("voucher", "Prepare, submit, approve, cancel, reverse or show a voucher (`--as USER`)."),
    ("user", "Create a user account (`pssm user create NAME`)."),
    ("role", "Grant, revoke or list a user's roles on a site, organisation or country."),
    ("programme", "The regional evaluation report or the IATI export (`pssm programme iati`)."),
    ("runserver", "Serve the web interface and the API (development server)."),
    ("migrate", "Create or update the database tables."),
]

USAGE = """PSSM: physical security and stockpile management of arms and ammunition.

Usage: pssm COMMAND [options]      (pssm help COMMAND for a command's options)

PSSM commands:
{own}

Configuration comes from environment variables: DATABASE_URL, PSSM_SECRET_KEY,
PSSM_ALLOWED_HOSTS, PSSM_DEFAULT_LANGUAGE, PSSM_NODE_ID (see the README).

Every Django management command is also available:
{django}
"""


def _setup_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")


def _django_commands() -> str:
    import django
    from django.core.management import get_commands

    django.setup()
    own = {name for name, _ in OWN_COMMANDS}
    names = sorted(n for n in get_commands() if n not in own)
    lines, line = [], "  "
    for name in names:
        if len(line) + len(name) + 1 > 78:
            lines.append(line.rstrip())
            line = "  "
        line += name + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def usage() -> str:
    own = "\n".join(f"  {name:<10} {text}" for name, text in OWN_COMMANDS)
    return USAGE.format(own=own, django=_django_commands())


def main(argv: list[str] | None = None) -> int:
    _setup_env()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"} and len(args) == 1:
        print(usage())
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pssm", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
