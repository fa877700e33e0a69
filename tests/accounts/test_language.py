"""French by default for the francophone countries, English for Nigeria; each user can switch."""

import pytest
from django.urls import reverse

from pssm.journal.models import JournalEntry


@pytest.fixture
def nigeria_user(make):
    ng = make.country("NG", "Nigeria", "en")
    return make.user("storekeeper", make.site(make.organisation(ng, code="ARMY"), code="KAD"))


@pytest.fixture
def mali_user(make):
    return make.user("storekeeper", make.site(code="KTI"))


def test_francophone_user_gets_french_by_default(client, mali_user):
    client.force_login(mali_user)

    resp = client.get(reverse("core:dashboard"))

    assert resp["Content-Language"] == "fr" and "Tableau de bord" in resp.content.decode()


def test_nigerian_user_gets_english_by_default(client, nigeria_user):
    client.force_login(nigeria_user)

    resp = client.get(reverse("core:dashboard"))

    assert resp["Content-Language"] == "en" and "Dashboard" in resp.content.decode()


def test_switching_language_is_saved_on_the_account(client, mali_user):
    client.force_login(mali_user)

    resp = client.post(reverse("accounts:language"), {"language": "en", "next": "/geo/sites/"})

    assert resp.status_code == 302 and resp.url == "/geo/sites/"
    mali_user.refresh_from_db()
    assert mali_user.preferred_language == "en"
    assert "Sites" in client.get(reverse("core:dashboard")).content.decode()
    assert client.get(reverse("core:dashboard"))["Content-Language"] == "en"
    assert JournalEntry.objects.filter(kind="user.language_set").exists()


def test_switching_language_refuses_unknown_language_and_foreign_redirects(client, mali_user):
    client.force_login(mali_user)

    resp = client.post(
        reverse("accounts:language"), {"language": "xx", "next": "https://evil.example/"}
    )

    assert resp.status_code == 302 and resp.url == "/"
    mali_user.refresh_from_db()
    assert mali_user.preferred_language == ""


def test_anonymous_login_page_follows_the_language_cookie(client):
    client.cookies["pssm_language"] = "en"

    html = client.get(reverse("accounts:login")).content.decode()

    assert "Sign in" in html


def test_anonymous_login_page_defaults_to_french(client):
    html = client.get(reverse("accounts:login")).content.decode()

    assert "Se connecter" in html


def test_api_language_change_via_me(api_client, mali_user):
    api_client.force_authenticate(mali_user)

    ok = api_client.patch("/api/v1/me/", {"language": "en"}, format="json")
    bad = api_client.patch("/api/v1/me/", {"language": "de"}, format="json")

    assert ok.status_code == 200 and ok.json()["preferred_language"] == "en"
    assert bad.status_code == 400 and "language" in bad.json()["details"]


def test_token_api_answers_in_the_users_language(api_client, nigeria_user, mali_user):
    from knox.models import AuthToken

    _, ng_token = AuthToken.objects.create(user=nigeria_user)
    _, ml_token = AuthToken.objects.create(user=mali_user)

    ng = api_client.get("/api/v1/sites/NOPE/", HTTP_AUTHORIZATION=f"Token {ng_token}")
    ml = api_client.get("/api/v1/sites/NOPE/", HTTP_AUTHORIZATION=f"Token {ml_token}")

    assert ng.status_code == ml.status_code == 404
    assert ng.json()["message"] == "No site NOPE."
    assert ml.json()["message"] == "Aucun site NOPE."
