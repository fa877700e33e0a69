"""Scanning a count (issue 18, build item 4): a duplicate scan is flagged and not counted
twice, a scan can be undone, and with htmx each scan is answered in a few hundred bytes
whatever the size of the count."""

import pytest
from django.urls import reverse

from pssm.domain.errors import ConflictError, PermissionDeniedError
from pssm.inspections import scans, services
from pssm.journal.models import JournalEntry
from tests.movements.conftest import Armoury

SERIALS = [f"CS-{n:03d}" for n in range(60)]


@pytest.fixture
def kti(make):
    armoury = Armoury(make, "KTI")
    armoury.receive(*SERIALS)
    return armoury


def _count(kti):
    return services.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")


def test_a_duplicate_scan_is_refused_and_counted_once(kti):
    count = _count(kti)
    services.count_scan(actor=kti.keeper, count=count, serial="CS-001", location=kti.rack)

    with pytest.raises(ConflictError) as same_place:
        services.count_scan(actor=kti.keeper, count=count, serial="cs001", location=kti.rack)
    with pytest.raises(ConflictError) as elsewhere:
        services.count_scan(actor=kti.keeper, count=count, serial="CS-001", location=kti.rack2)

    assert same_place.value.code == elsewhere.value.code == "duplicate"
    assert same_place.value.params["location"] == kti.rack.code
    assert count.scans.count() == 1
    closed = services.count_close(actor=kti.commander, count=count)
    assert not [f for f in closed.findings if f["result"] == "scanned_twice"]


def test_a_wrong_scan_is_undone_by_the_counter_only_and_journaled(kti):
    count = _count(kti)
    scan = services.count_scan(actor=kti.keeper, count=count, serial="CS-002", location=kti.rack)

    with pytest.raises(PermissionDeniedError):
        scans.count_scan_undo(actor=kti.commander, count=count, scan_id=scan.pk)
    scans.count_scan_undo(actor=kti.keeper, count=count, scan_id=scan.pk)
    again = services.count_scan(actor=kti.keeper, count=count, serial="CS-002", location=kti.rack2)

    assert list(count.scans.values_list("pk", flat=True)) == [again.pk]
    entry = JournalEntry.objects.filter(kind="count.scan_undone").get()
    assert "CS-002" in str(entry.payload)


def _scan_bytes(client, count, location, serial) -> tuple[int, str]:
    answer = client.post(
        reverse("inspections:count_detail", args=[count.pk]),
        {"serial": serial, "location": location.pk},
        HTTP_HX_REQUEST="true",
    )
    return len(answer.content), answer.content.decode()


def test_each_scan_costs_a_few_hundred_bytes_whatever_the_count(client, kti):
    count = _count(kti)
    client.force_login(kti.keeper)

    first, first_body = _scan_bytes(client, count, kti.rack, SERIALS[0])
    for serial in SERIALS[1:50]:
        services.count_scan(actor=kti.keeper, count=count, serial=serial, location=kti.rack)
    later, later_body = _scan_bytes(client, count, kti.rack, SERIALS[50])
    twice, twice_body = _scan_bytes(client, count, kti.rack, SERIALS[50])

    assert first < 1200 and abs(later - first) <= 4  # the total's digits only
    assert 'hx-swap-oob="afterbegin:#scan-list"' in later_body and SERIALS[50] in later_body
    assert "<html" not in later_body
    assert 'role="alert"' in twice_body and "scan-list" not in twice_body
    assert count.scans.count() == 51


def test_undo_in_place_removes_the_row(client, kti):
    count = _count(kti)
    scan = services.count_scan(actor=kti.keeper, count=count, serial="CS-003", location=kti.rack)
    client.force_login(kti.keeper)

    answer = client.post(
        reverse("inspections:count_detail", args=[count.pk]),
        {"op": "undo", "scan": scan.pk},
        HTTP_HX_REQUEST="true",
    )

    body = answer.content.decode()
    assert f'id="scan-{scan.pk}" hx-swap-oob="delete"' in body
    assert not count.scans.exists()
