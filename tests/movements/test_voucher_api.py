"""Vouchers through the API, as a storekeeper and a commander would use it."""

import json

from django.core.management import call_command


def test_receipt_issue_flow_through_the_api(kti, api_client):
    api_client.force_authenticate(kti.keeper)
    created = api_client.post(
        "/api/v1/vouchers/",
        {"site": "ml-kti", "kind": "receipt", "reason": "acquisition", "location": kti.rack.code},
        format="json",
    )
    vid = created.json()["id"]
    line = api_client.post(
        f"/api/v1/vouchers/{vid}/lines/",
        {
            "serial": "AK-1234",
            "weapon_type": kti.ak.pk,
            "details": {"year_of_manufacture": 1985, "country_of_manufacture": "RU"},
        },
        format="json",
    )
    submitted = api_client.post(f"/api/v1/vouchers/{vid}/submit/")
    own_approval = api_client.post(f"/api/v1/vouchers/{vid}/approve/", HTTP_ACCEPT_LANGUAGE="en")
    api_client.force_authenticate(kti.commander)
    approved = api_client.post(f"/api/v1/vouchers/{vid}/approve/")
    again = api_client.post(f"/api/v1/vouchers/{vid}/approve/")

    assert created.status_code == 201 and created.json()["number"].startswith("ML-KTI/")
    assert line.status_code == 201 and submitted.json()["state"] == "submitted"
    assert own_approval.status_code == 403
    assert approved.status_code == 200 and approved.json()["state"] == "posted"
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    weapon = api_client.get("/api/v1/weapons/", {"serial": "ak1234"}).json()["results"][0]
    assert weapon["status"] == "in_store" and weapon["year_of_manufacture"] == 1985
    detail = api_client.get(f"/api/v1/weapons/{weapon['id']}/").json()
    assert [h["kind"] for h in detail["history"]] == ["receipt"]


def test_bad_lines_get_named_errors(kti, api_client):
    kti.receive("AK-0001")
    api_client.force_authenticate(kti.keeper)
    vid = api_client.post(
        "/api/v1/vouchers/",
        {"site": "ML-KTI", "kind": "issue", "custodian_unit": "Section 1"},
        format="json",
    ).json()["id"]

    unknown = api_client.post(
        f"/api/v1/vouchers/{vid}/lines/",
        {"serial": "NOPE-1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    empty = api_client.post(f"/api/v1/vouchers/{vid}/lines/", {}, format="json")
    ok = api_client.post(f"/api/v1/vouchers/{vid}/lines/", {"serial": "ak 0001"}, format="json")
    twice = api_client.post(f"/api/v1/vouchers/{vid}/lines/", {"serial": "AK-0001"}, format="json")
    no_header = api_client.post(
        "/api/v1/vouchers/", {"site": "ML-KTI", "kind": "issue"}, format="json"
    )

    assert unknown.status_code == 404 and "NOPE-1" in unknown.json()["message"]
    assert empty.status_code == 400 and "serial" in empty.json()["details"]
    assert ok.status_code == 201
    assert twice.status_code == 409
    assert no_header.status_code == 400 and "custodian" in no_header.json()["details"]


def test_empty_voucher_cannot_be_submitted(kti, api_client):
    api_client.force_authenticate(kti.keeper)
    vid = api_client.post(
        "/api/v1/vouchers/",
        {"site": "ML-KTI", "kind": "issue", "custodian_unit": "Section 1"},
        format="json",
    ).json()["id"]

    resp = api_client.post(f"/api/v1/vouchers/{vid}/submit/")

    assert resp.status_code == 400 and resp.json()["code"] == "invalid"


def test_search_api_and_trace_command(kti, api_client, capsys):
    kti.receive("AK470015", "AK470016")
    api_client.force_authenticate(kti.keeper)

    found = api_client.get("/api/v1/weapons/search/", {"q": "AK47OO15"}).json()
    similar = api_client.get("/api/v1/weapons/search/", {"q": "AK47OO15", "near": "1"}).json()
    mistyped = api_client.get("/api/v1/weapons/search/", {"q": "AK470019"}).json()
    call_command("trace", "AK470015", "--json")
    traced = json.loads(capsys.readouterr().out)
    call_command("trace", "AK470015", "--json", "--near")
    traced_near = json.loads(capsys.readouterr().out)

    assert [(r["match"], r["weapon"]["serial"]) for r in found] == [("normalised", "AK470015")]
    assert [(r["match"], r["weapon"]["serial"]) for r in similar] == [
        ("normalised", "AK470015"),
        ("near", "AK470016"),
    ]
    assert [(r["match"], r["weapon"]["serial"]) for r in mistyped] == [
        ("near", "AK470015"),
        ("near", "AK470016"),
    ]
    assert traced == [
        {
            **traced[0],
            "serial": "AK470015",
            "match": "exact",
            "site": "ML-KTI",
            "status": "in_store",
        }
    ]
    assert [(r["match"], r["serial"]) for r in traced_near] == [
        ("exact", "AK470015"),
        ("near", "AK470016"),
    ]


def test_voucher_workflow_from_the_command_line(kti, capsys):
    import pytest

    kti.receive("AK-0001")
    call_command(
        "voucher", "--as", kti.keeper.username, "create", "ml-kti", "issue", "--unit", "Section 1"
    )
    number = capsys.readouterr().out.strip()
    call_command("voucher", "--as", kti.keeper.username, "add", number, "ak0001")
    call_command("voucher", "--as", kti.keeper.username, "submit", number)
    with pytest.raises(SystemExit) as exc:
        call_command("voucher", "--as", kti.keeper.username, "approve", number)
    capsys.readouterr()
    call_command("voucher", "--as", kti.commander.username, "approve", number)
    call_command("voucher", "--as", kti.commander.username, "show", number)

    assert exc.value.code == 3
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert shown["state"] == "posted" and shown["lines"][0]["after"]["status"] == "issued"
