"""Accounts in operation: deactivation, unlocking a locked-out user, temporary passwords, the
lock-out page; each by an administrator who manages the account, each journaled."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from pssm.accounts import services
from pssm.accounts.models import User
from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from tests.conftest import PASSWORD

TEMPORARY = "temporary-pass-2026"


@pytest.fixture
def site(make):
    return make.site(code="KTI")


@pytest.fixture
def keeper(make, site):
    return make.user("storekeeper", site, username="keeper")


@pytest.fixture
def admin(make):
    return make.user("administrator", make.country(), username="admin")


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_administrator_deactivates_and_reactivates_an_account(client, admin, keeper):
    AuthToken.objects.create(user=keeper)
    client.force_login(admin)
    page = client.get(reverse("accounts:user_detail", args=["keeper"])).content.decode()

    off = client.post(reverse("accounts:user_deactivate", args=["keeper"]))
    client.logout()
    refused = login(client, "keeper", PASSWORD)
    services.user_reactivate(actor=admin, user=User.objects.get(username="keeper"))
    accepted = login(client, "keeper", PASSWORD)

    assert 'id="deactivate"' in page and "data-confirm" in page
    assert off.status_code == 302
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session
    assert accepted.status_code == 302
    assert not AuthToken.objects.filter(user=keeper).exists()
    entry = JournalEntry.objects.get(kind="user.deactivated")
    assert entry.actor == "admin" and entry.payload_data["tokens_revoked"] == 1
    assert JournalEntry.objects.filter(kind="user.reactivated").count() == 1


def test_a_deactivated_users_session_ends(client, admin, keeper):
    client.force_login(keeper)

    services.user_deactivate(actor=admin, user=keeper)

    assert client.get(reverse("core:dashboard")).status_code == 302


def test_deactivating_twice_or_oneself_changes_nothing(admin, keeper):
    services.user_deactivate(actor=admin, user=keeper)
    before = JournalEntry.objects.count()

    with pytest.raises(ConflictError):
        services.user_deactivate(actor=admin, user=User.objects.get(pk=keeper.pk))
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=admin, user=admin)

    assert JournalEntry.objects.count() == before
    assert User.objects.get(pk=admin.pk).is_active


def test_a_site_administrator_cannot_act_on_an_account_with_roles_beyond_the_site(
    make, client, site
):
    site_admin = make.user("administrator", site, username="siteadmin")
    authority = make.user("national_authority", make.country(), username="authority")
    services.role_grant(
        actor=make.actor, user=authority, role="storekeeper", level="site", site=site
    )
    keeper = make.user("storekeeper", site, username="keeper")
    before = JournalEntry.objects.count()
    client.force_login(site_admin)

    with pytest.raises(PermissionDeniedError):
        services.user_deactivate(actor=site_admin, user=authority)
    with pytest.raises(PermissionDeniedError):
        services.user_set_temporary_password(actor=site_admin, user=authority, password=TEMPORARY)
    by_page = client.post(reverse("accounts:user_deactivate", args=["authority"]))
    page = client.get(reverse("accounts:user_detail", args=["authority"])).content.decode()
    allowed = client.post(reverse("accounts:user_deactivate", args=["keeper"]))

    assert by_page.status_code == 403 and 'id="deactivate"' not in page
    assert User.objects.get(pk=authority.pk).is_active
    assert allowed.status_code == 302 and not User.objects.get(pk=keeper.pk).is_active
    assert JournalEntry.objects.count() == before + 1


def test_a_storekeeper_cannot_deactivate_anyone(make, client, site, keeper):
    other = make.user("storekeeper", site, username="other")
    client.force_login(keeper)

    resp = client.post(reverse("accounts:user_deactivate", args=["other"]))

    assert resp.status_code in {403, 404}
    assert User.objects.get(pk=other.pk).is_active


def test_administrator_unlocks_a_locked_out_user(client, admin, keeper, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "keeper", "wrong-password")
    assert login(client, "keeper", PASSWORD).status_code == 429
    client.force_login(admin)
    page = client.get(reverse("accounts:user_detail", args=["keeper"])).content.decode()

    resp = client.post(reverse("accounts:user_unlock", args=["keeper"]))
    client.logout()

    assert 'id="unlock"' in page
    assert resp.status_code == 302
    assert login(client, "keeper", PASSWORD).status_code == 302
    entry = JournalEntry.objects.get(kind="user.unlocked")
    assert entry.actor == "admin" and entry.payload_data["records_cleared"] >= 1


def test_unlocking_an_account_that_is_not_locked_is_a_conflict(admin, keeper):
    with pytest.raises(ConflictError):
        services.user_unlock(actor=admin, user=keeper)

    assert not JournalEntry.objects.filter(kind="user.unlocked").exists()


def test_lockout_page_names_who_to_contact(client, keeper, settings):
    settings.PSSM_SUPPORT_CONTACT = "Commission nationale, +223 20 00 00 00"
    client.cookies["pssm_language"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "keeper", "wrong-password")

    body = login(client, "keeper", PASSWORD).content.decode()

    assert "Commission nationale, +223 20 00 00 00" in body
    assert "site commander or your national administrator" in body
    assert "15 minutes" in body


def test_lockout_page_without_a_contact_still_says_who_can_unlock(client, keeper, settings):
    settings.PSSM_SUPPORT_CONTACT = ""
    client.cookies["pssm_language"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "keeper", "wrong-password")

    body = login(client, "keeper", PASSWORD).content.decode()

    assert "Contact:" not in body
    assert "ask your site commander or your national administrator" in body


def test_temporary_password_must_be_changed_at_the_next_sign_in(client, api_client, admin, keeper):
    AuthToken.objects.create(user=keeper)
    client.force_login(admin)
    client.post(
        reverse("accounts:user_temporary_password", args=["keeper"]),
        {"password": TEMPORARY, "password_again": TEMPORARY},
    )
    client.logout()

    signed_in = login(client, "keeper", TEMPORARY)
    dashboard = client.get(reverse("core:dashboard"))
    sites = client.get(reverse("sites:site_list"))
    api = client.get("/api/v1/me/")
    form = client.get(reverse("accounts:password_change"))
    new = "my-own-passphrase-2026"
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEMPORARY, "new_password": new, "new_password_again": new},
    )

    assert signed_in.status_code == 302
    assert dashboard.status_code == 302 and dashboard.url.startswith(
        reverse("accounts:password_change")
    )
    assert sites.status_code == 302
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert set(api.json()) == {"code", "message", "details"}
    assert form.status_code == 200
    assert changed.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert not User.objects.get(pk=keeper.pk).password_change_required
    assert not AuthToken.objects.filter(user=keeper).exists()
    entry = JournalEntry.objects.get(kind="user.temporary_password_set")
    assert entry.actor == "admin" and entry.payload_data["tokens_revoked"] == 1


def test_a_user_with_a_temporary_password_can_sign_out(client, admin, keeper):
    services.user_set_temporary_password(actor=admin, user=keeper, password=TEMPORARY)
    login(client, "keeper", TEMPORARY)

    resp = client.post(reverse("accounts:logout"))

    assert resp.status_code == 302 and "_auth_user_id" not in client.session


def test_temporary_password_blocks_the_api_token_too(api_client, admin, keeper):
    services.user_set_temporary_password(actor=admin, user=keeper, password=TEMPORARY)
    _, old_style = AuthToken.objects.create(user=keeper)

    asked = api_client.post(
        "/api/v1/auth/token/", {"username": "keeper", "password": TEMPORARY}, format="json"
    )
    used = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old_style}")

    assert asked.status_code == 403 and asked.json()["code"] == "password_change_required"
    assert used.status_code == 403 and used.json()["code"] == "password_change_required"


def test_a_weak_temporary_password_is_refused_and_changes_nothing(client, admin, keeper):
    before = JournalEntry.objects.count()
    client.force_login(admin)

    resp = client.post(
        reverse("accounts:user_temporary_password", args=["keeper"]),
        {"password": "123", "password_again": "123"},
    )

    assert resp.status_code == 200 and 'class="errorlist"' in resp.content.decode()
    keeper.refresh_from_db()
    assert keeper.check_password(PASSWORD) and not keeper.password_change_required
    assert JournalEntry.objects.count() == before


def test_the_temporary_password_cannot_be_kept(admin, keeper):
    services.user_set_temporary_password(actor=admin, user=keeper, password=TEMPORARY)

    with pytest.raises(ValidationError) as exc:
        services.user_change_password(
            actor=keeper, user=keeper, old_password=TEMPORARY, new_password=TEMPORARY
        )

    assert "new_password" in exc.value.details
    assert User.objects.get(pk=keeper.pk).password_change_required


def test_the_node_operator_unlocks_and_resets_from_the_console(client, keeper, settings):
    from django.core.management import call_command

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "keeper", "wrong-password")

    call_command("user", "unlock", "keeper")
    call_command("user", "deactivate", "keeper")

    assert JournalEntry.objects.get(kind="user.unlocked").actor == "system:cli"
    assert not User.objects.get(pk=keeper.pk).is_active
