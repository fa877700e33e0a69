"""Trace requests and lost and stolen weapons as sortable tables (issue 18, item 5)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from pssm.tracing import services
from tests.lists import shown, sorted_both_ways


def _trace(authority, serial, direction="received", **values):
    today = timezone.localdate()
    return services.trace_request_create(
        actor=authority,
        country=authority.grants.get().country,
        direction=direction,
        requester_kind="state",
        counterpart="Niger",
        make="Kalashnikov",
        serial=serial,
        received_on=today - timedelta(days=2),
        deadline=today + timedelta(days=28),
        **values,
    )


def test_trace_requests_sort_by_serial_and_filter_by_direction_and_search(make, kti, client):
    authority = make.user("national_authority", make.country(), language="en")
    _trace(authority, "ZK-1")
    _trace(authority, "AK-9")
    _trace(authority, "MK-5", direction="sent")
    client.force_login(authority)
    url = reverse("tracing:request_list")

    up, down = sorted_both_ways(client, url, "serial", lambda t: t.serial)
    sent = shown(client.get(url, {"direction": "sent"}))
    found = shown(client.get(url, {"q": "zk-"}))

    assert up == ["AK-9", "MK-5", "ZK-1"] and down == up[::-1]
    assert [t.serial for t in sent] == ["MK-5"] and [t.serial for t in found] == ["ZK-1"]


def test_the_dashboards_links_to_lost_and_stolen_weapons_still_filter(make, kti, client):
    kti.receive("LS-1", "LS-2")
    kti.post("loss", ["LS-2", "LS-1"], reason="stolen", police_report="PV-1")
    authority = make.user("national_authority", make.country(), language="en")
    client.force_login(authority)
    url = reverse("tracing:lost_stolen")

    up, down = sorted_both_ways(client, url, "serial", lambda line: line.weapon.serial)
    here = shown(client.get(url, {"country": "ML", "all": 1}))
    elsewhere = shown(client.get(url, {"country": "NE", "all": 1}))

    assert up == ["LS-1", "LS-2"] and down == ["LS-2", "LS-1"]
    assert len(here) == 2 and elsewhere == []
