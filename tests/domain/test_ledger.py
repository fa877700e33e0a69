"""The custody ledger's invariants (pssm.domain.ledger)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.ledger import FINAL, Holding, Kind, LedgerError, Line, Status, apply

KTI, SEG = "ML-KTI", "ML-SEG"


def received(site=KTI):
    return apply(None, Line(Kind.RECEIPT, site, location=f"{site}-ARM01-R01"))


def test_receipt_puts_a_new_weapon_in_store():
    assert received() == Holding(Status.IN_STORE, KTI, location="ML-KTI-ARM01-R01")


def test_a_weapon_cannot_be_received_twice():
    with pytest.raises(LedgerError, match="already registered"):
        apply(received(), Line(Kind.RECEIPT, SEG, location="ML-SEG-R1"))


def test_issue_and_return():
    issued = apply(received(), Line(Kind.ISSUE, KTI, custodian="Sgt Traoré (ML-123)"))
    back = apply(issued, Line(Kind.RETURN, KTI, location="ML-KTI-ARM01-R02"))

    assert issued.status is Status.ISSUED and issued.custodian == "Sgt Traoré (ML-123)"
    assert back == Holding(Status.IN_STORE, KTI, location="ML-KTI-ARM01-R02")


def test_cannot_issue_a_weapon_that_is_not_in_store():
    issued = apply(received(), Line(Kind.ISSUE, KTI, custodian="A"))

    with pytest.raises(LedgerError, match="Only a weapon in store"):
        apply(issued, Line(Kind.ISSUE, KTI, custodian="B"))


def test_a_site_cannot_move_another_sites_weapon():
    with pytest.raises(LedgerError, match="held by site ML-KTI"):
        apply(received(KTI), Line(Kind.ISSUE, SEG, custodian="X"))


def test_transfer_goes_through_transit_to_the_destination_only():
    moving = apply(received(), Line(Kind.TRANSFER, KTI, destination=SEG))

    with pytest.raises(LedgerError):
        apply(moving, Line(Kind.TRANSFER_RECEIPT, "ML-GAO", location="ML-GAO-R1"))
    arrived = apply(moving, Line(Kind.TRANSFER_RECEIPT, SEG, location="ML-SEG-R1"))

    assert moving.status is Status.IN_TRANSIT and moving.destination == SEG
    assert arrived == Holding(Status.IN_STORE, SEG, location="ML-SEG-R1")


def test_stolen_weapon_can_only_come_back_by_recovery():
    stolen = apply(received(), Line(Kind.LOSS, KTI, reason="stolen"))

    with pytest.raises(LedgerError):
        apply(stolen, Line(Kind.ISSUE, KTI, custodian="X"))
    back = apply(stolen, Line(Kind.RECEIPT, KTI, location="ML-KTI-R1", reason="recovery"))

    assert stolen == Holding(Status.STOLEN, KTI)
    assert back.status is Status.RECOVERED


def test_reversal_refuses_when_the_weapon_moved_since():
    before = received()
    after = apply(before, Line(Kind.ISSUE, KTI, custodian="A"))
    later = apply(after, Line(Kind.RETURN, KTI, location="ML-KTI-R9"))

    with pytest.raises(LedgerError, match="moved since"):
        apply(later, Line(Kind.REVERSAL, KTI, restore=before, reversed_after=after))


holdings_steps = st.lists(
    st.sampled_from(
        [
            Line(Kind.ISSUE, KTI, custodian="Cpl A"),
            Line(Kind.LOAN, KTI, custodian="2e compagnie"),
            Line(Kind.RETURN, KTI, location="ML-KTI-R2"),
            Line(Kind.TRANSFER, KTI, destination=SEG),
            Line(Kind.TRANSFER_RECEIPT, SEG, location="ML-SEG-R1"),
            Line(Kind.TRANSFER, SEG, destination=KTI),
            Line(Kind.TRANSFER_RECEIPT, KTI, location="ML-KTI-R1"),
            Line(Kind.LOSS, KTI, reason="lost"),
            Line(Kind.STATUS_CHANGE, KTI, reason="under_repair"),
            Line(Kind.STATUS_CHANGE, KTI, reason="in_store"),
            Line(Kind.RECEIPT, KTI, location="ML-KTI-R3", reason="recovery"),
            Line(Kind.EXPORT, KTI),
            Line(Kind.DESTRUCTION, KTI),
        ]
    ),
    max_size=25,
)


@given(holdings_steps)
def test_any_sequence_keeps_the_weapon_in_exactly_one_place(steps):
    h = received()
    for line in steps:
        try:
            h = apply(h, line)
        except LedgerError:
            continue
        h.check()
        assert sum(map(bool, [h.location, h.custodian, h.destination])) <= 1


@given(holdings_steps)
def test_a_reversal_nets_to_zero(steps):
    h = received()
    for line in steps:
        try:
            after = apply(h, line)
        except LedgerError:
            continue
        undone = apply(after, Line(Kind.REVERSAL, line.site, restore=h, reversed_after=after))
        assert undone == h
        h = after


def test_an_exported_weapon_is_out_of_custody_and_nothing_but_a_reversal_moves_it():
    exported = apply(received(), Line(Kind.EXPORT, KTI))

    assert exported == Holding(Status.EXPORTED, KTI)
    with pytest.raises(LedgerError, match="already out of custody"):
        apply(exported, Line(Kind.LOSS, KTI, reason="stolen"))
    with pytest.raises(LedgerError, match="already registered"):
        apply(exported, Line(Kind.RECEIPT, KTI, location="ML-KTI-R1", reason="recovery"))
    issued = apply(received(), Line(Kind.ISSUE, KTI, custodian="A"))
    with pytest.raises(LedgerError, match="Only a weapon in store can be exported"):
        apply(issued, Line(Kind.EXPORT, KTI))


@given(holdings_steps)
def test_a_destroyed_or_exported_weapon_takes_no_further_movement(steps):
    h = received()
    for line in steps:
        try:
            after = apply(h, line)
        except LedgerError:
            continue
        assert h.status not in FINAL, (h, line)
        h = after
