"""API tokens (django-rest-knox): hashed at rest, expiring, one per sign-in, listed and
revoked by their user or an administrator, all revoked by a password change."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from pssm.accounts import services
from pssm.journal.models import JournalEntry
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def keeper(make):
    return make.user("storekeeper", make.site(code="KTI"), username="keeper")


def sign_in(api_client, username="keeper", password=PASSWORD, **extra):
    return api_client.post(
        TOKEN_URL, {"username": username, "password": password, **extra}, format="json"
    )


def me(api_client, token, **headers):
    return api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}", **headers)


def test_each_sign_in_gives_a_new_token_with_its_expiry(api_client, keeper):
    first, second = sign_in(api_client), sign_in(api_client)

    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"]
    assert me(api_client, first.json()["token"]).status_code == 200
    assert me(api_client, second.json()["token"]).status_code == 200
    expiry = AuthToken.objects.filter(user=keeper).latest("created").expiry
    assert abs(expiry - (timezone.now() + timedelta(hours=24))) < timedelta(minutes=1)
    assert second.json()["expiry"].startswith(expiry.strftime("%Y-%m-%dT%H:%M"))
    assert JournalEntry.objects.filter(kind="user.token_issued").count() == 2


def test_token_lifetime_is_a_setting(api_client, keeper, settings):
    settings.PSSM_API_TOKEN_HOURS = 2

    sign_in(api_client)

    expiry = AuthToken.objects.get(user=keeper).expiry
    assert abs(expiry - (timezone.now() + timedelta(hours=2))) < timedelta(minutes=1)


def test_the_database_holds_a_hash_of_the_token_not_the_token(api_client, keeper):
    token = sign_in(api_client).json()["token"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        rows = cursor.fetchall()

    assert len(rows) == 1
    assert not any(token in str(value) for value in rows[0])
    stored = AuthToken.objects.get()
    assert stored.digest == hash_token(token) and len(stored.token_key) < len(token) // 4
    entry = JournalEntry.objects.get(kind="user.token_issued")
    assert token not in entry.payload and token[:15] not in entry.payload


def test_an_expired_token_is_refused(api_client, keeper):
    token = sign_in(api_client).json()["token"]
    AuthToken.objects.filter(user=keeper).update(expiry=timezone.now() - timedelta(seconds=1))

    resp = me(api_client, token)

    assert resp.status_code in {401, 403}
    assert resp.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=keeper).exists()


def test_user_lists_and_revokes_their_own_token_through_the_api(api_client, keeper):
    kept, revoked = sign_in(api_client).json()["token"], sign_in(api_client).json()["token"]
    listed = api_client.get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Token {kept}").json()
    target = AuthToken.objects.get(digest=hash_token(revoked))

    resp = api_client.delete(
        f"/api/v1/auth/tokens/{target.digest}/", HTTP_AUTHORIZATION=f"Token {kept}"
    )

    assert len(listed) == 2 and {t["starts_with"] for t in listed} == {kept[:8], revoked[:8]}
    assert resp.status_code == 204
    assert me(api_client, revoked).json()["code"] == "authentication_failed"
    assert me(api_client, kept).status_code == 200
    entry = JournalEntry.objects.get(kind="user.token_revoked")
    assert entry.payload_data["username"] == "keeper" and entry.actor == "keeper"


def test_user_revokes_a_token_from_the_profile_page(client, api_client, keeper):
    token = sign_in(api_client).json()["token"]
    stored = AuthToken.objects.get()
    client.force_login(keeper)

    page = client.get(reverse("accounts:profile"))
    resp = client.post(reverse("accounts:token_revoke", args=[stored.digest]))

    assert token[:8] in page.content.decode() and 'data-confirm="' in page.content.decode()
    assert resp.status_code == 302
    assert not AuthToken.objects.exists()
    assert me(api_client, token).json()["code"] == "authentication_failed"
    assert client.get(reverse("accounts:token_revoke", args=[stored.digest])).status_code == 405


def test_a_user_cannot_revoke_another_users_token(make, api_client, client, keeper):
    other = make.user("storekeeper", keeper.grants.get().site, username="other")
    victim = sign_in(api_client).json()["token"]
    stored = AuthToken.objects.get(user=keeper)
    own = sign_in(api_client, "other").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {own}"}

    by_own_path = api_client.delete(f"/api/v1/auth/tokens/{stored.digest}/", **auth)
    by_user_path = api_client.delete(f"/api/v1/users/keeper/tokens/{stored.digest}/", **auth)
    listed = api_client.get("/api/v1/users/keeper/tokens/", **auth)
    client.force_login(other)
    by_page = client.post(reverse("accounts:token_revoke", args=[stored.digest]))
    with pytest.raises(Exception) as exc:
        services.token_revoke(actor=other, token=stored)

    assert by_own_path.status_code == 404
    assert by_user_path.status_code in {403, 404} and listed.status_code in {403, 404}
    assert by_page.status_code == 404
    assert getattr(exc.value, "code", "") == "permission_denied"
    assert me(api_client, victim).status_code == 200
    assert not JournalEntry.objects.filter(kind="user.token_revoked").exists()


def test_an_administrator_lists_and_revokes_a_users_tokens(make, api_client, client, keeper):
    admin = make.user("administrator", username="admin")
    first, second = sign_in(api_client).json()["token"], sign_in(api_client).json()["token"]
    api_client.force_authenticate(admin)
    listed = api_client.get("/api/v1/users/keeper/tokens/").json()
    one = AuthToken.objects.get(digest=hash_token(first))
    other = AuthToken.objects.get(digest=hash_token(second))

    by_api = api_client.delete(f"/api/v1/users/keeper/tokens/{one.digest}/")
    client.force_login(admin)
    page = client.get(reverse("accounts:user_detail", args=["keeper"]))
    by_page = client.post(reverse("accounts:user_token_revoke", args=["keeper", other.digest]))

    api_client.force_authenticate(None)
    assert len(listed) == 2
    assert by_api.status_code == 204 and by_page.status_code == 302
    assert second[:8] in page.content.decode()
    assert me(api_client, first).json()["code"] == "authentication_failed"
    assert me(api_client, second).json()["code"] == "authentication_failed"
    entries = JournalEntry.objects.filter(kind="user.token_revoked")
    assert entries.count() == 2 and {e.actor for e in entries} == {"admin"}


def test_a_password_change_revokes_every_token(api_client, client, keeper):
    tokens = [sign_in(api_client).json()["token"] for _ in range(2)]
    client.force_login(keeper)
    new = "a-much-better-passphrase-7"

    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": new, "new_password_again": new},
    )

    assert all(me(api_client, t).json()["code"] == "authentication_failed" for t in tokens)
    assert (
        JournalEntry.objects.get(kind="user.password_changed").payload_data["tokens_revoked"] == 2
    )
    assert sign_in(api_client, password=new).status_code == 200


def test_a_token_answers_in_the_users_language_unless_asked(api_client, keeper):
    token = sign_in(api_client).json()["token"]

    french = api_client.get("/api/v1/sites/NOPE/", HTTP_AUTHORIZATION=f"Token {token}")
    english = api_client.get(
        "/api/v1/sites/NOPE/", HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert french.json()["message"] == "Aucun site NOPE."
    assert english.json()["message"] == "No site NOPE."
