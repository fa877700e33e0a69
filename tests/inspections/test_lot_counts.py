"""Counting ammunition lots by quantity: a shortage opens a case that freezes the lot at the
site, and is written off by a loss voucher approved above the site level."""

import pytest

from pssm.domain.errors import ConflictError, NotFoundError, ValidationError
from pssm.inspections import services as counts
from pssm.movements import cases
from pssm.movements import services as movements
from pssm.movements.models import Discrepancy
from tests.ammunition.conftest import Depot


@pytest.fixture
def depot(make):
    return Depot(make, "KTI")


def test_a_lot_shortage_is_found_frozen_and_written_off(depot, make):
    depot.receive("LOT-C1", 500, "CTG-9X19-BALL")
    national = depot.authority
    clerk = make.user("storekeeper", depot.site, username="clerk")

    count = counts.count_start(actor=depot.keeper, site=depot.site, witness="Adj Koné")
    assert count.expected_lots == [["LOT-C1", depot.s1.code, 500]]
    with pytest.raises(NotFoundError):
        counts.count_lot(
            actor=depot.keeper, count=count, lot_number="NOPE-1", quantity=3, location=depot.s1
        )
    with pytest.raises(ValidationError):
        counts.count_lot(
            actor=depot.keeper, count=count, lot_number="LOT-C1", quantity="-2", location=depot.s1
        )
    counts.count_lot(
        actor=depot.keeper, count=count, lot_number="lot-c1", quantity=300, location=depot.s1
    )
    counts.count_lot(
        actor=depot.keeper, count=count, lot_number="LOT-C1", quantity=180, location=depot.s1
    )
    closed = counts.count_close(actor=depot.commander, count=count)
    lot_findings = [f for f in closed.findings if f.get("lot")]
    assert [(f["result"], f["expected_quantity"], f["found_quantity"]) for f in lot_findings] == [
        ("shortage", 500, 480)
    ]
    case = Discrepancy.objects.get(count=count)
    assert (case.kind, case.lot.lot_number) == ("shortage", "LOT-C1")

    # the lot is frozen at the site: no issue while the case is open
    issue = movements.voucher_create(
        actor=depot.keeper, site=depot.site, kind="issue", custodian_unit="1st battery"
    )
    with pytest.raises(ConflictError) as err:
        movements.voucher_lot_line_add(
            actor=depot.keeper, voucher=issue, lot_number="LOT-C1", quantity=10, location=depot.s1
        )
    assert err.value.code == "frozen"

    cases.case_recount(actor=clerk, case=case, quantity=480)
    cases.case_investigate(actor=clerk, case=case, note="One box of 20 rounds not accounted for.")
    voucher = cases.case_write_off(actor=clerk, case=case)
    line = voucher.lines.get()
    assert (voucher.kind, line.quantity) == ("loss", 20)
    movements.voucher_approve(actor=national, voucher=voucher)
    case.refresh_from_db()
    assert (case.state, case.resolution) == ("closed", "written_off")
    assert depot.balance("LOT-C1", depot.s1) == 480
