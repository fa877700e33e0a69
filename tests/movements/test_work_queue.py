"""Work queues at the top of each role's dashboard, and the pages of a transfer found short
(issue 18, build items 1 and 2)."""

from django.urls import reverse

from pssm.dashboard.queue import work_queue
from pssm.movements import cases, services

from .conftest import SERIALS


def _titles(user):
    return {part: [item.title for item in items] for part, items in work_queue(user).items()}


def test_the_commander_sees_the_voucher_waiting_for_approval_with_its_age(kti):
    kti.receive("Q-1")
    voucher = services.voucher_create(actor=kti.keeper, site=kti.site, kind="loss", reason="lost")
    services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="Q-1")
    services.voucher_submit(actor=kti.keeper, voucher=voucher)

    queue = work_queue(kti.commander)
    keeper_queue = work_queue(kti.keeper)

    [item] = queue["approve"]
    assert voucher.number in item.title
    assert item.url == reverse("movements:voucher_detail", args=[voucher.pk])
    assert item.age is not None and item.age.total_seconds() >= 0
    assert "approve" not in keeper_queue  # a storekeeper approves nothing


def test_the_receiver_is_told_of_the_incoming_transfer_and_both_sites_of_the_shortfall(route):
    kti, sev = route["kti"], route["sev"]

    receiver, sender = _titles(sev.keeper), _titles(kti.keeper)

    assert [t for t in receiver["incoming"] if route["dispatch"].number in t]
    assert [t for t in receiver["case"] if route["case"].number in t]
    assert [t for t in sender["case"] if route["case"].number in t]
    assert "incoming" not in sender  # the sender prepares nothing for its own dispatch


def test_the_approver_above_both_sites_sees_the_write_off_and_the_site_commander_does_not(route):
    kti, sev, case = route["kti"], route["sev"], route["case"]
    cases.case_recount(actor=sev.commander, case=case, confirmed=True)
    cases.case_investigate(actor=kti.keeper, case=case, note="Checked the escort's list.")
    voucher = cases.case_write_off(actor=kti.keeper, case=case, reason="lost")

    national, commander = _titles(route["national"]), _titles(kti.commander)

    assert [t for t in national["approve"] if voucher.number in t]
    assert not [t for t in commander.get("approve", []) if voucher.number in t]


def test_the_dashboard_page_starts_with_the_queue(client, route):
    client.force_login(route["sev"].keeper)

    page = client.get(reverse("core:dashboard")).content.decode()

    assert 'id="queue-incoming"' in page and route["dispatch"].number in page
    assert 'id="queue-case"' in page and route["case"].number in page


def test_the_in_transit_page_lists_the_dispatch_for_the_sender_and_the_nation(client, route):
    for user in (route["kti"].keeper, route["national"]):
        client.force_login(user)

        page = client.get(reverse("movements:in_transit")).content.decode()

        assert route["dispatch"].number in page and SERIALS[4] in page


def test_the_sender_settles_from_the_case_page_and_the_receiver_receives_it_late(client, route):
    sev, case = route["sev"], route["case"]
    client.force_login(sev.keeper)
    url = reverse("movements:case_detail", args=[case.pk])

    before = client.get(url).content.decode()
    response = client.post(url, {"op": "receive"})

    assert 'id="receive"' in before and 'id="explain"' not in before
    assert response.status_code == 302
    late = case.voucher.dispatch.receipts.order_by("-pk").first()
    assert response.url == reverse("movements:voucher_detail", args=[late.pk])
    assert list(late.lines.values_list("serial", flat=True)) == [SERIALS[4]]


def test_open_trace_requests_wait_for_the_authority_and_at_the_site_holding_the_weapon(
    kti, seg, make
):
    from datetime import timedelta
    from urllib.parse import urlencode

    from django.utils import timezone

    from pssm.tracing import services as tracing

    kti.receive("TRQ-1")
    authority = make.user("national_authority", kti.site.organisation.country)
    today = timezone.localdate()
    late = tracing.trace_request_create(
        actor=authority,
        country=kti.site.organisation.country,
        direction="received",
        requester_kind="interpol",
        counterpart="INTERPOL",
        make="Kalashnikov",
        model="AKM",
        serial="trq 1",  # as written on the request: the registry reads it normalised
        received_on=today - timedelta(days=40),
        deadline=today - timedelta(days=5),
    )

    [item] = work_queue(authority)["trace"]
    assert late.number in item.title and "5" in item.detail
    assert item.url == reverse("tracing:request_detail", args=[late.pk])
    [held] = work_queue(kti.keeper)["trace"]  # the weapon is to be checked where it is
    assert "trq 1" in held.detail
    assert held.url == reverse("registry:weapon_list") + "?" + urlencode({"q": "trq 1"})
    assert "trace" not in work_queue(seg.keeper)  # not held at SEG
