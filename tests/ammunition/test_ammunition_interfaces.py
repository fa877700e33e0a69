"""The explosives-safety engine through the CLI, the API and the pages."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from pssm.ammunition.models import Licence, RuleOverride
from pssm.movements import services as mv


def test_cli_qd_stock_json_has_the_documented_fields():
    out = StringIO()

    call_command("qd", "--stock", "1.1D=1000", "--stock", "1.2F=3000", "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert data["governing_hd"] == "1.1" and data["neq_kg"] == "4000"
    assert data["compatible"] is False
    assert {(c["first"], c["second"]) for c in data["conflicts"]} == {("1.1D", "1.2F")}
    ibd = next(d for d in data["distances"] if d["relationship"] == "inhabited_building")
    assert set(ibd) >= {"relationship", "k", "minimum_m", "required_m", "source"}
    assert ibd["required_m"] == "400"  # 22.2·4000^(1/3) = 352 m, under the 400 m minimum


def test_cli_qd_rejects_an_invalid_hazard_code(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("qd", "--stock", "1.4A=10")

    assert exit_.value.code != 0
    assert "1.4A" in capsys.readouterr().err


def test_cli_qd_site_report(depot):
    depot.receive("M82-9", 100, "MORT-82-HE")
    out = StringIO()

    call_command("qd", "--site", depot.site.code, "--json", stdout=out)

    report = json.loads(out.getvalue())
    esh1 = next(r for r in report["storehouses"] if r["building"] == depot.esh1.code)
    assert esh1["governing_hd"] == "1.1" and esh1["neq_kg"] == "65"
    village = next(d for d in esh1["distances"] if d["relationship"] == "inhabited_building")
    assert (village["required_m"], village["actual_m"], village["status"]) == ("400", "500.0", "ok")


def test_api_qd_report_and_check(depot, api_client):
    depot.receive("M82-9", 100, "MORT-82-HE")
    api_client.force_authenticate(depot.technician)

    report = api_client.get(f"/api/v1/sites/{depot.site.code}/qd-report/")
    check = api_client.post(
        "/api/v1/qd/check/",
        {"stock": [{"hazard_code": "1.1D", "neq_kg": "1000"}]},
        format="json",
    )
    bad = api_client.post(
        "/api/v1/qd/check/", {"stock": [{"hazard_code": "1.4A", "neq_kg": "-3"}]}, format="json"
    )

    assert report.status_code == 200 and report.json()["pairs"] > 0
    assert check.status_code == 200 and check.json()["governing_hd"] == "1.1"
    assert bad.status_code == 400 and bad.json()["code"] == "hazard_code"


def test_api_lot_line_and_safety_error(depot, api_client):
    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    v = depot.draft("receipt", reason="acquisition", location=depot.s2)
    api_client.force_authenticate(depot.keeper)

    added = api_client.post(
        f"/api/v1/vouchers/{v.pk}/lines/",
        {"lot_number": "DET-1", "quantity": 100, "nature": "DET-NONEL"},
        format="json",
    )
    mv.voucher_submit(actor=depot.keeper, voucher=v)
    api_client.force_authenticate(depot.commander)
    refused = api_client.post(f"/api/v1/vouchers/{v.pk}/approve/")

    assert added.status_code == 201 and added.json()["quantity"] == 100
    assert refused.status_code == 400
    assert refused.json()["code"] == "incompatible"
    assert refused.json()["details"]["conflicts"][0]["rule"] == "CG.COND.1"


def test_api_licence_bad_input_changes_nothing(depot, api_client):
    api_client.force_authenticate(depot.authority)
    before = Licence.objects.count()

    resp = api_client.post(
        "/api/v1/licences/",
        {
            "building": depot.esh3.code,
            "number": "L-NEG",
            "limits_kg": {"1.1": "-5"},
            "issued_date": "2026-01-01",
            "review_date": "2027-01-01",
            "authority": "DMHTA",
        },
        format="json",
    )

    assert resp.status_code == 400 and resp.json()["code"] == "neq"
    assert Licence.objects.count() == before


def test_national_override_through_the_api_is_journaled(depot, api_client):
    api_client.force_authenticate(depot.authority)

    resp = api_client.post(
        "/api/v1/safety-rules/overrides/",
        {
            "country": depot.country.code,
            "rule_id": "QD.1.1.IBD",
            "value": {"k": "25", "minimum_m": "450"},
            "reason": "Arrêté national sur les distances",
        },
        format="json",
    )
    rules = api_client.get(f"/api/v1/safety-rules/?country={depot.country.code}").json()

    assert resp.status_code == 201
    ibd = next(r for r in rules["rules"] if r["id"] == "QD.1.1.IBD")
    assert ibd["confidence"] == "N" and ibd["override"]["by"] == depot.authority.username
    assert RuleOverride.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Rapport de distances de sécurité"), ("en", "Quantity-distance report")],
)
def test_qd_report_page_in_both_languages(depot, client, language, text):
    from pssm.accounts.models import User

    User.objects.filter(pk=depot.technician.pk).update(preferred_language=language)
    depot.receive("M82-9", 100, "MORT-82-HE")
    client.force_login(depot.technician)

    page = client.get(f"/ammunition/safety/{depot.site.code}/")
    pdf = client.get(f"/ammunition/safety/{depot.site.code}/pdf/")

    assert page.status_code == 200
    body = page.content.decode()
    assert text in body and "<svg" in body and "QD.1.1.IBD" in body
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_lot_pages_and_voucher_lot_form(depot, client):
    depot.receive("M82-9", 100, "MORT-82-HE")
    v = depot.draft("issue", custodian_unit="Garde")
    client.force_login(depot.keeper)

    lots = client.get("/ammunition/lots/")
    added = client.post(
        f"/movements/vouchers/{v.pk}/lots/", {"lot_number": "M82-9", "quantity": "7"}
    )
    too_many = client.post(
        f"/movements/vouchers/{v.pk}/lots/", {"lot_number": "UNKNOWN", "quantity": "7"}
    )

    assert lots.status_code == 200 and "M82-9" in lots.content.decode()
    assert added.status_code == 302 and v.lines.get().quantity == 7
    assert too_many.status_code == 400 and v.lines.count() == 1


def test_a_receipt_puts_a_lot_where_its_own_line_says(depot, client):
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    client.force_login(depot.keeper)

    page = client.get(f"/movements/vouchers/{v.pk}/").content.decode()
    added = client.post(
        f"/movements/vouchers/{v.pk}/lots/",
        {
            "lot_number": "TNT-LOC-1",
            "quantity": "10",
            "nature": "CHG-DEMO-TNT-400",
            "location": depot.s2.pk,
        },
    )

    # The weapon line and the lot line each have their own location list, each labelled.
    assert page.count('id="id_location"') == 1 and page.count('id="id_lot_location"') == 1
    assert 'for="id_lot_location"' in page
    assert added.status_code == 302
    assert v.lines.get(lot__lot_number="TNT-LOC-1").location == depot.s2


def test_lot_and_voucher_lists_export_what_the_filter_shows(depot, client):
    import io

    from openpyxl import load_workbook

    depot.receive("M82-9", 100, "MORT-82-HE")
    depot.receive("TNT-7", 10, "CHG-DEMO-TNT-400", location=depot.s2)
    client.force_login(depot.commander)

    lots_csv = b"".join(client.get("/ammunition/lots/?q=M82&format=csv").streaming_content)
    vouchers = client.get(f"/movements/vouchers/?site={depot.site.code}&format=xlsx")

    assert lots_csv.startswith(b"\xef\xbb\xbf")  # a byte-order mark for French Excel
    text = lots_csv.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Numéro de lot;Nature")  # French, semicolons
    assert "M82-9" in text and "TNT-7" not in text and ";65" in text  # 100 × 0.65 kg
    sheet = load_workbook(io.BytesIO(vouchers.content), read_only=True).active
    rows = list(sheet.values)
    assert rows[0][0] == "Numéro" and len(rows) == 3


def test_rules_page_flags_provisional_values_and_national_ones(depot, client):
    from pssm.ammunition import services as ammo

    ammo.rule_override_set(
        actor=depot.authority,
        country=depot.country,
        rule_id="QD.1.1.PTRD",
        value={"k": "16", "minimum_m": "300"},
        reason="Arrêté national 2026-14",
    )
    client.force_login(depot.keeper)

    page = client.get(f"/ammunition/safety-rules/?country={depot.country.code}").content.decode()

    assert "QD.1.1.IBD" in page and "provisoire" in page
    assert "k=16, min 300 m" in page and depot.authority.username in page


def test_plan_licence_and_waiver_forms(depot, client):
    from pssm.ammunition.models import ExposedSite, Licence, Waiver

    client.force_login(depot.technician)
    es = client.post(
        f"/ammunition/safety/{depot.site.code}/exposed-sites/new/",
        {
            "code": "ECO",
            "name": "École",
            "relationship": "vulnerable_building",
            "plan_x_m": "900",
            "plan_y_m": "0",
        },
    )
    bad = client.post(
        f"/ammunition/safety/{depot.site.code}/waivers/new/",
        {
            "building": depot.esh1.code,
            "rule": "qd",
            "justification": "too short",
            "valid_until": "2099-01-01T00:00",
        },
    )
    refused = client.get(f"/ammunition/safety/{depot.site.code}/licences/new/")
    client.force_login(depot.authority)
    licence = client.post(
        f"/ammunition/safety/{depot.site.code}/licences/new/",
        {
            "building": depot.esh3.code,
            "number": "KTI-L3",
            "permitted_groups": "DS",
            "issued_date": "2026-02-01",
            "review_date": "2027-02-01",
            "authority": "DMHTA",
            "limit_1.1": "250",
        },
    )

    assert (
        es.status_code == 302 and ExposedSite.objects.filter(code=f"{depot.site.code}-ECO").exists()
    )
    assert bad.status_code == 400 and not Waiver.objects.exists()
    assert "20" in bad.content.decode()  # the justification's minimum length is explained
    assert refused.status_code == 403
    assert licence.status_code == 302
    assert Licence.objects.get(number="KTI-L3").limits_kg == {"1.1": "250"}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"hazard_code": "1.4A", "neq_kg_per_unit": "0.01"}, "hazard_code"),
        ({"hazard_code": "1.1D", "neq_kg_per_unit": "-1"}, "neq"),
        ({"hazard_code": "1.1D", "neq_kg_per_unit": "25000"}, "neq"),
    ],
)
def test_a_nature_with_a_bad_hazard_code_or_neq_is_refused(depot, api_client, payload, code):
    from pssm.ammunition.models import Nature

    api_client.force_authenticate(depot.technician)
    before = Nature.objects.count()

    resp = api_client.post(
        "/api/v1/natures/", {"code": "NEW-1", "nomenclature": "New", **payload}, format="json"
    )

    assert resp.status_code == 400 and resp.json()["code"] == code
    assert Nature.objects.count() == before


def test_expenditure_and_loss_reduce_the_balance(depot):
    depot.receive("LOT-E", 100, "CTG-9X19-BALL")
    used = depot.draft("expenditure", notes="Tir d'instruction")
    depot.add(used, "LOT-E", 30)
    depot.post(used)
    lost = depot.draft("loss", reason="stolen")
    depot.add(lost, "LOT-E", 5)
    depot.post(lost)

    assert depot.balance("LOT-E", depot.s1) == 65


def test_a_refused_incompatible_receipt_is_explained_in_french(depot, client):
    from pssm.accounts.models import User

    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    v = depot.draft("receipt", reason="acquisition", location=depot.s2)
    depot.add(v, "DET-1", 100, "DET-NONEL")
    mv.voucher_submit(actor=depot.keeper, voucher=v)
    User.objects.filter(pk=depot.commander.pk).update(preferred_language="fr")
    client.force_login(depot.commander)

    page = client.post(f"/movements/vouchers/{v.pk}/approve/", follow=True).content.decode()

    assert "Stockage incompatible" in page
    assert "Le groupe B avec le groupe D" in page  # the rule's own wording, translated too
    assert "Group B with group D" not in page
