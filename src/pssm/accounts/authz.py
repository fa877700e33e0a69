"""The one authorisation module: every view, API endpoint and command asks it.

Gates:
- :func:`can` answers whether a user may do an action on a target (bool);
- :func:`check` raises :class:`NotAuthenticatedError` or :class:`PermissionDeniedError`;
- :func:`scoped` filters a queryset to what the user may see for an action;
- :func:`reach_of` gives the raw reach for selectors that need it.

A target is anything with a ``scope`` attribute (a :class:`~pssm.domain.access.Scope`), a
``Scope`` itself, or ``None`` for things that belong to no country (only a global grant
covers them). The rules themselves are in :mod:`pssm.domain.access`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pssm.domain import access
from pssm.domain.access import Action, Grant, Level, Reach, Role, Scope
from pssm.domain.errors import NotAuthenticatedError, PermissionDeniedError, gettext_noop


class SystemActor:
    """The operator of a node at its console (``pssm`` commands run without ``--as``).

    Shell access to the server already gives full control of the database, so the operator
    may do everything; what they do is journaled under this actor's name.
    """

    is_authenticated = True
    is_active = True
    is_system = True
    pk = None

    def __init__(self, name: str = "system"):
        self.username = name

    def __str__(self):
        return self.username


def _grants(user) -> tuple[Grant, ...]:
    cached = getattr(user, "_pssm_grants", None)
    if cached is not None:
        return cached
    from django.db import connection

    # Asked on every request: one plain query, no model instances (the ORM's compilation of
    # the four-table join cost more than the query itself).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.role, g.level, COALESCE(s.code, o.code, c.code, '') "
            "FROM accounts_rolegrant g "
            "LEFT JOIN sites_site s ON s.id = g.site_id "
            "LEFT JOIN sites_organisation o ON o.id = g.organisation_id "
            "LEFT JOIN sites_country c ON c.id = g.country_id "
            "WHERE g.user_id = %s AND g.revoked_at IS NULL",
            [user.pk],
        )
        rows = cursor.fetchall()
    grants = tuple(Grant(Role(role), Level(level), key) for role, level, key in rows)
    user._pssm_grants = grants
    return grants


def forget(user) -> None:
    """Drop the cached grants of ``user`` (after a grant or a revocation)."""
    if hasattr(user, "_pssm_grants"):
        del user._pssm_grants


def roles_of(user) -> set[Role]:
    if not _active(user) or getattr(user, "is_system", False):
        return set()
    return {g.role for g in _grants(user)}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _scope_of(target) -> Scope:
    if target is None:
        return Scope()
    if isinstance(target, Scope):
        return target
    return target.scope


def can(user, action: Action, target=None) -> bool:
    if not _active(user):
        return False
    if getattr(user, "is_system", False):
        return True
    return access.allows(_grants(user), action, _scope_of(target))


def can_anywhere(user, action: Action) -> bool:
    """Whether the user may do ``action`` somewhere (to show a menu entry, say)."""
    if not _active(user):
        return False
    if getattr(user, "is_system", False):
        return True
    return not access.reach(_grants(user), action).empty


def check(user, action: Action, target=None) -> None:
    if not _active(user):
        raise NotAuthenticatedError()
    if not can(user, action, target):
        raise PermissionDeniedError(
            gettext_noop("You are not allowed to do this here."),
            details={"action": str(action)},
        )


def can_above_site(user, action: Action, target) -> bool:
    """Whether a grant above the site level allows ``action`` on ``target``."""
    if not _active(user):
        return False
    if getattr(user, "is_system", False):
        return True
    return access.allows_above_site(_grants(user), action, _scope_of(target))


def check_above_site(user, action: Action, target) -> None:
    if not _active(user):
        raise NotAuthenticatedError()
    if not can_above_site(user, action, target):
        raise PermissionDeniedError(
            gettext_noop("This needs an approver above the site level (organisation or national)."),
            details={"action": str(action)},
            code="above_site",
        )


def check_anywhere(user, action: Action) -> None:
    if not _active(user):
        raise NotAuthenticatedError()
    if not can_anywhere(user, action):
        raise PermissionDeniedError(details={"action": str(action)})


def reach_of(user, action: Action) -> Reach:
    if not _active(user):
        return Reach(False, frozenset(), frozenset(), frozenset())
    if getattr(user, "is_system", False):
        return Reach(True, frozenset(), frozenset(), frozenset())
    return access.reach(_grants(user), action)


def scoped(user, action: Action, queryset: QuerySet, paths: dict[str, str] | None = None):
    """Filter ``queryset`` to the rows whose scope the user's grants for ``action`` cover.

    ``paths`` maps ``country``, ``organisation`` and ``site`` to the lookups that reach the
    codes of those levels from the queryset's model; by default the model's ``SCOPE_PATHS``.
    """
    paths = paths or queryset.model.SCOPE_PATHS
    r = reach_of(user, action)
    if r.everywhere:
        return queryset
    condition = Q(pk__in=[])
    if r.countries:
        condition |= Q(**{f"{paths['country']}__in": sorted(r.countries)})
    if r.organisations:
        condition |= Q(**{f"{paths['organisation']}__in": sorted(r.organisations)})
    if r.sites:
        condition |= Q(**{f"{paths['site']}__in": sorted(r.sites)})
    return queryset.filter(condition)


def _account_scopes(target) -> list[Scope]:
    from .models import RoleGrant

    grants = RoleGrant.objects.filter(user_id=target.pk, revoked_at__isnull=True).select_related(
        "site__organisation__country", "organisation__country", "country"
    )
    return [g.scope for g in grants] or [Scope()]


def can_user_manage(actor, target) -> bool:
    """Whether ``actor`` may act on ``target``'s account (deactivate, unlock, set a temporary
    password, reset the second factor, revoke tokens): their role management must cover every
    role ``target`` holds, so a site administrator cannot lock out a national authority who
    also holds a role at the site; an account with no role needs a global administrator."""
    if not can_anywhere(actor, Action.ROLES_MANAGE):
        return False
    return all(can(actor, Action.ROLES_MANAGE, s) for s in _account_scopes(target))


def check_user_manage(actor, target) -> None:
    if not _active(actor):
        raise NotAuthenticatedError()
    if not can_user_manage(actor, target):
        raise PermissionDeniedError(
            gettext_noop("You are not allowed to manage this account."),
            details={"action": str(Action.ROLES_MANAGE)},
        )
