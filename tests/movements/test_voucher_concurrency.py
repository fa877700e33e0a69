"""Two approvers posting conflicting vouchers for the same weapon at the same moment."""

import threading

import pytest
from django.db import connection

from pssm.domain.errors import PssmError
from pssm.movements import services
from pssm.movements.models import Voucher
from pssm.registry.models import Weapon


@pytest.mark.postgres
def test_exactly_one_of_two_conflicting_approvals_succeeds(transactional_db, make):
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    second_commander = make.user("site_commander", kti.site, username="commander2")
    kti.receive("AK-0001")
    vouchers = []
    for unit in ("Section 1", "Section 2"):
        v = services.voucher_create(
            actor=kti.keeper, site=kti.site, kind="issue", custodian_unit=unit
        )
        services.voucher_line_add(actor=kti.keeper, voucher=v, serial="AK-0001")
        services.voucher_submit(actor=kti.keeper, voucher=v)
        vouchers.append(v)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(approver, voucher):
        try:
            barrier.wait()
            services.voucher_approve(actor=approver, voucher=voucher)
            outcomes.append("posted")
        except PssmError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(a, v))
        for a, v in zip((kti.commander, second_commander), vouchers, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ledger", "posted"]
    states = sorted(Voucher.objects.filter(kind="issue").values_list("state", flat=True))
    assert states == ["posted", "submitted"]
    w = Weapon.objects.get(serial="AK-0001")
    assert w.status == "issued" and w.custodian_unit in {"Section 1", "Section 2"}
