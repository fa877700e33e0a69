# ruff: noqa: E501
"""A blind count through the services and the page."""

import pytest

from pssm.domain.errors import NotFoundError, PermissionDeniedError
from pssm.inspections import services
from pssm.journal.models import JournalEntry
from tests.movements.conftest import Armoury


@pytest.fixture
def kti(make):
    armoury = Armoury(make, "KTI")
    armoury.receive("AK-1", "AK-2", "AK-3")
    return armoury


def test_a_count_finds_a_missing_weapon_and_is_closed_by_a_second_person(kti):
    count = services.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")
    services.count_scan(actor=kti.keeper, count=count, serial="ak 1", location=kti.rack)
    services.count_scan(actor=kti.keeper, count=count, serial="AK-3", location=kti.rack2)

    with pytest.raises(PermissionDeniedError):
        services.count_scan(actor=kti.commander, count=count, serial="AK-2", location=kti.rack)
    with pytest.raises(NotFoundError):
        services.count_scan(actor=kti.keeper, count=count, serial="XX-404", location=kti.rack)
    with pytest.raises(PermissionDeniedError) as err:
        services.count_close(actor=kti.keeper, count=count)
    assert err.value.code in {"two_person_rule", "permission_denied"}
    closed = services.count_close(actor=kti.commander, count=count)

    results = {(f["result"], f["serial"]) for f in closed.findings}
    assert results == {("found", "AK1"), ("wrong_location", "AK3"), ("missing", "AK2")}
    assert len(closed.gaps) == 2
    assert '"missing"' in JournalEntry.objects.filter(kind="count.closed").get().payload


def test_the_count_sheet_is_blind_for_the_counter(kti, client):
    client.force_login(kti.keeper)
    client.post(f"/inspections/counts/site/{kti.site.code}/", {"witness": "Lt Diarra"})
    from pssm.inspections.models import Count

    count = Count.objects.get()
    client.post(f"/inspections/counts/{count.pk}/", {"serial": "AK-1", "location": kti.rack.pk})
    sheet = client.get(f"/inspections/counts/{count.pk}/").content.decode()

    assert "AK-1" in sheet and "AK-2" not in sheet  # the books stay hidden
    client.force_login(kti.commander)
    client.post(f"/inspections/counts/{count.pk}/", {"op": "close"})
    count.refresh_from_db()
    assert count.state == "closed" and len(count.gaps) == 2
    result = client.get(f"/inspections/counts/{count.pk}/").content.decode()
    assert "manquante" in result and "AK2" in result  # findings in the user's language


def _pdf_text(content: bytes) -> str:
    """The text drawn in an fpdf2 document (its page streams, inflated)."""
    import re
    import zlib

    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(out)


def test_the_printable_count_sheet_is_blind_and_labels_carry_the_serials(kti, client):
    count = services.count_start(
        actor=kti.keeper, site=kti.site, witness="Lt Diarra", policy="COUNT.MONTHLY_SERIAL"
    )
    client.force_login(kti.keeper)
    sheet = client.get(f"/inspections/counts/{count.pk}/sheet.pdf")
    assert sheet["Content-Type"] == "application/pdf" and sheet.content.startswith(b"%PDF")
    text = _pdf_text(sheet.content)
    assert "Lt Diarra" in text and kti.rack.code in text and kti.rack2.code in text
    assert "AK-1" not in text and "AK-2" not in text  # nothing of the books

    labels = client.get(f"/inspections/labels/{kti.site.code}/")
    text = _pdf_text(labels.content)
    assert all(serial in text for serial in ("AK-1", "AK-2", "AK-3"))
    one_rack = _pdf_text(
        client.get(f"/inspections/labels/{kti.site.code}/?location={kti.rack2.code}").content
    )
    assert "AK-1" not in one_rack


def test_a_count_policy_must_apply_and_fixes_what_is_counted(kti):
    from pssm.domain.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        services.count_start(
            actor=kti.keeper, site=kti.site, witness="Lt Diarra", policy="COUNT.RANDOM_SAMPLE"
        )
    assert "policy" in err.value.details  # an armoury has no ammunition sample check
    count = services.count_start(
        actor=kti.keeper, site=kti.site, witness="Lt Diarra", policy="COUNT.MONTHLY_SERIAL"
    )
    assert count.items == "weapons" and count.expected_lots == []
    with pytest.raises(ValidationError):
        services.count_lot(
            actor=kti.keeper, count=count, lot_number="X", quantity=1, location=kti.rack
        )


def test_the_api_runs_a_blind_count_from_start_to_close(kti, api_client):
    api_client.force_authenticate(kti.keeper)
    started = api_client.post(
        "/api/v1/counts/",
        {"site": kti.site.code, "witness": "Lt Diarra", "policy": "COUNT.MONTHLY_SERIAL"},
        format="json",
    )
    assert started.status_code == 201, started.content
    url = f"/api/v1/counts/{started.json()['id']}/"
    for serial, location in (("AK-1", kti.rack), ("AK-3", kti.rack2)):
        r = api_client.post(
            url, {"step": "scan", "serial": serial, "location": location.code}, format="json"
        )
        assert r.status_code == 200
    unknown = api_client.post(
        url, {"step": "scan", "serial": "ZZ-9", "location": kti.rack.code}, format="json"
    )
    assert unknown.status_code == 404
    no_place = api_client.post(url, {"step": "scan", "serial": "AK-2"}, format="json")
    assert no_place.status_code == 400 and "location" in no_place.json()["details"]
    mine = api_client.get(url).json()
    assert [s["serial"] for s in mine["scans"]] == ["AK-1", "AK-3"] and mine["findings"] == []
    assert api_client.post(url, {"step": "close"}, format="json").status_code == 403

    api_client.force_authenticate(kti.commander)
    assert api_client.get(url).json()["scans"] == []  # blind to others while open
    closed = api_client.post(url, {"step": "close"}, format="json").json()
    assert closed["state"] == "closed" and len(closed["cases"]) == 2
    assert {f["result"] for f in closed["findings"]} == {"found", "wrong_location", "missing"}


def test_the_api_keeps_the_key_register_and_access_log(kti, api_client):
    api_client.force_authenticate(kti.commander)
    keys = f"/api/v1/sites/{kti.site.code}/keys/"
    r = api_client.post(keys, {"op": "register", "code": "k-01", "label": "Armoury door"})
    assert r.status_code == 200 and r.json()["keys"][0]["code"] == "K-01"
    api_client.force_authenticate(kti.keeper)
    r = api_client.post(keys, {"op": "issue", "code": "K-01", "holder": "Sgt Traoré"})
    assert r.json()["keys"][0]["holder"] == "Sgt Traoré"
    again = api_client.post(keys, {"op": "issue", "code": "K-01", "holder": "Cpl Sidibé"})
    assert again.status_code == 409
    assert (
        api_client.post(keys, {"op": "return", "code": "K-01"}).json()["keys"][0]["holder"] is None
    )
    assert api_client.post(keys, {"op": "return", "code": "K-09"}).status_code == 404

    access = f"/api/v1/sites/{kti.site.code}/access/"
    r = api_client.post(
        access,
        {
            "op": "enter",
            "building": kti.building.code,
            "person": "Sgt Traoré",
            "companion": "",
            "purpose": "Monthly count",
        },
    )
    entry = r.json()["entries"][0]
    assert entry["two_person_broken"] is True
    r = api_client.post(access, {"op": "leave", "entry": entry["id"]})
    assert r.json()["entries"][0]["left_at"] is not None


def test_a_count_of_one_storage_location(kti, api_client):
    api_client.force_authenticate(kti.keeper)
    started = api_client.post(
        "/api/v1/counts/",
        {"site": kti.site.code, "witness": "Lt Diarra", "location": kti.rack.code},
        format="json",
    ).json()
    assert started["location"] == kti.rack.code
    url = f"/api/v1/counts/{started['id']}/"
    elsewhere = api_client.post(
        url, {"step": "scan", "serial": "AK-1", "location": kti.rack2.code}, format="json"
    )
    assert elsewhere.status_code == 400 and "location" in elsewhere.json()["details"]
    api_client.post(
        url, {"step": "scan", "serial": "AK-1", "location": kti.rack.code}, format="json"
    )
    api_client.force_authenticate(kti.commander)
    closed = api_client.post(url, {"step": "close"}, format="json").json()
    assert sorted(f["result"] for f in closed["findings"]) == ["found", "missing", "missing"]
    bad = api_client.post(
        "/api/v1/counts/",
        {"site": kti.site.code, "witness": "x", "location": "NOWHERE"},
        format="json",
    )
    assert bad.status_code == 400


def test_a_location_outside_the_building_chosen_is_refused(kti, make):
    from pssm.domain.errors import ValidationError

    other = make.location(make.building(kti.site, code="ARM02", kind="armoury_room"), code="R09")
    with pytest.raises(ValidationError) as err:
        services.count_start(
            actor=kti.keeper,
            site=kti.site,
            witness="Lt Diarra",
            building=kti.building,
            location=other,
        )
    assert "location" in err.value.details


def test_the_count_list_api_reads_a_page_in_a_fixed_number_of_queries(
    kti, api_client, django_assert_max_num_queries
):
    for _ in range(5):
        count = services.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")
        services.count_scan(actor=kti.keeper, count=count, serial="AK-1", location=kti.rack)
        services.count_close(actor=kti.commander, count=count)
    api_client.force_authenticate(kti.commander)
    with django_assert_max_num_queries(12):
        data = api_client.get("/api/v1/counts/").json()
    # the first count opened the cases of AK-2 and AK-3; the later ones find them open already
    assert sorted(len(c["cases"]) for c in data["results"]) == [0, 0, 0, 0, 2]
