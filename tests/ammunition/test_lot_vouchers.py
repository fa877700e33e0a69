"""Lots through the movement engine, with every safety check before posting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pssm.ammunition import services as ammo
from pssm.ammunition.models import Lot, LotBalance
from pssm.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, PssmError
from pssm.journal.models import JournalEntry
from pssm.movements import services as mv
from pssm.movements.models import Discrepancy, Voucher


def test_receipt_issue_and_return_keep_integer_balances(depot):
    depot.receive("MMP19C012-004", 10000, "CTG-762X39-BALL")
    issue = depot.draft("issue", custodian_unit="1er bataillon")
    depot.add(issue, "mmp19c012-004", 3000)  # found written differently, location inferred

    depot.post(issue)
    back = depot.draft("return", location=depot.s1)
    depot.add(back, "MMP19C012-004", 1000)
    depot.post(back)

    assert depot.balance("MMP19C012-004", depot.s1) == 8000
    lot = Lot.objects.get(lot_number_norm="MMP19C012-004")
    assert lot.iatg_format is True
    posted = JournalEntry.objects.filter(kind="voucher.posted").order_by("-seq").first()
    assert '"lot":"MMP19C012-004"' in posted.payload


def test_issue_of_more_than_the_balance_changes_nothing(depot):
    depot.receive("LOT-A", 100, "CTG-9X19-BALL")
    issue = depot.draft("issue", custodian_unit="Garde")
    depot.add(issue, "LOT-A", 150, location=depot.s1)
    mv.voucher_submit(actor=depot.keeper, voucher=issue)
    entries = JournalEntry.objects.count()

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=issue)

    assert err.value.code == "stock"
    assert "150" in str(err.value) and "100" in str(err.value)
    assert depot.balance("LOT-A", depot.s1) == 100
    assert Voucher.objects.get(pk=issue.pk).state == "submitted"
    assert JournalEntry.objects.count() == entries


def test_a_return_cannot_exceed_what_is_out_on_issue(depot):
    depot.receive("LOT-R", 100, "CTG-9X19-BALL")
    back = depot.draft("return", location=depot.s1)
    depot.add(back, "LOT-R", 5)
    mv.voucher_submit(actor=depot.keeper, voucher=back)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=back)

    assert err.value.code == "stock"
    assert depot.balance("LOT-R", depot.s1) == 100


def test_a_suspended_lot_cannot_be_issued(depot):
    depot.receive("LOT-J", 100, "CTG-9X19-BALL", condition_code="J")
    issue = depot.draft("issue", custodian_unit="Garde")

    with pytest.raises(PssmError) as err:
        depot.add(issue, "LOT-J", 10)

    assert err.value.code == "stock"
    assert "J" in str(err.value)


def test_condition_change_is_for_the_ammunition_technician(depot):
    depot.receive("LOT-C", 100, "CTG-9X19-BALL")
    with pytest.raises(PermissionDeniedError):
        mv.voucher_create(actor=depot.keeper, site=depot.site, kind="condition_change", reason="J")

    v = mv.voucher_create(
        actor=depot.technician, site=depot.site, kind="condition_change", reason="J"
    )
    mv.voucher_lot_line_add(actor=depot.technician, voucher=v, lot_number="LOT-C", quantity=None)
    mv.voucher_submit(actor=depot.technician, voucher=v)
    mv.voucher_approve(actor=depot.commander, voucher=v)

    assert Lot.objects.get(lot_number="LOT-C").condition_code == "J"


def test_a_lot_number_belongs_to_one_nature(depot):
    depot.receive("LOT-N", 100, "CTG-9X19-BALL")
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)

    with pytest.raises(ConflictError) as err:
        depot.add(v, "LOT-N", 10, "CTG-556X45-BALL")

    assert "CTG-9X19-BALL" in str(err.value)
    assert not v.lines.exists()


def test_unknown_lot_outside_a_receipt(depot):
    v = depot.draft("issue", custodian_unit="Garde")
    with pytest.raises(NotFoundError):
        depot.add(v, "NOPE-1", 1)


def test_incompatible_receipt_is_refused_and_nothing_changes(depot):
    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    v = depot.draft("receipt", reason="acquisition", location=depot.s2)
    depot.add(v, "DET-1", 100, "DET-NONEL")
    mv.voucher_submit(actor=depot.keeper, voucher=v)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=v)

    assert err.value.code == "incompatible"
    assert "CG.COND.1" in str(err.value) and "1.1B" in str(err.value)
    assert depot.balance("DET-1", depot.s2) == 0
    assert Voucher.objects.get(pk=v.pk).state == "submitted"


def test_receipt_into_a_storehouse_without_licence_is_refused(depot):
    v = depot.draft("receipt", reason="acquisition", location=depot.s3)
    depot.add(v, "LOT-X", 10, "CTG-9X19-BALL")
    mv.voucher_submit(actor=depot.keeper, voucher=v)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=v)

    assert err.value.code == "no_licence"
    assert not LotBalance.objects.filter(site=depot.site).exists()


def test_licence_limit_names_the_figures(depot):
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    depot.add(v, "PG7-1", 1500, "RKT-PG7V")  # 1,095 kg of HD 1.1 against 1,000
    mv.voucher_submit(actor=depot.keeper, voucher=v)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=v)

    assert err.value.code == "licence_exceeded"
    assert "1095" in str(err.value) and "1000" in str(err.value)


def test_qd_breach_blocks_until_a_technician_waives_it(depot):
    # 900 kg of HD 1.1 needs 400 m to an inhabited building; the village is 500 m from
    # ESH01 but the storehouse 100 m away needs 1.1·900^(1/3)=11 m: fine. Move the village.
    from pssm.ammunition.models import ExposedSite

    ExposedSite.objects.filter(site=depot.site).update(plan_x_m=-350)
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    depot.add(v, "M82-1", 1000, "MORT-82-HE")  # 650 kg HD 1.1
    mv.voucher_submit(actor=depot.keeper, voucher=v)
    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=v)
    assert err.value.code == "qd_breach"
    assert "400" in str(err.value) and "350" in str(err.value) and "QD.1.1.IBD" in str(err.value)

    with pytest.raises(PermissionDeniedError):
        ammo.waiver_grant(
            actor=depot.commander,
            building=depot.esh1,
            rule="qd",
            justification="Relocation of the village houses agreed for next year.",
            valid_until=timezone.now() + timedelta(days=30),
        )
    ammo.waiver_grant(
        actor=depot.technician,
        building=depot.esh1,
        rule="qd",
        justification="Relocation of the village houses agreed for next year.",
        valid_until=timezone.now() + timedelta(days=30),
    )
    mv.voucher_approve(actor=depot.commander, voucher=v)

    assert depot.balance("M82-1", depot.s1) == 1000
    posted = JournalEntry.objects.filter(kind="voucher.posted").order_by("-seq").first()
    assert "waivers_relied_upon" in posted.payload


def test_waiver_input_is_checked(depot):
    with pytest.raises(PssmError) as err:
        ammo.waiver_grant(
            actor=depot.technician,
            building=depot.esh1,
            rule="qd",
            justification="short",
            valid_until=timezone.now() + timedelta(days=30),
        )
    assert err.value.details.get("justification")
    with pytest.raises(PssmError):
        ammo.waiver_grant(
            actor=depot.technician,
            building=depot.esh1,
            rule="qd",
            justification="A long enough justification for the waiver.",
            valid_until=timezone.now() + timedelta(days=400),
        )


def test_transfer_travels_and_a_shortage_becomes_a_discrepancy(depot, make):
    from tests.ammunition.conftest import Depot

    other = Depot(make, code="SEG")
    depot.receive("LOT-T", 1000, "CTG-762X39-BALL")
    out = depot.draft("transfer", destination=other.site)
    depot.add(out, "LOT-T", 400)
    out = depot.post(out)
    assert LotBalance.objects.get(lot__lot_number="LOT-T", in_transit_to=other.site).quantity == 400

    rec = other.draft("transfer_receipt", dispatch=out, location=other.s1)
    other.add(rec, "LOT-T", 390)
    other.post(rec)

    assert other.balance("LOT-T", other.s1) == 390
    assert LotBalance.objects.get(lot__lot_number="LOT-T", in_transit_to=other.site).quantity == 0
    gap = Discrepancy.objects.get(voucher=rec)
    assert (gap.kind, gap.expected_quantity, gap.found_quantity) == ("shortage", 400, 390)
    assert gap.site == other.site and gap.state == "open"


def test_reversal_restores_the_balance(depot):
    depot.receive("LOT-V", 100, "CTG-9X19-BALL")
    issue = depot.draft("issue", custodian_unit="Garde")
    depot.add(issue, "LOT-V", 30)
    issue = depot.post(issue)

    rev = mv.voucher_reverse(actor=depot.keeper, voucher=issue)
    depot.post(rev)

    assert depot.balance("LOT-V", depot.s1) == 100


def test_national_override_changes_the_check(depot):
    ammo.rule_override_set(
        actor=depot.authority,
        country=depot.country,
        rule_id="QD.1.1.IBD",
        value={"k": "22.2", "minimum_m": "600"},
        reason="Arrêté national 2026-14 sur les distances",
    )
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    depot.add(v, "M82-2", 100, "MORT-82-HE")
    mv.voucher_submit(actor=depot.keeper, voucher=v)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=v)

    assert err.value.code == "qd_breach" and "600" in str(err.value)


def test_two_return_lines_of_one_lot_count_together(depot):
    depot.receive("LOT-2R", 100, "CTG-9X19-BALL")
    issue = depot.draft("issue", custodian_unit="Garde")
    depot.add(issue, "LOT-2R", 10)
    depot.post(issue)
    back = depot.draft("return", location=depot.s1)
    depot.add(back, "LOT-2R", 6, location=depot.s1)
    depot.add(back, "LOT-2R", 6, location=depot.s1b)
    mv.voucher_submit(actor=depot.keeper, voucher=back)

    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=depot.commander, voucher=back)

    assert err.value.code == "stock" and "12" in str(err.value) and "10" in str(err.value)
    assert depot.balance("LOT-2R", depot.s1) == 90
