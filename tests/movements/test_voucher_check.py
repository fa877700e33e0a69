"""The check before approval (what posting now would do, nothing written) and the return of
a submitted voucher to its preparer."""

import json

import pytest
from django.core.management import call_command

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.movements import services
from pssm.movements.models import Voucher, VoucherLine
from pssm.registry.models import Weapon
from tests.ammunition.conftest import Depot


def test_a_check_says_what_approval_would_meet_and_writes_nothing(kti):
    kti.receive("AK-1")
    v = services.voucher_create(actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="S1")
    services.voucher_line_add(actor=kti.keeper, voucher=v, serial="AK-1")
    entries, holding = JournalEntry.objects.count(), Weapon.objects.get(serial="AK-1").status

    ok = services.voucher_check(actor=kti.keeper, voucher=v)
    kti.post("issue", ["AK-1"], custodian_unit="S2")  # issued meanwhile
    refused = services.voucher_check(actor=kti.keeper, voucher=v)

    assert ok.ok and ok.error is None
    assert not refused.ok and refused.error.code == "ledger"
    assert "Only a weapon in store can be issued" in refused.error.render()
    assert refused.as_dict()["code"] == "ledger"
    assert holding == "in_store"
    assert JournalEntry.objects.count() == entries + 4  # only the second issue's own entries
    assert VoucherLine.objects.get(voucher=v).after is None


def test_a_lot_check_gives_the_storehouse_in_figures(make):
    depot = Depot(make)
    v = depot.draft("receipt", reason="acquisition", location=depot.s1)
    depot.add(v, "M82-9", 1000, "MORT-82-HE")

    check = services.voucher_check(actor=depot.keeper, voucher=v)

    (row,) = check.storehouses
    assert row["building"] == depot.esh1.code and row["governing_hd"] == "1.1"
    village = next(d for d in row["distances"] if d["exposed_site"].endswith("-VIL"))
    assert (village["required_m"], village["actual_m"], village["status"]) == ("400", "500.0", "ok")
    assert float(row["worst"]["margin_m"]) == min(float(d["margin_m"]) for d in row["distances"])
    assert check.ok


def test_a_submitted_voucher_is_sent_back_with_its_reason(kti, capsys):
    kti.receive("AK-2")
    v = services.voucher_create(actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="S1")
    services.voucher_line_add(actor=kti.keeper, voucher=v, serial="AK-2")
    services.voucher_submit(actor=kti.keeper, voucher=v)

    with pytest.raises(PermissionDeniedError):
        services.voucher_send_back(actor=kti.keeper, voucher=v, reason="Wrong unit named.")
    with pytest.raises(ValidationError) as err:
        services.voucher_send_back(actor=kti.commander, voucher=v, reason=" ")
    assert "reason" in err.value.details
    back = services.voucher_send_back(
        actor=kti.commander, voucher=v, reason="Wrong unit: it is the 2nd section."
    )

    assert back.state == Voucher.State.DRAFT and back.returned_by == kti.commander
    entry = JournalEntry.objects.filter(kind="voucher.sent_back").get()
    assert json.loads(entry.payload)["reason"] == "Wrong unit: it is the 2nd section."
    with pytest.raises(ConflictError):
        services.voucher_send_back(actor=kti.commander, voucher=v, reason="Again, twice.")
    services.voucher_submit(actor=kti.keeper, voucher=v)  # corrected and submitted again
    services.voucher_approve(actor=kti.commander, voucher=v)
    assert Weapon.objects.get(serial="AK-2").status == "issued"


def test_the_page_hides_approval_of_a_voucher_that_would_be_refused(make, client):
    depot = Depot(make)
    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    v = depot.draft("receipt", reason="acquisition", location=depot.s2)
    depot.add(v, "DET-1", 100, "DET-NONEL")
    services.voucher_submit(actor=depot.keeper, voucher=v)
    client.force_login(depot.commander)

    page = client.get(f"/movements/vouchers/{v.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="safety-check"' in page and "CG.COND.1" in page
    assert 'id="approve-voucher"' not in page and 'id="send-back"' in page
    posted = client.post(f"/movements/vouchers/{v.pk}/send-back/", {"reason": "Store apart."})
    assert posted.status_code == 302
    v.refresh_from_db()
    assert v.state == "draft" and v.returned_reason == "Store apart."


def test_the_api_and_the_command_check_and_send_back(kti, api_client, capsys):
    kti.receive("AK-3")
    v = services.voucher_create(actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="S1")
    services.voucher_line_add(actor=kti.keeper, voucher=v, serial="AK-3")
    services.voucher_submit(actor=kti.keeper, voucher=v)
    api_client.force_authenticate(kti.commander)

    checked = api_client.get(f"/api/v1/vouchers/{v.pk}/check/").json()
    bad = api_client.post(f"/api/v1/vouchers/{v.pk}/send-back/", {}, format="json")
    call_command("voucher", "check", v.number)
    out = json.loads(capsys.readouterr().out)
    call_command("voucher", "send-back", v.number, "--reason", "Missing order reference.")

    assert checked["ok"] is True and checked["code"] == ""
    assert bad.status_code == 400 and "reason" in bad.json()["details"]
    assert out["ok"] is True
    v.refresh_from_db()
    assert v.state == "draft"
