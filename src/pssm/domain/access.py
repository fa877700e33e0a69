"""Roles, the actions they allow, and how a grant's scope covers a target.

A role is granted on a scope: one site, an organisation, a country, or everywhere. A grant
covers a target when the target lies inside the grant's scope. Which actions a role allows is
policy expressed as data (:data:`ROLE_ACTIONS`); the authorisation module of the application
applies it to every view, API endpoint and command.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STOREKEEPER = "storekeeper"
    SITE_COMMANDER = "site_commander"
    AMMUNITION_TECHNICIAN = "ammunition_technician"
    INSPECTOR = "inspector"
    NATIONAL_AUTHORITY = "national_authority"
    PROGRAMME_VIEWER = "programme_viewer"
    ADMINISTRATOR = "administrator"
    PROGRAMME_STAFF = "programme_staff"  # the regional programme's own staff


class Level(StrEnum):
    GLOBAL = "global"
    COUNTRY = "country"
    ORGANISATION = "organisation"
    SITE = "site"


class Action(StrEnum):
    GEO_VIEW = "geo.view"
    GEO_MANAGE = "geo.manage"  # countries and organisations
    SITE_MANAGE = "site.manage"  # create and edit sites
    BUILDING_MANAGE = "building.manage"  # buildings and storage locations
    SERIALS_VIEW = "serials.view"  # item-level records: serial numbers, lots
    AGGREGATES_VIEW = "aggregates.view"
    JOURNAL_VIEW = "journal.view"
    JOURNAL_VERIFY = "journal.verify"
    ROLES_MANAGE = "roles.manage"
    VOUCHER_PREPARE = "voucher.prepare"
    VOUCHER_APPROVE = "voucher.approve"
    AMMUNITION_MANAGE = "ammunition.manage"  # natures, lots' condition, site plan
    SAFETY_WAIVE = "safety.waive"  # time-limited waiver of an explosives-safety rule
    LOT_SUSPEND = "lot.suspend"  # suspend a lot number wherever it is held, and lift it
    LICENCE_MANAGE = "licence.manage"  # explosives limit licences
    RULES_OVERRIDE = "rules.override"  # national values of the safety rules
    DATA_IMPORT = "data.import"  # load legacy registers and stock lists
    INSPECTION_RECORD = "inspection.record"
    # Approve a write-off or adjustment voucher that settles a discrepancy case; only a grant
    # above the site level counts (domain-rules §4: "approved above the custodian level").
    WRITE_OFF_APPROVE = "writeoff.approve"
    # The regional programme: activities, SOPs, trainings, model installations, indicators.
    PROGRAMME_VIEW = "programme.view"
    PROGRAMME_EDIT = "programme.edit"
    # Synchronisation: make a node, bootstrap a depot, hand a site over, revoke a node,
    # resolve a fork (SYNC_MANAGE); carry bundles and see the sync page (SYNC_RUN).
    SYNC_MANAGE = "sync.manage"
    SYNC_RUN = "sync.run"
    # Record and answer trace requests (ITI §§14-23) and the documents of transfers abroad.
    TRACE_MANAGE = "trace.manage"
    # Sign a national report off on behalf of the state: the national authority only.
    REPORT_SIGN = "report.sign"


_ALL = frozenset(Action)

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.STOREKEEPER: frozenset(
        {Action.GEO_VIEW, Action.SERIALS_VIEW, Action.AGGREGATES_VIEW, Action.VOUCHER_PREPARE}
    ),
    Role.SITE_COMMANDER: frozenset(
        {
            Action.GEO_VIEW,
            Action.BUILDING_MANAGE,
            Action.SERIALS_VIEW,
            Action.AGGREGATES_VIEW,
            Action.JOURNAL_VIEW,
            Action.VOUCHER_PREPARE,
            Action.VOUCHER_APPROVE,
            Action.WRITE_OFF_APPROVE,
            Action.DATA_IMPORT,
            Action.SYNC_RUN,
        }
    ),
    Role.AMMUNITION_TECHNICIAN: frozenset(
        {
            Action.GEO_VIEW,
            Action.BUILDING_MANAGE,
            Action.SERIALS_VIEW,
            Action.AGGREGATES_VIEW,
            Action.AMMUNITION_MANAGE,
            Action.SAFETY_WAIVE,
            Action.LOT_SUSPEND,
            Action.VOUCHER_PREPARE,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Action.GEO_VIEW,
            Action.SERIALS_VIEW,
            Action.AGGREGATES_VIEW,
            Action.JOURNAL_VIEW,
            Action.JOURNAL_VERIFY,
            Action.INSPECTION_RECORD,
        }
    ),
    Role.NATIONAL_AUTHORITY: frozenset(
        {
            Action.GEO_VIEW,
            Action.GEO_MANAGE,
            Action.SITE_MANAGE,
            Action.BUILDING_MANAGE,
            Action.SERIALS_VIEW,
            Action.AGGREGATES_VIEW,
            Action.JOURNAL_VIEW,
            Action.JOURNAL_VERIFY,
            Action.LICENCE_MANAGE,
            Action.RULES_OVERRIDE,
            Action.DATA_IMPORT,
            Action.WRITE_OFF_APPROVE,
            Action.LOT_SUSPEND,
            Action.PROGRAMME_VIEW,
            Action.PROGRAMME_EDIT,
            Action.SYNC_MANAGE,
            Action.SYNC_RUN,
            Action.TRACE_MANAGE,
            Action.REPORT_SIGN,
        }
    ),
    # The programme sees aggregates only: never a serial number, never the journal.
    Role.PROGRAMME_VIEWER: frozenset(
        {Action.GEO_VIEW, Action.AGGREGATES_VIEW, Action.PROGRAMME_VIEW}
    ),
    # The programme's staff edit the programme's records in every country they are granted.
    Role.PROGRAMME_STAFF: frozenset(
        {Action.GEO_VIEW, Action.AGGREGATES_VIEW, Action.PROGRAMME_VIEW, Action.PROGRAMME_EDIT}
    ),
    Role.ADMINISTRATOR: _ALL
    - {
        Action.VOUCHER_APPROVE,
        Action.INSPECTION_RECORD,
        Action.SAFETY_WAIVE,
        Action.WRITE_OFF_APPROVE,
        Action.REPORT_SIGN,
    },
}


@dataclass(frozen=True)
class Scope:
    """Where a thing lies. Empty strings mean 'not below this level'."""

    country: str = ""
    organisation: str = ""
    site: str = ""

    @property
    def level(self) -> Level:
        if self.site:
            return Level.SITE
        if self.organisation:
            return Level.ORGANISATION
        if self.country:
            return Level.COUNTRY
        return Level.GLOBAL


@dataclass(frozen=True)
class Grant:
    """A role on a scope. ``key`` is the code of the scope object at ``level``."""

    role: Role
    level: Level
    key: str = ""


def grant_covers(grant: Grant, target: Scope) -> bool:
    """Whether ``target`` lies inside the grant's scope."""
    if grant.level is Level.GLOBAL:
        return True
    if grant.level is Level.COUNTRY:
        return bool(target.country) and target.country == grant.key
    if grant.level is Level.ORGANISATION:
        return bool(target.organisation) and target.organisation == grant.key
    return bool(target.site) and target.site == grant.key


def allows(grants: Iterable[Grant], action: Action, target: Scope) -> bool:
    """Whether any grant both allows ``action`` and covers ``target``."""
    return any(action in ROLE_ACTIONS[g.role] and grant_covers(g, target) for g in grants)


def allows_above_site(grants: Iterable[Grant], action: Action, target: Scope) -> bool:
    """Like :func:`allows`, counting only grants held above the site level (organisation,
    country or everywhere): a site's own commander does not settle the site's own gaps."""
    return allows([g for g in grants if g.level is not Level.SITE], action, target)


@dataclass(frozen=True)
class Reach:
    """Everything an action may touch, for filtering lists."""

    everywhere: bool
    countries: frozenset[str]
    organisations: frozenset[str]
    sites: frozenset[str]

    @property
    def empty(self) -> bool:
        return not (self.everywhere or self.countries or self.organisations or self.sites)


def reach(grants: Iterable[Grant], action: Action) -> Reach:
    """The union of the scopes of the grants that allow ``action``."""
    countries, organisations, sites = set(), set(), set()
    everywhere = False
    for g in grants:
        if action not in ROLE_ACTIONS[g.role]:
            continue
        if g.level is Level.GLOBAL:
            everywhere = True
        elif g.level is Level.COUNTRY:
            countries.add(g.key)
        elif g.level is Level.ORGANISATION:
            organisations.add(g.key)
        else:
            sites.add(g.key)
    return Reach(everywhere, frozenset(countries), frozenset(organisations), frozenset(sites))
