"""Roles, scopes and coverage (pssm.domain.access)."""

from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.access import (
    ROLE_ACTIONS,
    Action,
    Grant,
    Level,
    Role,
    Scope,
    allows,
    grant_covers,
    reach,
)

SITE_A = Scope("ML", "ML-GN", "ML-KTI")
SITE_B = Scope("ML", "ML-FAMA", "ML-SEG")
SITE_OTHER_COUNTRY = Scope("NG", "NG-ARMY", "NG-KAD")


def test_site_grant_covers_its_site_only():
    grant = Grant(Role.STOREKEEPER, Level.SITE, "ML-KTI")

    assert grant_covers(grant, SITE_A)
    assert not grant_covers(grant, SITE_B)
    assert not grant_covers(grant, Scope("ML", "ML-GN"))  # not the organisation itself


def test_organisation_grant_covers_its_sites_and_itself():
    grant = Grant(Role.SITE_COMMANDER, Level.ORGANISATION, "ML-GN")

    assert grant_covers(grant, SITE_A)
    assert grant_covers(grant, Scope("ML", "ML-GN"))
    assert not grant_covers(grant, SITE_B)
    assert not grant_covers(grant, Scope("ML"))


def test_country_grant_stays_in_its_country():
    grant = Grant(Role.INSPECTOR, Level.COUNTRY, "ML")

    assert grant_covers(grant, SITE_A) and grant_covers(grant, SITE_B)
    assert not grant_covers(grant, SITE_OTHER_COUNTRY)
    assert not grant_covers(grant, Scope())


def test_global_grant_covers_everything_including_global_targets():
    grant = Grant(Role.ADMINISTRATOR, Level.GLOBAL)

    assert all(grant_covers(grant, s) for s in (SITE_A, SITE_OTHER_COUNTRY, Scope()))


def test_programme_viewer_never_sees_serials_nor_the_journal():
    grants = [Grant(Role.PROGRAMME_VIEWER, Level.GLOBAL)]

    assert allows(grants, Action.AGGREGATES_VIEW, SITE_A)
    assert not allows(grants, Action.SERIALS_VIEW, SITE_A)
    assert not allows(grants, Action.JOURNAL_VIEW, SITE_A)


def test_storekeeper_cannot_approve_and_administrator_cannot_approve_either():
    assert Action.VOUCHER_APPROVE not in ROLE_ACTIONS[Role.STOREKEEPER]
    assert Action.VOUCHER_APPROVE not in ROLE_ACTIONS[Role.ADMINISTRATOR]
    assert Action.VOUCHER_APPROVE in ROLE_ACTIONS[Role.SITE_COMMANDER]


def test_every_role_has_actions():
    assert set(ROLE_ACTIONS) == set(Role)
    assert all(ROLE_ACTIONS[r] for r in Role)


codes = st.sampled_from(["ML", "NG", "TD"])
scopes = st.builds(
    lambda c, o, s: Scope(c, f"{c}-{o}" if o else "", f"{c}-{s}" if o and s else ""),
    codes,
    st.sampled_from(["", "GN", "ARMY"]),
    st.sampled_from(["", "KTI", "SEG"]),
)
grants = st.builds(
    lambda role, level, scope: Grant(
        role,
        level,
        {
            Level.GLOBAL: "",
            Level.COUNTRY: scope.country,
            Level.ORGANISATION: scope.organisation,
            Level.SITE: scope.site,
        }[level],
    ),
    st.sampled_from(list(Role)),
    st.sampled_from(list(Level)),
    scopes,
)


@given(st.lists(grants, max_size=5), st.sampled_from(list(Action)), scopes)
def test_reach_agrees_with_allows(gs, action, target):
    r = reach(gs, action)
    via_reach = (
        r.everywhere
        or (bool(target.country) and target.country in r.countries)
        or (bool(target.organisation) and target.organisation in r.organisations)
        or (bool(target.site) and target.site in r.sites)
    )

    assert via_reach == allows(gs, action, target)


@given(grants, scopes)
def test_a_site_level_grant_never_covers_another_site(grant, target):
    if grant.level is Level.SITE and target.site and target.site != grant.key:
        assert not grant_covers(grant, target)
