"""Input at the edges (issue 17, item 4): a NUL or a malformed typed value in any parameter is
a 400 that names the parameter, in the API's format or as the error page, on SQLite and on
PostgreSQL (which refuses NUL in text); an unexpected API error is JSON too."""

import json

import pytest
from django.test import Client

from .discovery import filter_names, get_operations, web_pages

NUL = "A\x00B"
GET_OPERATIONS = get_operations()


# The guard answers before the view runs: a URL that resolves is enough, whatever it names.
PATH_VALUES = {
    "code": "ML-KTI",
    "id": "1",
    "line_id": "1",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
    "username": "wide",
}


@pytest.fixture
def wide(make):
    """A user with wide rights (the administrator everywhere) and an API token."""
    from knox.models import AuthToken

    user = make.user("administrator", username="wide")
    user.token = AuthToken.objects.create(user=user)[1]
    return user


def _fill(path):
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path


def _assert_names(response, parameter):
    body = response.json()
    assert response.status_code == 400, body
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "invalid"
    assert parameter in body["message"] and parameter in body["details"]


def test_every_get_operation_and_every_query_parameter_is_covered():
    with_params = [(path, names) for path, names in GET_OPERATIONS if names]

    assert len(GET_OPERATIONS) >= 30 and len(with_params) >= 20 and len(TEXT_PARTS) >= 8
    assert (
        "/api/v1/weapons/",
        [
            "category",
            "near",
            "owner",
            "page",
            "page_size",
            "serial",
            "site",
            "status",
            "type_q",
            "weapon_type",
        ],
    ) in [(p, sorted(n)) for p, n in with_params]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [(path, name) for path, names in GET_OPERATIONS for name in names + ["unknown"]],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(wide, api_client, path, parameter):
    url = _fill(path)
    assert "{" not in url
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    response = api_client.get(url, {parameter: NUL}, HTTP_ACCEPT_LANGUAGE="en")

    _assert_names(response, parameter)


# Parts typed by a URL converter (ids, UUIDs) cannot hold a NUL: the route does not match.
TEXT_PARTS = sorted({p for p, _n in GET_OPERATIONS if "{code}" in p})


@pytest.mark.parametrize("path", TEXT_PARTS)
def test_a_nul_in_a_url_part_is_a_400_naming_it(wide, api_client, path):
    name = "code"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    response = api_client.get(path.replace("{" + name + "}", "ML%00KTI"))

    _assert_names(response, name)


def test_a_nul_key_is_named_with_an_escape(wide, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    response = api_client.get("/api/v1/sites/", {"q\x00": "x"})

    _assert_names(response, "q\\x00")


def test_a_nul_in_a_json_body_is_a_400_naming_the_member(wide, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")
    body = {"serial": "AK-0003", "details": {"other_parts": ["barrel", "bolt\x00"]}}

    response = api_client.post(
        "/api/v1/vouchers/1/lines/", json.dumps(body), content_type="application/json"
    )

    _assert_names(response, "details.other_parts[1]")


def test_a_nul_in_a_form_body_is_a_400_naming_the_field(wide, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    response = api_client.post("/api/v1/persons/", {"site": "ML-KTI", "last_name": NUL})

    _assert_names(response, "last_name")


def test_a_lone_surrogate_in_json_is_refused_like_a_nul(wide, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    response = api_client.post(
        "/api/v1/vouchers/",
        '{"site": "ML-KTI", "kind": "issue", "notes": "\\ud800"}',
        content_type="application/json",
    )

    _assert_names(response, "notes")


@pytest.mark.parametrize("value", ["abc", "1.5", "-3", "0", "١٢", "9" * 30])
def test_a_weapon_type_that_is_not_an_id_is_a_400_naming_it(wide, api_client, value):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    response = api_client.get("/api/v1/weapons/", {"weapon_type": value})

    _assert_names(response, "weapon_type")


def test_a_weapon_type_id_still_filters(world, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")

    ak = api_client.get("/api/v1/weapons/", {"weapon_type": world.armoury.ak.pk}).json()
    other = api_client.get("/api/v1/weapons/", {"weapon_type": world.armoury.ak.pk + 1}).json()

    assert ak["count"] == 3 and other["count"] == 0


# --- web pages ------------------------------------------------------------------------------

WEB_PAGES = web_pages()


def test_the_web_pages_are_found():
    assert len(WEB_PAGES) >= 20 and "/registry/weapons/" in WEB_PAGES


@pytest.mark.parametrize("page", WEB_PAGES)
def test_a_nul_in_a_page_filter_is_a_translated_400_page(wide, client, page):
    client.force_login(wide)
    shown = client.get(page)
    # a page that only redirects or takes POST is guarded all the same, before its view
    is_page = shown.status_code == 200 and "html" in shown.get("Content-Type", "")
    names = (filter_names(shown.content.decode()) if is_page else []) or ["q"]

    for name in names:
        response = client.get(page, {name: NUL}, HTTP_ACCEPT_LANGUAGE="fr")

        assert response.status_code == 400, (page, name)
        text = response.content.decode()
        assert "text/html" in response["Content-Type"] and name in text, (page, name)


def test_the_filter_pages_are_many(wide, client):
    client.force_login(wide)
    with_filters = [p for p in WEB_PAGES if filter_names(client.get(p).content.decode())]

    assert len(with_filters) >= 10


# --- unexpected errors ----------------------------------------------------------------------


def _failing_view(request):
    raise RuntimeError("secret detail that must not leak")


urlpatterns = []


@pytest.fixture
def failing_urls(settings):
    from django.urls import clear_url_caches, path

    from pssm.config import urls as root

    global urlpatterns
    urlpatterns = [
        path("api/v1/boom/", _failing_view),
        path("boom/", _failing_view),
        *root.urlpatterns,
    ]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    yield
    clear_url_caches()


handler500 = "pssm.core.api.server_error"


def test_an_unexpected_api_error_is_json_without_traceback(db, failing_urls):
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/boom/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "server_error",
        "message": "An unexpected error occurred on the server.",
        "details": {},
    }
    assert b"secret" not in response.content and b"Traceback" not in response.content


def test_an_unexpected_page_error_keeps_a_page(db, failing_urls):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500 and b"<html" in response.content
    assert b"secret" not in response.content


def test_an_id_beyond_any_integer_column_and_an_unknown_api_url_are_json_404s(wide, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {wide.token}")

    huge = api_client.get(f"/api/v1/vouchers/{2**64}/")
    unknown = api_client.get("/api/v1/no-such-thing/")
    page = api_client.get("/no-such-page/")

    for response in (huge, unknown):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert page.status_code == 404 and "text/html" in page["Content-Type"]


def test_a_nul_in_a_posted_web_form_is_a_400_page_naming_the_field(db, client):
    from axes.models import AccessAttempt

    response = client.post(
        "/accounts/login/", {"username": NUL, "password": "x"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400 and "username" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # refused before the sign-in ran
