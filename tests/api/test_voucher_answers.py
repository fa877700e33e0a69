"""What the voucher API and page tell (issue 17, item 7): the custodian by its label, and one
answer for a serial the user may not see, whether another site holds it or nobody does."""

import pytest
from django.urls import reverse

from tests.movements.conftest import Armoury


@pytest.fixture
def two_armouries(make):
    kti, seg = Armoury(make, "KTI"), Armoury(make, "SEG")
    seg.receive("AK-0900")
    return kti, seg


def _issue_draft(kti, api_client):
    api_client.force_authenticate(kti.keeper)
    return api_client.post(
        "/api/v1/vouchers/",
        {"site": kti.site.code, "kind": "issue", "custodian_unit": "Section 1"},
        format="json",
    ).json()["id"]


def test_a_storekeeper_cannot_tell_another_sites_serial_from_an_unknown_one(
    two_armouries, api_client
):
    kti, _seg = two_armouries
    vid = _issue_draft(kti, api_client)

    held = api_client.post(
        f"/api/v1/vouchers/{vid}/lines/", {"serial": "AK-0900"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    unknown = api_client.post(
        f"/api/v1/vouchers/{vid}/lines/", {"serial": "AK-0901"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert held.status_code == unknown.status_code == 404
    assert held.json() == {
        "code": "not_found",
        "message": "No weapon with serial AK-0900 at this site.",
        "details": {"serial": "Not held at this site."},
    }
    assert unknown.json()["message"].replace("AK-0901", "AK-0900") == held.json()["message"]
    assert unknown.json()["details"] == held.json()["details"]


def test_the_voucher_page_gives_the_same_answer_for_both(two_armouries, client):
    kti, _seg = two_armouries
    from pssm.movements import services

    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    client.force_login(kti.keeper)
    url = reverse("movements:voucher_line_add", args=[voucher.pk])

    held = client.post(url, {"serial": "AK-0900"}, HTTP_ACCEPT_LANGUAGE="fr")
    unknown = client.post(url, {"serial": "AK-0901"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert held.status_code == unknown.status_code == 400
    for page in (held.content.decode(), unknown.content.decode()):
        assert "Non détenu sur ce site." in page
        assert "autre site" not in page and "ML-SEG" not in page


def test_the_custodian_is_the_persons_label_or_the_unit(two_armouries, api_client):
    from pssm.registry import services as registry

    kti, _seg = two_armouries
    person = registry.person_create(
        actor=kti.commander,
        site=kti.site,
        service_number="M-1001",
        first_name="Awa",
        last_name="Traoré",
        rank="Sgt",
    )
    api_client.force_authenticate(kti.keeper)
    to_person = api_client.post(
        "/api/v1/vouchers/",
        {"site": kti.site.code, "kind": "issue", "custodian": person.pk},
        format="json",
    ).json()
    to_unit = api_client.post(
        "/api/v1/vouchers/",
        {"site": kti.site.code, "kind": "issue", "custodian_unit": "Section 1"},
        format="json",
    ).json()
    listed = api_client.get("/api/v1/vouchers/").json()["results"]

    assert to_person["custodian"] == "Sgt TRAORÉ Awa (M-1001)"
    assert to_person["custodian_id"] == person.pk
    assert to_unit["custodian"] == "Section 1" and to_unit["custodian_id"] is None
    assert {v["custodian"] for v in listed} == {"Sgt TRAORÉ Awa (M-1001)", "Section 1"}
    assert all("0x" not in v["custodian"] for v in listed)
