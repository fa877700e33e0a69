"""Signing in and out, throttled failures, expired sessions, password change, tokens."""

import pytest
from django.urls import reverse

from pssm.journal.models import JournalEntry
from tests.conftest import PASSWORD


@pytest.fixture
def keeper(make):
    return make.user("storekeeper", make.site(code="KTI"), username="keeper")


def login(client, username, password, language=None):
    if language:
        client.cookies["pssm_language"] = language
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_production_settings_hash_passwords_with_argon2():
    from pssm.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_stored_password_is_argon2_when_that_hasher_is_first(make, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    user = make.user(username="argon")

    assert user.password.startswith("argon2")


def test_login_then_dashboard_then_logout(client, keeper):
    resp = login(client, "keeper", PASSWORD)

    assert resp.status_code == 302 and resp.url == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_logout_by_get_is_refused(client, keeper):
    client.force_login(keeper)

    assert client.get(reverse("accounts:logout")).status_code == 405


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Nom d'utilisateur ou mot de passe incorrect"), ("en", "Wrong user name or password")],
)
def test_wrong_password_gets_a_translated_message(client, keeper, language, expected):
    resp = login(client, "keeper", "not-the-password", language)

    assert resp.status_code == 200
    assert expected in resp.content.decode().replace("&#x27;", "'")
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, keeper, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "keeper", "wrong-password")

    resp = login(client, "keeper", PASSWORD, "en")

    assert resp.status_code == 429
    assert "Too many failed attempts" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_session_sends_back_to_login(client, keeper):
    client.force_login(keeper)
    client.session.set_expiry(-1)
    session = client.session
    session.set_expiry(-1)
    session.save()

    resp = client.get(reverse("sites:site_list"))

    assert resp.status_code == 302 and reverse("accounts:login") in resp.url


def test_password_change_needs_the_current_password_and_is_journaled(client, keeper):
    client.force_login(keeper)
    url = reverse("accounts:password_change")
    new = "a-much-better-passphrase-7"

    wrong = client.post(
        url, {"old_password": "nope", "new_password": new, "new_password_again": new}
    )
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password": "123", "new_password_again": "123"}
    )
    ok = client.post(
        url, {"old_password": PASSWORD, "new_password": new, "new_password_again": new}
    )

    assert wrong.status_code == 200 and weak.status_code == 200
    assert ok.status_code == 302
    keeper.refresh_from_db()
    assert keeper.check_password(new)
    assert JournalEntry.objects.filter(kind="user.password_changed").count() == 1


def test_api_token_for_good_credentials_and_error_body_for_bad(api_client, keeper):
    good = api_client.post(
        "/api/v1/auth/token/", {"username": "keeper", "password": PASSWORD}, format="json"
    )
    bad = api_client.post(
        "/api/v1/auth/token/",
        {"username": "keeper", "password": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert good.status_code == 200 and len(good.json()["token"]) == 64
    assert bad.status_code == 401
    assert bad.json() == {
        "code": "not_authenticated",
        "message": "Wrong user name or password.",
        "details": {},
    }


def test_api_token_is_throttled_after_repeated_failures(api_client, keeper, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            "/api/v1/auth/token/", {"username": "keeper", "password": "x"}, format="json"
        )

    resp = api_client.post(
        "/api/v1/auth/token/", {"username": "keeper", "password": PASSWORD}, format="json"
    )

    assert resp.status_code == 429 and resp.json()["code"] == "locked"


def test_token_authenticates_api_calls(api_client, keeper):
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "keeper", "password": PASSWORD}, format="json"
    ).json()["token"]

    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    anonymous = api_client.get("/api/v1/me/")

    assert me.status_code == 200 and me.json()["username"] == "keeper"
    assert "serials.view" in me.json()["actions"]
    assert anonymous.status_code in {401, 403}
    assert set(anonymous.json()) == {"code", "message", "details"}
