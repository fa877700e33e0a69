"""The count page stays light on a 2G link (issue 18): a closed count names each weapon once
and gives a table row only to the gaps; an open count shows its counter the latest scans, all
of them on request, under one undo form instead of a form per scan."""

import re

import pytest

from pssm.inspections import services
from pssm.inspections.views import SCANS_SHOWN
from tests.movements.conftest import Armoury

SERIALS = [f"CP-{n:03d}" for n in range(SCANS_SHOWN + 10)]


@pytest.fixture
def kti(make):
    armoury = Armoury(make, "KTI")
    armoury.receive(*SERIALS)
    return armoury


def _count(kti):
    return services.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")


def test_a_closed_count_names_each_weapon_once_and_tabulates_only_the_gaps(client, kti):
    count = _count(kti)
    for serial in SERIALS[1:]:
        services.count_scan(actor=kti.keeper, count=count, serial=serial, location=kti.rack)
    services.count_close(actor=kti.commander, count=count)
    client.force_login(kti.commander)

    body = client.get(f"/inspections/counts/{count.pk}/").content.decode()

    missing, *found = [s.replace("-", "") for s in SERIALS]  # findings keep normalised serials
    assert re.search(rf'<tr class="bad"><td>manquante</td><td class="mono">{missing}<', body)
    assert body.count("<tr") == 2  # the header and the one gap
    assert all(body.count(serial) == 1 for serial in found)
    assert f"trouvée: {len(found)}" in body and "manquante: 1" in body
    assert "scan-list" not in body  # the findings already say where each scan was


def test_an_open_count_shows_the_latest_scans_under_one_undo_form(client, kti):
    count = _count(kti)
    scans = [
        services.count_scan(actor=kti.keeper, count=count, serial=serial, location=kti.rack)
        for serial in SERIALS
    ]
    client.force_login(kti.keeper)

    latest = client.get(f"/inspections/counts/{count.pk}/").content.decode()
    every = client.get(f"/inspections/counts/{count.pk}/?scans=all").content.decode()

    assert latest.count("data-undo-scan") == SCANS_SHOWN and 'id="all-scans"' in latest
    assert SERIALS[-1] in latest and SERIALS[0] not in latest
    assert every.count("data-undo-scan") == len(SERIALS) and 'id="all-scans"' not in every
    token = 'name="csrfmiddlewaretoken"'
    assert every.count(token) == latest.count(token)  # one undo form, whatever the scans
    assert f'id="scan-total">{len(SERIALS)}<' in latest

    client.post(f"/inspections/counts/{count.pk}/", {"op": "undo", "scan": scans[0].pk})

    assert not count.scans.filter(pk=scans[0].pk).exists()
    assert count.scans.count() == len(SERIALS) - 1
