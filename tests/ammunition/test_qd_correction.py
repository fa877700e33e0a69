"""The 2026.2 correction of the quantity-distances in the running system: postings, the
calculator (API and CLI), the review that lists the storehouses now in breach, the QD report
and the dashboard."""

import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from pssm.ammunition import services as ammo
from pssm.ammunition.models import ExposedSite, Nature, QdReview
from pssm.ammunition.review import qd_review
from pssm.ammunition.safety import site_report
from pssm.domain.errors import PssmError
from pssm.journal.models import JournalEntry
from pssm.movements import services as mv
from pssm.movements.models import VoucherLine


def _propellant(depot, code="CHG-TEST-13", neq="3.6"):
    return ammo.nature_create(
        actor=depot.admin,
        code=code,
        nomenclature="Propelling charge (test)",
        hazard_code="1.3C",
        neq_kg_per_unit=neq,
        neq_kg_per_round="0",
    )


@pytest.fixture
def hd13_depot(depot, make):
    """ESH02 licensed for HD 1.3, holding 10,080 kg NEQ of propellant; a hamlet 114 m away."""
    from datetime import date

    depot.admin = make.user("administrator", None, username="admin-qd")
    depot.natures["CHG-TEST-13"] = _propellant(depot)
    ammo.licence_issue(
        actor=depot.authority,
        building=depot.esh3,
        number="KTI-L3",
        limits_kg={"1.3": "25000"},
        permitted_groups="CGS",
        issued_date=date(2026, 1, 1),
        review_date=date(2027, 1, 1),
        authority="DMHTA",
    )
    depot.receive("PR14E007-002", 2800, "CHG-TEST-13", location=depot.s3)
    return depot


def _hamlet(depot, distance_north):
    ammo.exposed_site_create(
        actor=depot.technician,
        site=depot.site,
        code="HAM",
        name="Hamlet",
        relationship="inhabited_building",
        plan_x_m=D(0),
        plan_y_m=D(200 + distance_north),
    )


def test_a_receipt_is_checked_against_the_corrected_hd_1_3_distance(hd13_depot):
    depot = hd13_depot
    _hamlet(depot, 114)  # 6.4·(10,080 + 10,080)^(1/3) = 175 m are needed
    v = depot.draft("receipt", reason="acquisition", location=depot.s3)
    depot.add(v, "PR14E007-003", 2800, "CHG-TEST-13")
    mv.voucher_submit(actor=depot.keeper, voucher=v)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=v)

    assert err.value.code == "qd_breach"
    assert "QD.1.3.IBD" in str(err.value) and "175" in str(err.value)


def test_the_review_lists_the_storehouses_the_correction_puts_in_breach(hd13_depot, client):
    depot = hd13_depot
    _hamlet(depot, 114)
    entries = JournalEntry.objects.count()

    from django.db import transaction

    with transaction.atomic():
        found = qd_review(actor=depot.technician)

    (row,) = found
    assert (row["building"], row["governing_hd"], row["in_breach_before"]) == (
        depot.esh3.code,
        "1.3",
        False,
    )
    (breach,) = row["breaches"]
    assert (breach["required_before_m"], breach["required_m"], breach["actual_m"]) == (
        "70",
        "139",
        "114.0",
    )
    review = QdReview.objects.get(building=depot.esh3)
    assert review.ruleset == "pssm-explosives 2026.2"
    assert review.ruleset_before == "pssm-explosives 2026.1"
    entry = JournalEntry.objects.get(kind="qd.reviewed")
    assert JournalEntry.objects.count() == entries + 1 and entry.scope_site == depot.site.code

    # Run again: the same row is updated, not duplicated.
    with transaction.atomic():
        qd_review(actor=depot.technician)
    assert QdReview.objects.filter(building=depot.esh3).count() == 1

    report = site_report(depot.site)
    (listed,) = report["reviews"]
    assert listed["still_in_breach"] is True

    ExposedSite.objects.filter(code__endswith="-HAM").update(plan_y_m=D(500))
    assert site_report(depot.site)["reviews"][0]["still_in_breach"] is False

    client.force_login(depot.authority)
    page = client.get(f"/ammunition/safety/{depot.site.code}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200 and 'id="qd-review"' in page.content.decode()
    home = client.get("/").content.decode()
    assert 'id="qd-reviews"' in home and depot.esh3.code in home


def test_the_review_command_needs_the_right_role_and_prints_the_breaches(hd13_depot, capsys):
    depot = hd13_depot
    _hamlet(depot, 114)

    with pytest.raises(SystemExit):
        call_command("qd", "--review", "--as", depot.keeper.username)
    assert "permission_denied" in capsys.readouterr().err
    assert not QdReview.objects.exists()

    call_command("qd", "--review", "--json")

    (row,) = json.loads(capsys.readouterr().out)
    assert row["building"] == depot.esh3.code


def test_hd_1_2_uses_the_round_neq_of_the_nature(depot, make):
    depot.admin = make.user("administrator", None, username="admin-12")
    big = ammo.nature_create(
        actor=depot.admin,
        code="SHELL-TEST-121",
        nomenclature="Projectile (test), HE 2 kg",
        hazard_code="1.2F",
        neq_kg_per_unit="2.5",
        neq_kg_per_round="2",
    )
    depot.natures[big.code] = big
    depot.receive("SH-1", 100, big.code, location=depot.s1)  # 250 kg

    row = next(
        r for r in site_report(depot.site)["storehouses"] if r["building"] == depot.esh1.code
    )

    assert row["governing_hd"] == "1.2.1"
    village = next(d for d in row["distances"] if d["exposed_site"].endswith("-VIL"))
    assert (
        village["rule"] == "QD.1.2.1.IBD" and village["required_m"] == "182"
    )  # Table H.1: 185 at 250 kg


def test_a_round_neq_above_the_unit_neq_is_refused(depot, make):
    admin = make.user("administrator", None, username="admin-r")
    with pytest.raises(PssmError) as err:
        ammo.nature_create(
            actor=admin,
            code="BAD-ROUND",
            nomenclature="x",
            hazard_code="1.2F",
            neq_kg_per_unit="0.1",
            neq_kg_per_round="0.5",
        )
    assert "neq_kg_per_round" in err.value.details
    assert not Nature.objects.filter(code="BAD-ROUND").exists()


def test_an_implausible_lot_is_refused_when_the_line_is_added(depot):
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    lines = VoucherLine.objects.count()

    with pytest.raises(PssmError) as err:
        depot.add(v, "HUGE-1", 900_000_000, "CHG-DEMO-TNT-400")  # 360,000 t

    assert err.value.code == "neq_implausible" and "HUGE-1" in str(err.value)
    assert VoucherLine.objects.count() == lines


def test_a_lot_larger_than_its_natures_largest_lot_is_refused(depot):
    nature = depot.natures["CTG-762X39-BALL"]
    nature.max_lot_quantity = 1_000_000
    nature.save()
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    lines = VoucherLine.objects.count()

    with pytest.raises(PssmError) as err:
        depot.add(v, "BIG-1", 10_000_000, "CTG-762X39-BALL")  # a zero typed once too often

    assert err.value.code == "lot_too_large" and "quantity" in err.value.details
    assert "BIG-1" in str(err.value) and "1000000" in str(err.value)
    assert VoucherLine.objects.count() == lines
    depot.add(v, "BIG-1", 1_000_000, "CTG-762X39-BALL")
    assert VoucherLine.objects.count() == lines + 1


def test_the_calculator_refuses_an_implausible_stock_and_takes_a_round_neq(depot, client):
    client.force_login(depot.technician)

    bad = client.post(
        "/api/v1/qd/check/",
        {"stock": [{"hazard_code": "1.1D", "neq_kg": "20000000"}]},
        content_type="application/json",
    )
    good = client.post(
        "/api/v1/qd/check/",
        {"stock": [{"hazard_code": "1.2F", "neq_kg": "1000", "neq_kg_per_round": "0.1"}]},
        content_type="application/json",
    )

    assert bad.status_code == 400 and "neq_kg" in json.dumps(bad.json())
    assert good.status_code == 200 and good.json()["governing_hd"] == "1.2.2"
    ibd = next(d for d in good.json()["distances"] if d["relationship"] == "inhabited_building")
    assert ibd["required_m"] == "88" and ibd["rule"] == "QD.1.2.2.IBD"


def test_the_cli_calculator_reads_a_round_neq(db, capsys):
    call_command("qd", "--stock", "1.2E=1000@0.5", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["governing_hd"] == "1.2.1"

    with pytest.raises(SystemExit):
        call_command("qd", "--stock", "1.3C=99999999999")
    assert "neq" in capsys.readouterr().err
