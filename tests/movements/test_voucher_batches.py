"""Batches of serials (issue 18, build item 4): one API request and one journal entry for a
list; a receipt scan whose cost does not grow with the voucher; ``--as`` anywhere on a
``pssm`` command line."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pssm.cli import main
from pssm.core.management.base import hoist_as
from pssm.journal.models import JournalEntry
from pssm.movements import services
from pssm.movements.models import Voucher


def _issue(kti):
    from pssm.registry.services import person_create

    person = person_create(
        actor=kti.keeper,
        site=kti.site,
        service_number="ML-0042",
        first_name="Moussa",
        last_name="Traoré",
        rank="Sergent",
    )
    return services.voucher_create(actor=kti.keeper, site=kti.site, kind="issue", custodian=person)


def test_a_list_of_serials_is_one_request_and_one_journal_entry(kti, api_client):
    serials = [f"BT-{n:03d}" for n in range(20)]
    kti.receive(*serials)
    voucher = _issue(kti)
    api_client.force_authenticate(kti.keeper)
    entries = JournalEntry.objects.count()

    answer = api_client.post(
        f"/api/v1/vouchers/{voucher.pk}/lines/",
        [{"serial": s.lower().replace("-", "")} for s in serials],
        format="json",
    )

    assert answer.status_code == 201
    assert [line["serial"] for line in answer.json()] == serials
    assert JournalEntry.objects.count() == entries + 1
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry.kind == "voucher.lines_added" and json.loads(entry.payload)["serials"] == serials


def test_a_bad_serial_in_a_list_names_its_row_and_adds_nothing(kti, api_client):
    kti.receive("BT-1", "BT-2")
    voucher = _issue(kti)
    api_client.force_authenticate(kti.keeper)

    answer = api_client.post(
        f"/api/v1/vouchers/{voucher.pk}/lines/",
        [{"serial": "BT-1"}, {"serial": "NOPE-9"}, {"serial": "BT-2"}],
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    twice = api_client.post(
        f"/api/v1/vouchers/{voucher.pk}/lines/",
        [{"serial": "BT-1"}, {"serial": "bt1"}],
        format="json",
    )
    lots = api_client.post(
        f"/api/v1/vouchers/{voucher.pk}/lines/",
        [{"lot_number": "L-1", "quantity": 3}],
        format="json",
    )
    empty = api_client.post(f"/api/v1/vouchers/{voucher.pk}/lines/", [], format="json")

    assert answer.status_code == 404 and answer.json()["details"]["row"] == 2
    assert "NOPE-9" in answer.json()["message"]
    assert twice.status_code == 409 and twice.json()["details"]["row"] == 2
    assert lots.status_code == 400 and lots.json()["details"]["row"] == 1
    assert empty.status_code == 400
    assert not Voucher.objects.get(pk=voucher.pk).lines.exists()


def _receipt_with(kti, seg, n):
    serials = [f"RS{n}-{i:04d}" for i in range(n)]
    kti.receive(*serials)
    dispatch = kti.post("transfer", serials, destination=seg.site)
    receipt = services.voucher_create(
        actor=seg.keeper,
        site=seg.site,
        kind="transfer_receipt",
        dispatch=dispatch,
        location=seg.rack,
    )
    return receipt, serials


def _scan_queries(seg, receipt, serial) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.voucher_line_add(actor=seg.keeper, voucher=receipt, serial=serial)
    return len(queries)


def test_a_receipt_scan_costs_the_same_whatever_the_size_of_the_voucher(kti, seg):
    small, small_serials = _receipt_with(kti, seg, 3)
    big, big_serials = _receipt_with(kti, seg, 60)

    on_small = _scan_queries(seg, small, small_serials[-1])
    on_big = _scan_queries(seg, big, big_serials[-1])

    assert on_small == on_big
    assert big.lines.get(serial=big_serials[-1]).received is True
    assert big.lines.filter(received=True).count() == 1


def test_a_second_scan_of_a_received_serial_is_refused(kti, seg):
    receipt, serials = _receipt_with(kti, seg, 2)
    services.voucher_line_add(actor=seg.keeper, voucher=receipt, serial=serials[0])

    from pssm.domain.errors import ConflictError

    with pytest.raises(ConflictError):
        services.voucher_line_add(actor=seg.keeper, voucher=receipt, serial=serials[0].lower())


@pytest.mark.parametrize(
    ("given", "wanted"),
    [
        (
            ["pssm", "voucher", "approve", "7", "--as", "cdt"],
            ["pssm", "voucher", "--as", "cdt", "approve", "7"],
        ),
        (
            ["pssm", "voucher", "--as", "cdt", "show", "7"],
            ["pssm", "voucher", "--as", "cdt", "show", "7"],
        ),
        (
            ["pssm", "voucher", "add", "7", "--as=mag", "A1"],
            ["pssm", "voucher", "--as=mag", "add", "7", "A1"],
        ),
        (["pssm", "trace", "X", "--as", "a", "--as", "b"], ["pssm", "trace", "--as", "b", "X"]),
        (
            ["pssm", "voucher", "add", "7", "--", "--as", "x"],
            ["pssm", "voucher", "add", "7", "--", "--as", "x"],
        ),
        (["pssm", "journal", "verify"], ["pssm", "journal", "verify"]),
    ],
)
def test_as_is_moved_before_the_subcommand(given, wanted):
    assert hoist_as(given) == wanted


def test_as_after_the_subcommand_acts_as_that_user(transactional_db, kti, capsys):
    # transactional: a command run from its command line closes the database connections.
    kti.receive("CL-1")
    voucher = _issue(kti)
    services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="CL-1")
    services.voucher_submit(actor=kti.keeper, voucher=voucher)

    main(["voucher", "approve", voucher.number, "--as", kti.commander.username])
    capsys.readouterr()
    main(["voucher", "show", voucher.number, "--as", kti.commander.username])

    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "posted"
    assert Voucher.objects.get(pk=voucher.pk).approved_by == kti.commander


def test_a_receipt_batch_ticks_the_lines_once_and_records_the_unexpected(kti, seg):
    receipt, serials = _receipt_with(kti, seg, 5)
    entries = JournalEntry.objects.count()

    lines = services.voucher_lines_add(
        actor=seg.keeper,
        voucher=receipt,
        items=[{"serial": s.lower()} for s in serials[:3]] + [{"serial": "NOT-SENT-1"}],
    )
    from pssm.domain.errors import ConflictError

    with pytest.raises(ConflictError) as twice:
        services.voucher_lines_add(
            actor=seg.keeper,
            voucher=receipt,
            items=[{"serial": serials[3]}, {"serial": serials[0]}],
        )

    assert [line.serial for line in lines] == [*serials[:3], "NOT-SENT-1"]
    assert set(receipt.lines.filter(received=True).values_list("serial", flat=True)) == {
        *serials[:3],
        "NOT-SENT-1",
    }
    assert twice.value.details["row"] == 2
    assert not receipt.lines.get(serial=serials[3]).received  # all or nothing
    assert JournalEntry.objects.count() == entries + 1


def test_a_batch_with_an_item_the_site_does_not_hold_names_its_row(kti, seg):
    kti.receive("MIX-1", "MIX-2")
    seg.receive("MIX-3")
    voucher = _issue(kti)

    from pssm.domain.errors import PssmError

    with pytest.raises(PssmError) as err:
        services.voucher_lines_add(
            actor=kti.keeper,
            voucher=voucher,
            items=[{"serial": "MIX-1"}, {"serial": "MIX-2"}, {"serial": "MIX-3"}],
        )

    assert err.value.details["row"] == 3
    assert not voucher.lines.exists()
