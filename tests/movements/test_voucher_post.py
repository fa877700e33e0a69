"""The movement engine through its services: every kind, the invariants, the two-person rule."""

import pytest

from pssm.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from pssm.domain.ledger import LedgerError
from pssm.journal.models import JournalEntry
from pssm.journal.verify import journal_verify
from pssm.movements import services
from pssm.movements.models import Discrepancy, Voucher
from pssm.registry.models import Weapon
from pssm.registry.selectors import weapon_search
from pssm.registry.services import person_create


def weapon(serial):
    return Weapon.objects.select_related("site", "location").get(serial=serial)


def test_receipt_registers_new_weapons_in_store(kti):
    voucher = kti.receive("AK-0001", "AK-0002")

    assert voucher.state == Voucher.State.POSTED and voucher.approved_by == kti.commander
    w = weapon("AK-0001")
    assert (w.status, w.site, w.location) == ("in_store", kti.site, kti.rack)
    found = weapon_search(user=kti.keeper, query="AK-00001")  # one character extra
    assert [(m.value, hit.id) for m, hit in found] == [("near", w.pk)]
    entry = JournalEntry.objects.filter(kind="voucher.posted").get()
    assert entry.payload_data["number"] == voucher.number
    assert [line["serial"] for line in entry.payload_data["lines"]] == ["AK-0001", "AK-0002"]


def test_voucher_numbers_run_per_site_and_year_without_gaps(kti, seg):
    a1 = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="1re compagnie"
    )
    b1 = services.voucher_create(
        actor=seg.keeper, site=seg.site, kind="issue", custodian_unit="2e compagnie"
    )
    services.voucher_cancel(actor=kti.keeper, voucher=a1)
    a2 = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="1re compagnie"
    )

    assert (a1.seq, a2.seq, b1.seq) == (1, 2, 1)
    assert a2.number == f"ML-KTI/{a2.year}/000002"


def test_serial_already_registered_even_written_differently_is_refused(kti):
    kti.receive("AK 47/0015")
    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="receipt", reason="acquisition", location=kti.rack
    )

    with pytest.raises(ConflictError) as exc:
        services.voucher_line_add(
            actor=kti.keeper, voucher=voucher, serial="ak47-OO15", weapon_type=kti.ak
        )

    assert "AK 47/0015" in exc.value.render() and not voucher.lines.exists()


def test_preparer_cannot_approve(kti):
    kti.receive("AK-0001")
    voucher = services.voucher_create(
        actor=kti.commander, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    services.voucher_line_add(actor=kti.commander, voucher=voucher, serial="AK-0001")
    services.voucher_submit(actor=kti.commander, voucher=voucher)

    with pytest.raises(PermissionDeniedError) as exc:
        services.voucher_approve(actor=kti.commander, voucher=voucher)

    assert exc.value.code == "two_person_rule"
    voucher.refresh_from_db()
    assert voucher.state == "submitted" and weapon("AK-0001").status == "in_store"


def test_storekeeper_cannot_approve(kti):
    kti.receive("AK-0001")
    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="AK-0001")
    services.voucher_submit(actor=kti.keeper, voucher=voucher)

    with pytest.raises(PermissionDeniedError):
        services.voucher_approve(actor=kti.keeper, voucher=voucher)


def test_issue_to_a_named_person_and_return(kti):
    kti.receive("AK-0001")
    soldier = person_create(
        actor=kti.keeper,
        site=kti.site,
        service_number="ML-12345",
        first_name="Moussa",
        last_name="Traoré",
        rank="Sergent",
    )

    kti.post("issue", ["AK-0001"], custodian=soldier)
    issued = weapon("AK-0001")
    kti.post("return", ["ak0001"], location=kti.rack2)

    assert (issued.status, issued.custodian, issued.location) == ("issued", soldier, None)
    back = weapon("AK-0001")
    assert (back.status, back.custodian, back.location) == ("in_store", None, kti.rack2)


def test_issuing_a_weapon_already_issued_fails_and_changes_nothing(kti):
    kti.receive("AK-0001")
    first = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    second = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 2"
    )
    for v in (first, second):
        services.voucher_line_add(actor=kti.keeper, voucher=v, serial="AK-0001")
        services.voucher_submit(actor=kti.keeper, voucher=v)
    services.voucher_approve(actor=kti.commander, voucher=first)
    entries = JournalEntry.objects.count()

    with pytest.raises(LedgerError) as exc:
        services.voucher_approve(actor=kti.commander, voucher=second)

    assert "Only a weapon in store" in exc.value.render()
    second.refresh_from_db()
    assert second.state == "submitted" and JournalEntry.objects.count() == entries
    assert weapon("AK-0001").custodian_unit == "Section 1"


def test_line_for_a_weapon_of_another_site_is_refused(kti, seg, make):
    seg.receive("AK-0900")
    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    admin = make.user("administrator")

    with pytest.raises(NotFoundError) as hidden:  # the keeper may not see ML-SEG's weapons
        services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="AK-0900")
    with pytest.raises(LedgerError) as seen:  # who sees both sites is told where it is not
        services.voucher_line_add(actor=admin, voucher=voucher, serial="AK-0900")

    assert "at this site" in hidden.value.render() and "ML-SEG" not in hidden.value.render()
    assert "held by another site" in seen.value.render()
    assert "ML-SEG" not in seen.value.render()


def test_unknown_serial_is_named(kti):
    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )

    with pytest.raises(NotFoundError) as exc:
        services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="ZZ-404")

    assert "ZZ-404" in exc.value.render() and "serial" in exc.value.details


def test_double_submit_and_double_approve_are_conflicts(kti):
    kti.receive("AK-0001")
    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="AK-0001")
    services.voucher_submit(actor=kti.keeper, voucher=voucher)

    with pytest.raises(ConflictError):
        services.voucher_submit(actor=kti.keeper, voucher=voucher)
    services.voucher_approve(actor=kti.commander, voucher=voucher)
    with pytest.raises(ConflictError):
        services.voucher_approve(actor=kti.commander, voucher=voucher)


def test_transfer_with_a_missing_and_an_unexpected_weapon(kti, seg):
    kti.receive("AK-0001", "AK-0002", "AK-0003")
    dispatch = kti.post("transfer", ["AK-0001", "AK-0002"], destination=seg.site)
    assert weapon("AK-0001").status == "in_transit"

    receipt = services.voucher_create(
        actor=seg.keeper,
        site=seg.site,
        kind="transfer_receipt",
        dispatch=dispatch,
        location=seg.rack,
    )
    services.voucher_line_add(actor=seg.keeper, voucher=receipt, serial="AK0001")
    with pytest.raises(ConflictError):
        services.voucher_line_add(actor=seg.keeper, voucher=receipt, serial="AK-0001")
    services.voucher_line_add(actor=seg.keeper, voucher=receipt, serial="XX-999")
    services.voucher_submit(actor=seg.keeper, voucher=receipt)
    services.voucher_approve(actor=seg.commander, voucher=receipt)

    arrived, missing = weapon("AK-0001"), weapon("AK-0002")
    assert (arrived.status, arrived.site, arrived.location) == ("in_store", seg.site, seg.rack)
    assert (missing.status, missing.site, missing.destination) == ("in_transit", kti.site, seg.site)
    kinds = {(d.serial, d.kind) for d in Discrepancy.objects.all()}
    assert kinds == {("AK-0002", "missing"), ("XX-999", "unexpected")}


def test_theft_report_then_recovery(kti):
    kti.receive("AK-0001")

    kti.post("loss", ["AK-0001"], reason="stolen")
    stolen = weapon("AK-0001")
    kti.post("receipt", ["AK-0001"], reason="recovery", location=kti.rack)

    assert (stolen.status, stolen.location) == ("stolen", None)
    assert weapon("AK-0001").status == "recovered"


def test_reversal_restores_the_previous_holding(kti):
    kti.receive("AK-0001")
    issue = kti.post("issue", ["AK-0001"], custodian_unit="Section 1")

    reversal = services.voucher_reverse(actor=kti.keeper, voucher=issue)
    services.voucher_submit(actor=kti.keeper, voucher=reversal)
    services.voucher_approve(actor=kti.commander, voucher=reversal)

    w = weapon("AK-0001")
    assert (w.status, w.location, w.custodian_unit) == ("in_store", kti.rack, "")
    assert reversal.reverses == issue


def test_journal_stays_verifiable_after_many_movements(kti, seg):
    kti.receive("AK-0001", "AK-0002")
    kti.post("issue", ["AK-0001"], custodian_unit="Section 1")
    kti.post("transfer", ["AK-0002"], destination=seg.site)

    assert journal_verify(user=kti.make.actor).ok


def test_a_posting_that_fails_mid_batch_changes_nothing(kti):
    """The third of five lines fails at posting (its weapon was issued meanwhile): no weapon,
    no line, no voucher state and no journal entry changes; the engine checks every line
    before it writes any. Runs on SQLite and on PostgreSQL."""
    serials = [f"MB-{i}" for i in range(5)]
    kti.receive(*serials)
    batch = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 1"
    )
    services.voucher_lines_add(
        actor=kti.keeper, voucher=batch, items=[{"serial": s} for s in serials]
    )
    services.voucher_submit(actor=kti.keeper, voucher=batch)
    kti.post("issue", ["MB-2"], custodian_unit="Section 9")
    before = {
        w.serial: (w.status, w.location_id, w.custodian_unit, w.updated_at)
        for w in Weapon.objects.filter(serial__in=serials)
    }
    lines = list(batch.lines.values_list("pk", "before", "after"))
    entries = JournalEntry.objects.count()

    with pytest.raises(LedgerError) as exc:
        services.voucher_approve(actor=kti.commander, voucher=batch)

    assert exc.value.details["serial"] == "MB-2"
    after = {
        w.serial: (w.status, w.location_id, w.custodian_unit, w.updated_at)
        for w in Weapon.objects.filter(serial__in=serials)
    }
    assert after == before
    assert list(batch.lines.values_list("pk", "before", "after")) == lines
    batch.refresh_from_db()
    assert batch.state == "submitted" and JournalEntry.objects.count() == entries
    assert journal_verify(user=kti.make.actor).ok
