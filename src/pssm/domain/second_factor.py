"""Who may, and who must, sign in with a second factor (a TOTP code after the password).

The accounts that can approve a movement, the national authorities and the administrators
(who grant every other role) may enrol. A country can make it compulsory: then each of those
accounts holding such a role inside that country must enrol before doing anything else.
"""

from __future__ import annotations

from collections.abc import Iterable

from .access import ROLE_ACTIONS, Action, Role

SECOND_FACTOR_ROLES = frozenset(
    {r for r, actions in ROLE_ACTIONS.items() if Action.VOUCHER_APPROVE in actions}
    | {Role.NATIONAL_AUTHORITY, Role.ADMINISTRATOR}
)


def may_enrol(roles: Iterable[Role]) -> bool:
    """Whether a user holding ``roles`` may enrol a second factor."""
    return any(role in SECOND_FACTOR_ROLES for role in roles)


def is_required(held: Iterable[tuple[Role, str]], requiring: Iterable[str]) -> bool:
    """Whether a second factor is compulsory for a user holding ``held`` (pairs of a role and
    the code of the country its scope lies in, "" for a grant everywhere), given the codes of
    the countries that make it compulsory."""
    requiring = frozenset(requiring)
    return any(role in SECOND_FACTOR_ROLES and country in requiring for role, country in held)
