"""Ammunition lots and suspended lots as sortable tables (issue 18, item 5)."""

from django.urls import reverse

from pssm.ammunition.suspensions import lot_suspend, lot_suspension_lift
from tests.lists import shown, sorted_both_ways


def test_lots_sort_by_quantity_and_filter_by_lot_or_nature(depot, client):
    depot.receive("M82-9", 100, "MORT-82-HE")
    depot.receive("M82-1", 40, "MORT-82-HE")
    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    client.force_login(depot.keeper)
    url = reverse("ammunition:lot_list")

    up, down = sorted_both_ways(client, url, "total", lambda r: r["lot__lot_number"])
    mortars = shown(client.get(url, {"q": "M82"}))
    bad = client.get(url, {"sort": "nope", "q": "TNT"})

    assert up == ["M82-1", "M82-9", "TNT-1"] and down == ["TNT-1", "M82-9", "M82-1"]
    assert {r["lot__lot_number"] for r in mortars} == {"M82-1", "M82-9"}
    assert bad.status_code == 200 and [r["total"] for r in shown(bad)] == [500]


def test_suspended_lots_sort_by_lot_and_filter_by_state(depot, client):
    depot.receive("M82-9", 100, "MORT-82-HE")
    depot.receive("M82-1", 40, "MORT-82-HE")
    kept = lot_suspend(actor=depot.technician, lot_number="M82-9", reason="Fuze defect reported.")
    lifted = lot_suspend(actor=depot.technician, lot_number="M82-1", reason="Stability doubt.")
    lot_suspension_lift(
        actor=depot.technician, suspension=lifted, reason="Test passed again, lot is fine."
    )
    client.force_login(depot.technician)
    url = reverse("ammunition:suspension_list")

    up, down = sorted_both_ways(client, url, "lot_number", lambda s: s.pk, state="all")
    in_force = shown(client.get(url))
    only_lifted = shown(client.get(url, {"state": "lifted"}))

    assert up == [lifted.pk, kept.pk] and down == [kept.pk, lifted.pk]
    assert [s.pk for s in in_force] == [kept.pk] and [s.pk for s in only_lifted] == [lifted.pk]
