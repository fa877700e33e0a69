"""A lot found short at a transfer's receipt is received late for the rest, like a missing
weapon: the late receipt lists of each lot the units sent less those received, and no receipt
receives more of a lot than its dispatch sent."""

import pytest

from pssm.ammunition.models import LotBalance
from pssm.domain.errors import PssmError
from pssm.journal.models import JournalEntry
from pssm.movements import cases
from pssm.movements import services as mv
from pssm.movements.models import Discrepancy, Voucher
from pssm.movements.transit import dispatches_outstanding
from tests.ammunition.conftest import Depot


@pytest.fixture
def depot(make):
    return Depot(make, code="KTI")


@pytest.fixture
def seg(make):
    return Depot(make, code="SEG")


def _send(depot, seg, lot, units):
    depot.receive(lot, 1000, "CTG-762X39-BALL")
    out = depot.draft("transfer", destination=seg.site)
    depot.add(out, lot, units)
    return depot.post(out)


def _in_transit(lot, site):
    return LotBalance.objects.get(lot__lot_number=lot, in_transit_to=site).quantity


def _outstanding(dispatch):
    return dispatches_outstanding(Voucher.objects.filter(pk=dispatch.pk)).first()


def test_a_lot_received_short_is_received_late_for_the_rest(depot, seg):
    out = _send(depot, seg, "LOT-LATE", 400)
    first = seg.draft("transfer_receipt", dispatch=out, location=seg.s1)
    seg.add(first, "LOT-LATE", 390)
    seg.post(first)
    gap = Discrepancy.objects.get(voucher=first)
    assert _outstanding(out).lots_outstanding == 1

    late = cases.case_receive(actor=seg.keeper, case=gap)
    (line,) = late.lines.all()
    seg.add(late, "LOT-LATE", 10)
    seg.post(late)

    assert (line.lot.lot_number, line.quantity) == ("LOT-LATE", 10)
    assert seg.balance("LOT-LATE", seg.s1) == 400 and _in_transit("LOT-LATE", seg.site) == 0
    gap.refresh_from_db()
    assert (gap.state, gap.resolution) == ("closed", "found")
    assert not Discrepancy.objects.filter(voucher=late).exists()
    assert _outstanding(out) is None
    with pytest.raises(PssmError) as nothing_left:
        seg.draft("transfer_receipt", dispatch=out, location=seg.s1)
    assert out.number in str(nothing_left.value)


def test_a_late_receipt_still_short_leaves_the_first_case_open(depot, seg):
    out = _send(depot, seg, "LOT-PART", 400)
    first = seg.draft("transfer_receipt", dispatch=out, location=seg.s1)
    seg.add(first, "LOT-PART", 300)
    seg.post(first)
    gap = Discrepancy.objects.get(voucher=first)

    late = cases.case_receive(actor=seg.keeper, case=gap)
    seg.add(late, "LOT-PART", 60)
    seg.post(late)
    again = cases.case_receive(actor=seg.keeper, case=gap)

    assert seg.balance("LOT-PART", seg.s1) == 360
    gap.refresh_from_db()
    assert gap.state == "open" and Discrepancy.objects.filter(lot=gap.lot).count() == 1
    assert [line.quantity for line in again.lines.all()] == [40]


def test_a_receipt_of_more_units_than_sent_is_refused_naming_the_lot(depot, seg):
    out = _send(depot, seg, "LOT-OVER", 400)
    first = seg.draft("transfer_receipt", dispatch=out, location=seg.s1)

    with pytest.raises(PssmError) as too_many:
        seg.add(first, "LOT-OVER", 401)
    seg.add(first, "LOT-OVER", 390)
    seg.post(first)
    late = cases.case_receive(actor=seg.keeper, case=Discrepancy.objects.get(voucher=first))
    with pytest.raises(PssmError) as too_many_late:
        seg.add(late, "LOT-OVER", 11)

    assert "LOT-OVER" in str(too_many.value) and "400" in str(too_many.value)
    assert "LOT-OVER" in str(too_many_late.value) and "10" in str(too_many_late.value)
    assert "quantity" in too_many.value.details  # the form shows it on the field
    assert late.lines.get().quantity_received is None


def test_two_late_receipts_cannot_together_receive_more_than_sent(depot, seg):
    out = _send(depot, seg, "LOT-TWICE", 400)
    first = seg.draft("transfer_receipt", dispatch=out, location=seg.s1)
    seg.add(first, "LOT-TWICE", 390)
    seg.post(first)
    gap = Discrepancy.objects.get(voucher=first)
    one, other = (cases.case_receive(actor=seg.keeper, case=gap) for _ in range(2))
    seg.add(one, "LOT-TWICE", 10)
    seg.add(other, "LOT-TWICE", 10)
    seg.post(one)
    mv.voucher_submit(actor=seg.keeper, voucher=other)
    entries = JournalEntry.objects.count()

    with pytest.raises(PssmError) as refused:
        mv.voucher_approve(actor=seg.commander, voucher=other)

    assert refused.value.code == "over_received"
    assert "LOT-TWICE" in str(refused.value) and out.number in str(refused.value)
    other.refresh_from_db()
    assert other.state == "submitted" and other.lines.get().after in (None, {})
    assert seg.balance("LOT-TWICE", seg.s1) == 400
    assert JournalEntry.objects.count() == entries
