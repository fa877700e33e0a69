# ruff: noqa: E501
"""A blind count through the services and the page."""

import pytest

from pssm.domain.errors import NotFoundError, PermissionDeniedError
from pssm.inspections import services
from pssm.journal.models import JournalEntry
from tests.movements.conftest import Armoury


@pytest.fixture
def kti(make):
    armoury = Armoury(make, "KTI")
    armoury.receive("AK-1", "AK-2", "AK-3")
    return armoury


def test_a_count_finds_a_missing_weapon_and_is_closed_by_a_second_person(kti):
    count = services.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")
    services.count_scan(actor=kti.keeper, count=count, serial="ak 1", location=kti.rack)
    services.count_scan(actor=kti.keeper, count=count, serial="AK-3", location=kti.rack2)

    with pytest.raises(PermissionDeniedError):
        services.count_scan(actor=kti.commander, count=count, serial="AK-2", location=kti.rack)
    with pytest.raises(NotFoundError):
        services.count_scan(actor=kti.keeper, count=count, serial="XX-404", location=kti.rack)
    with pytest.raises(PermissionDeniedError) as err:
        services.count_close(actor=kti.keeper, count=count)
    assert err.value.code in {"two_person_rule", "permission_denied"}
    closed = services.count_close(actor=kti.commander, count=count)

    results = {(f["result"], f["serial"]) for f in closed.findings}
    assert results == {("found", "AK1"), ("wrong_location", "AK3"), ("missing", "AK2")}
    assert len(closed.gaps) == 2
    assert '"missing"' in JournalEntry.objects.filter(kind="count.closed").get().payload


def test_the_count_sheet_is_blind_for_the_counter(kti, client):
    client.force_login(kti.keeper)
    client.post(f"/inspections/counts/site/{kti.site.code}/", {"witness": "Lt Diarra"})
    from pssm.inspections.models import Count

    count = Count.objects.get()
    client.post(f"/inspections/counts/{count.pk}/", {"serial": "AK-1", "location": kti.rack.pk})
    sheet = client.get(f"/inspections/counts/{count.pk}/").content.decode()

    assert "AK-1" in sheet and "AK-2" not in sheet  # the books stay hidden
    client.force_login(kti.commander)
    client.post(f"/inspections/counts/{count.pk}/", {"op": "close"})
    count.refresh_from_db()
    assert count.state == "closed" and len(count.gaps) == 2
    result = client.get(f"/inspections/counts/{count.pk}/").content.decode()
    assert "manquante" in result and "AK2" in result  # findings in the user's language
