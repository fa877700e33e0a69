"""Granting and revoking roles: scoped to the administrator's reach, journaled."""

import pytest
from django.urls import reverse

from pssm.accounts import services
from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry


def test_country_administrator_grants_inside_the_country_only(make, two_sites):
    ng = make.country("NG", "Nigeria", "en")
    ng_site = make.site(make.organisation(ng, code="ARMY"), code="KAD")
    admin = make.user("administrator", two_sites["country"])
    target = make.user()

    grant = services.role_grant(
        actor=admin, user=target, role="storekeeper", level="site", site=two_sites["a"]
    )
    with pytest.raises(PermissionDeniedError):
        services.role_grant(
            actor=admin, user=target, role="storekeeper", level="site", site=ng_site
        )
    with pytest.raises(PermissionDeniedError):
        services.role_grant(actor=admin, user=target, role="administrator", level="global")

    assert grant.scope_key == "ML-SITEA"
    assert target.grants.count() == 1


def test_duplicate_grant_is_a_conflict_and_changes_nothing(make, two_sites):
    user = make.user("storekeeper", two_sites["a"])
    before = JournalEntry.objects.count()

    with pytest.raises(ConflictError):
        services.role_grant(
            actor=make.actor, user=user, role="storekeeper", level="site", site=two_sites["a"]
        )

    assert JournalEntry.objects.count() == before and user.grants.count() == 1


def test_grant_without_its_scope_object_is_invalid(make):
    user = make.user()

    with pytest.raises(ValidationError) as exc:
        services.role_grant(actor=make.actor, user=user, role="inspector", level="country")

    assert "country" in exc.value.details


def test_revoked_role_no_longer_opens_the_site(make, two_sites, client):
    user = make.user("storekeeper", two_sites["a"])
    client.force_login(user)
    url = reverse("sites:site_detail", args=[two_sites["a"].code])
    assert client.get(url).status_code == 200

    services.role_revoke(actor=make.actor, grant=user.grants.get())

    assert client.get(url).status_code in {403, 404}
    assert JournalEntry.objects.filter(kind="role.revoked").count() == 1


def test_user_page_grants_a_role_by_scope_code(make, two_sites, client):
    admin = make.user("administrator")
    target = make.user(username="newcomer")
    client.force_login(admin)

    resp = client.post(
        reverse("accounts:user_detail", args=["newcomer"]),
        {"role": "inspector", "level": "site", "scope_code": "ml-sitea"},
    )
    unknown = client.post(
        reverse("accounts:user_detail", args=["newcomer"]),
        {"role": "inspector", "level": "site", "scope_code": "ML-NOPE"},
    )

    assert resp.status_code == 302
    assert target.grants.get().site == two_sites["a"]
    assert unknown.status_code == 200 and "ML-NOPE" in unknown.content.decode()


def test_cli_grants_a_role(make, two_sites, capsys):
    from django.core.management import call_command

    make.user(username="cliuser")

    call_command("role", "grant", "cliuser", "site_commander", "site", "ML-SITEA")
    call_command("role", "list", "cliuser")

    assert "site_commander site ML-SITEA" in capsys.readouterr().out
