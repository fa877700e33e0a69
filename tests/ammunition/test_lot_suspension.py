"""Suspension of a lot number: frozen at every site that holds it, shown to its holders,
lifted with a reason; every step journaled; bad input refused naming the field."""

import pytest

from pssm.accounts.authz import SystemActor
from pssm.ammunition.models import LotSuspension
from pssm.ammunition.suspensions import lot_suspend, lot_suspension_lift, suspended_held_by
from pssm.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.journal.verify import journal_verify
from pssm.movements import services as mv
from tests.ammunition.conftest import Depot


@pytest.fixture
def two_depots(make):
    kti, gao = Depot(make, "KTI"), Depot(make, "GAO")
    kti.receive("EX16B020-002", 600, "MORT-82-HE")
    gao.receive("EX16B020-002", 100, "MORT-82-HE", location=gao.s1)
    return kti, gao


def test_a_suspended_lot_is_frozen_at_every_site_that_holds_it(two_depots):
    kti, gao = two_depots
    entries = JournalEntry.objects.count()

    s = lot_suspend(
        actor=kti.technician,
        lot_number="ex16b020-002",  # found however it is written
        reason="Fuze defect reported by the manufacturer.",
        reference="DMHTA/2026/114",
    )

    assert JournalEntry.objects.count() == entries + 1
    assert JournalEntry.objects.latest("seq").kind == "lot.suspended"
    for depot in (kti, gao):
        issue = depot.draft("issue", custodian_unit="Batterie")
        with pytest.raises(ConflictError) as err:
            depot.add(issue, "EX16B020-002", 10)
        assert err.value.code == "suspended" and "DMHTA/2026/114" in str(err.value)
        sent = depot.draft("transfer", destination=(gao if depot is kti else kti).site)
        with pytest.raises(ConflictError):
            depot.add(sent, "EX16B020-002", 10)
    # a return or a count is still possible; the approval checks again
    assert suspended_held_by(gao.authority)[0]["site"] in {kti.site.code, gao.site.code}
    assert s.is_active


def test_a_line_added_before_the_suspension_is_refused_at_posting(two_depots):
    kti, _gao = two_depots
    issue = kti.draft("issue", custodian_unit="Batterie")
    kti.add(issue, "EX16B020-002", 10)
    mv.voucher_submit(actor=kti.keeper, voucher=issue)
    lot_suspend(actor=kti.authority, lot_number="EX16B020-002", reason="Stability test failed.")

    with pytest.raises(ConflictError) as err:
        mv.voucher_approve(actor=kti.commander, voucher=issue)

    assert err.value.code == "suspended"
    assert kti.balance("EX16B020-002", kti.s1) == 600
    check = mv.voucher_check(actor=kti.keeper, voucher=issue)
    assert not check.ok and check.error.code == "suspended"


def test_lifting_is_journaled_and_the_lot_moves_again(two_depots):
    kti, _gao = two_depots
    s = lot_suspend(actor=kti.technician, lot_number="EX16B020-002", reason="Fuze defect found.")

    with pytest.raises(ValidationError) as err:
        lot_suspension_lift(actor=kti.technician, suspension=s, reason="ok")
    assert "reason" in err.value.details
    lot_suspension_lift(
        actor=kti.technician, suspension=s, reason="Manufacturer cleared the lot (letter 2026-12)."
    )

    s.refresh_from_db()
    assert not s.is_active and s.lifted_by == kti.technician
    assert JournalEntry.objects.latest("seq").kind == "lot.suspension_lifted"
    issue = kti.draft("issue", custodian_unit="Batterie")
    kti.add(issue, "EX16B020-002", 10)
    kti.post(issue)
    assert kti.balance("EX16B020-002", kti.s1) == 590
    with pytest.raises(ConflictError):
        lot_suspension_lift(actor=kti.technician, suspension=s, reason="Lifted a second time.")
    assert journal_verify(user=SystemActor("system:test")).ok


def test_bad_input_is_refused_and_nothing_is_written(two_depots, make):
    kti, gao = two_depots
    count = LotSuspension.objects.count()

    with pytest.raises(NotFoundError) as err:
        lot_suspend(actor=kti.technician, lot_number="NO-SUCH-LOT", reason="A long enough reason.")
    assert "lot_number" in err.value.details
    with pytest.raises(ValidationError) as err:
        lot_suspend(actor=kti.technician, lot_number="EX16B020-002", reason="short")
    assert "reason" in err.value.details
    with pytest.raises(PermissionDeniedError):
        lot_suspend(actor=kti.keeper, lot_number="EX16B020-002", reason="A long enough reason.")
    other = Depot(make, "SEG")
    with pytest.raises(PermissionDeniedError):  # a technician of a site that holds none of it
        lot_suspend(
            actor=other.technician, lot_number="EX16B020-002", reason="A long enough reason."
        )
    lot_suspend(actor=gao.technician, lot_number="EX16B020-002", reason="A long enough reason.")
    with pytest.raises(ConflictError):
        lot_suspend(actor=kti.technician, lot_number="EX16B020-002", reason="Once more, again.")
    assert LotSuspension.objects.count() == count + 1


def test_pages_api_and_dashboard(two_depots, client, api_client):
    kti, _gao = two_depots
    client.force_login(kti.technician)

    page = client.post(
        "/ammunition/lots/suspensions/",
        {"lot_number": "EX16B020-002", "reason": "Fuze defect reported.", "reference": "R-1"},
    )
    assert page.status_code == 302
    listing = client.get("/ammunition/lots/suspensions/").content.decode()
    assert "EX16B020-002" in listing and "Fuze defect reported." in listing
    client.force_login(kti.keeper)
    home = client.get("/").content.decode()
    assert 'id="suspended-lots"' in home and "EX16B020-002" in home
    api_client.force_authenticate(kti.technician)
    (row,) = api_client.get("/api/v1/lot-suspensions/").json()["results"]
    bad = api_client.get("/api/v1/lot-suspensions/", {"state": "nonsense"})
    lifted = api_client.post(
        f"/api/v1/lot-suspensions/{row['id']}/lift/",
        {"reason": "Tests passed at the laboratory."},
        format="json",
    )
    assert bad.status_code == 400 and "state" in bad.json()["details"]
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == kti.technician.username
