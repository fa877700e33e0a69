"""The geography pages and API endpoints: forms, bad input, pagination, query counts."""

import pytest
from django.urls import reverse

from pssm.journal.models import JournalEntry
from pssm.sites.models import Site


@pytest.fixture
def authority(make):
    return make.user("national_authority", make.country(), username="authority")


def test_duplicate_site_code_in_the_form_keeps_the_input_and_says_why(client, make, authority):
    org = make.organisation(code="GN")
    make.site(org, code="KTI")
    client.force_login(authority)
    before = JournalEntry.objects.count()

    resp = client.post(
        reverse("sites:site_create"),
        {
            "organisation": org.pk,
            "code": "KTI",
            "name": "Dépôt bis",
            "kind": "armoury",
        },
    )

    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Le code ML-KTI est déjà pris" in html and "Dépôt bis" in html
    assert JournalEntry.objects.count() == before


def test_site_form_creates_and_redirects(client, make, authority):
    org = make.organisation(code="GN")
    client.force_login(authority)

    resp = client.post(
        reverse("sites:site_create"),
        {
            "organisation": org.pk,
            "code": "bko",
            "name": "Armurerie",
            "kind": "armoury",
            "latitude": "12.6392",
            "longitude": "-8.0029",
            "is_model_installation": "on",
        },
    )

    assert resp.status_code == 302 and resp.url == reverse("sites:site_detail", args=["ML-BKO"])
    assert Site.objects.get(code="ML-BKO").is_model_installation


def test_building_form_shows_the_storehouse_rule_on_its_field(client, make, authority):
    site = make.site(code="KTI")
    client.force_login(authority)

    resp = client.post(
        reverse("sites:building_create", args=[site.code]),
        {
            "code": "ESH1",
            "name": "Magasin",
            "kind": "explosive_storehouse",
            "storehouse_type": "",
        },
    )

    assert resp.status_code == 200 and not resp.context["form"].is_valid()
    assert "Un magasin d&#x27;explosifs doit avoir un type" in resp.content.decode()


def test_api_duplicate_code_is_409_with_error_body(api_client, make, authority):
    make.site(make.organisation(code="GN"), code="KTI")
    api_client.force_authenticate(authority)

    resp = api_client.post(
        "/api/v1/sites/",
        {
            "organisation": "ML-GN",
            "code": "KTI",
            "name": "X",
            "kind": "armoury",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert resp.status_code == 409
    assert resp.json()["code"] == "conflict"
    assert resp.json()["message"] == "The code ML-KTI is already taken."
    assert "code" in resp.json()["details"]


def test_api_malformed_json_is_a_clear_400(api_client, authority):
    api_client.force_authenticate(authority)

    resp = api_client.generic(
        "POST", "/api/v1/sites/", "{not json", content_type="application/json"
    )

    assert resp.status_code == 400
    assert set(resp.json()) == {"code", "message", "details"}
    assert resp.json()["code"] == "parse_error"


def test_api_missing_and_wrong_fields_are_named(api_client, make, authority):
    make.organisation(code="GN")
    api_client.force_authenticate(authority)
    before = Site.objects.count()

    resp = api_client.post(
        "/api/v1/sites/",
        {"organisation": "ML-GN", "kind": "castle", "latitude": "north"},
        format="json",
    )

    assert resp.status_code == 400 and resp.json()["code"] == "invalid"
    assert {"code", "name", "kind", "latitude"} <= set(resp.json()["details"])
    assert Site.objects.count() == before


def test_api_patch_and_building_create(api_client, make, authority):
    site = make.site(code="KTI")
    api_client.force_authenticate(authority)

    patched = api_client.patch(
        f"/api/v1/sites/{site.code}/", {"region": "Koulikoro"}, format="json"
    )
    building = api_client.post(
        "/api/v1/buildings/",
        {
            "site": "ml-kti",
            "code": "ESH03",
            "name": "Magasin 3",
            "kind": "explosive_storehouse",
            "storehouse_type": "above_ground_magazine",
        },
        format="json",
    )

    assert patched.json()["region"] == "Koulikoro"
    assert building.status_code == 201 and building.json()["code"] == "ML-KTI-ESH03"


def test_site_list_is_paginated_and_filtered(client, make, authority):
    org = make.organisation(code="GN")
    for i in range(55):
        make.site(org, code=f"S{i:02d}", kind="armoury" if i % 2 else "unit_store")
    client.force_login(authority)

    first = client.get(reverse("sites:site_list"))
    armouries = client.get(reverse("sites:site_list"), {"kind": "armoury"})

    assert len(first.context["table"].page) == 50 and first.context["table"].page.has_next()
    assert armouries.context["table"].page.paginator.count == 27


def test_main_pages_use_a_bounded_number_of_queries(
    client, make, authority, django_assert_max_num_queries
):
    org = make.organisation(code="GN")
    for i in range(30):
        site = make.site(org, code=f"S{i:02d}")
        make.building(site, code="ESH1")
    client.force_login(authority)
    client.get(reverse("core:dashboard"))  # warm the session language

    for url in [
        reverse("core:dashboard"),
        reverse("sites:site_list"),
        reverse("sites:organisation_list"),
        reverse("journal:entry_list"),
        reverse("sites:site_detail", args=["ML-S01"]),
    ]:
        # A fixed number per dashboard panel and per part of the work queue, whatever the
        # number of sites.
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200


def test_api_lists_use_a_bounded_number_of_queries(
    api_client, make, authority, django_assert_max_num_queries
):
    org = make.organisation(code="GN")
    for i in range(30):
        make.building(make.site(org, code=f"S{i:02d}"), code="ESH1")
    api_client.force_authenticate(authority)

    for url in ["/api/v1/sites/", "/api/v1/buildings/", "/api/v1/journal/"]:
        with django_assert_max_num_queries(8):
            assert api_client.get(url).status_code == 200
