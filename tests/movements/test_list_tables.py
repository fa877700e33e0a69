"""The discrepancy cases, what is in transit, the destructions and a person's history as
sortable tables (issue 18, item 5): sorting by a column changes the order, the filters and
the links that carry them still filter, and a bad sort value is ignored."""

from django.urls import reverse

from pssm.movements import services
from pssm.registry import services as registry_services
from tests.lists import shown, sorted_both_ways

from .conftest import Armoury


def _short_transfer(sender, receiver, serials, received):
    """``sender`` sends ``serials`` to ``receiver``, which receives only ``received`` of them."""
    sender.receive(*serials)
    dispatch = sender.post("transfer", serials, destination=receiver.site)
    receipt = services.voucher_create(
        actor=receiver.keeper,
        site=receiver.site,
        kind="transfer_receipt",
        dispatch=dispatch,
        location=receiver.rack,
    )
    services.voucher_lines_add(
        actor=receiver.keeper, voucher=receipt, items=[{"serial": s} for s in received]
    )
    services.voucher_submit(actor=receiver.keeper, voucher=receipt)
    services.voucher_approve(actor=receiver.commander, voucher=receipt)
    return dispatch


def test_cases_sort_by_serial_and_filter_by_state_and_serial(route, client):
    _short_transfer(route["kti"], route["sev"], ["AA-0001", "AA-0002"], ["AA-0001"])
    client.force_login(route["national"])
    url = reverse("movements:case_list")

    up, down = sorted_both_ways(client, url, "item", lambda c: c.serial)
    open_ones = shown(client.get(url, {"state": "active"}))
    by_serial = shown(client.get(url, {"q": "AA-0002"}))
    closed = shown(client.get(url, {"state": "closed"}))

    assert up == ["AA-0002", "TR-0005"] and down == ["TR-0005", "AA-0002"]
    assert len(open_ones) == 2 and [c.serial for c in by_serial] == ["AA-0002"] and closed == []


def test_the_senders_link_from_in_transit_to_the_receivers_cases_still_filters(route, client):
    kti, sev = route["kti"], route["sev"]
    client.force_login(kti.commander)

    resp = client.get(reverse("movements:case_list"), {"state": "active", "site": sev.site.code})

    assert resp.context["table"].filter.errors_or_none() is None
    assert [c.pk for c in shown(resp)] == [route["case"].pk]


def test_in_transit_sorts_by_age_and_filters_by_site(route, make, client):
    kti, sev = route["kti"], route["sev"]
    seg = Armoury(make, "SEG")
    later = _short_transfer(kti, seg, ["BB-0001", "BB-0002"], ["BB-0001"])
    client.force_login(route["national"])
    url = reverse("movements:in_transit")

    oldest_first, newest_first = sorted_both_ways(client, url, "posted_at", lambda v: v.pk)
    to_seg = shown(client.get(url, {"site": seg.site.code}))
    html = client.get(url, {"sort": "-age"}).content.decode()

    assert oldest_first == [route["dispatch"].pk, later.pk] and newest_first == oldest_first[::-1]
    assert [v.pk for v in to_seg] == [later.pk]
    assert "BB-0002" in html and "TR-0005" in html  # the serials still on the way, per row
    assert sev.site.code in html


def test_in_transit_shows_a_page_in_a_bounded_number_of_queries(
    route, make, client, django_assert_max_num_queries
):
    seg = Armoury(make, "SEG")
    for n in range(3):
        _short_transfer(route["kti"], seg, [f"Q{n}-1", f"Q{n}-2"], [f"Q{n}-1"])
    client.force_login(route["national"])
    client.get(reverse("movements:in_transit"))

    with django_assert_max_num_queries(20):
        resp = client.get(reverse("movements:in_transit"), {"sort": "-outstanding"})

    assert len(shown(resp)) == 4


def test_destructions_refuse_a_year_that_is_not_one(kti, client):
    client.force_login(kti.commander)

    resp = client.get(reverse("movements:destruction_list"), {"year": "20x6", "sort": "nope"})

    assert resp.status_code == 200 and "year" in resp.context["table"].filter.errors_or_none()


def test_a_persons_history_sorts_by_serial(kti, client):
    person = registry_services.person_create(
        actor=kti.keeper,
        site=kti.site,
        service_number="KTI-2001",
        first_name="Awa",
        last_name="Keita",
        rank="Caporal",
    )
    kti.receive("AK-7", "AK-3")
    kti.post("issue", ["AK-7", "AK-3"], custodian=person)
    client.force_login(kti.keeper)
    url = reverse("registry:person_detail", args=[person.pk])

    up = client.get(url, {"sort": "serial"}).context["history"]
    down = client.get(url, {"sort": "-serial"}).context["history"]
    bad = client.get(url, {"sort": "no-such-column"})

    assert [r.record.weapon.serial for r in up.paginated_rows] == ["AK-3", "AK-7"]
    assert [r.record.weapon.serial for r in down.paginated_rows] == ["AK-7", "AK-3"]
    assert bad.status_code == 200


def test_notifications_sort_unread_first_or_by_date(kti, client):
    kti.receive("N-1")
    kti.receive("N-2")
    first = kti.commander.notices.order_by("created_at", "pk").first()
    client.force_login(kti.commander)
    client.post(reverse("notices:notice_open", args=[first.pk]))
    url = reverse("notices:notice_list")

    oldest, newest = sorted_both_ways(client, url, "created_at", lambda n: n.pk)
    unread_first = shown(client.get(url, {"sort": "text"}))

    assert len(oldest) >= 2 and oldest == newest[::-1]
    assert unread_first[0].read_at is None and unread_first[-1].pk == first.pk
