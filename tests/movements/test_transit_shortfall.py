"""A transfer found short at its receipt, to its settlement (issue 18, build item 1): the
case is seen by the receiver, the sender and the national level; it is settled by a late
receipt against the same dispatch (found) or by the sender's write-off as lost in transit,
approved above both sites; afterwards nothing of the transfer is left in transit."""

import pytest

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.movements import cases, selectors, services, transit
from pssm.movements.models import Discrepancy, Voucher
from pssm.registry.models import Weapon

from .conftest import SERIALS


def _ready(case, recounter, author):
    cases.case_recount(actor=recounter, case=case, confirmed=True)
    cases.case_investigate(
        actor=author, case=case, note="The escort's list has four weapons; KTI checked its rack."
    )


def test_the_shortfall_opens_one_case_seen_by_both_sites_and_the_nation(route):
    kti, sev, case = route["kti"], route["sev"], route["case"]

    seen = {
        name: list(selectors.case_list(user=user, filters={"state": "active"}))
        for name, user in (
            ("receiver", sev.keeper),
            ("sender", kti.keeper),
            ("national", route["national"]),
        )
    }

    assert Discrepancy.objects.filter(voucher=route["receipt"]).count() == 1
    assert case.serial == SERIALS[4] and case.kind == Discrepancy.Kind.MISSING
    assert case.origin_site == kti.site and case.site == sev.site
    assert all(found == [case] for found in seen.values())
    # The sender also opens the receipt that found the gap.
    assert selectors.voucher_get(user=kti.keeper, pk=route["receipt"].pk) == route["receipt"]


def test_the_in_transit_page_counts_what_is_still_on_the_way(route):
    kti, sev = route["kti"], route["sev"]

    rows = list(transit.in_transit_list(user=route["national"]))
    by_sender = list(transit.in_transit_list(user=kti.keeper, site=kti.site.code))
    serials = transit.outstanding_serials([route["dispatch"].pk])

    assert [(v.number, v.weapons_outstanding, v.lines_total, v.cases_open) for v in rows] == [
        (route["dispatch"].number, 1, 5, 1)
    ]
    assert [v.pk for v in by_sender] == [route["dispatch"].pk]
    assert serials == {route["dispatch"].pk: [SERIALS[4]]}
    assert list(transit.in_transit_list(user=sev.keeper, site="ZZZ")) == []


def test_explaining_it_away_is_refused_while_the_weapon_is_in_transit(route):
    sev, case = route["sev"], route["case"]
    _ready(case, sev.commander, sev.keeper)

    with pytest.raises(ConflictError) as err:
        cases.case_explain(actor=route["national"], case=case, note="It will come.")

    assert err.value.code == "in_transit"
    assert "explain" not in cases.steps_open_to(route["national"], case)


def test_found_late_is_received_against_the_same_dispatch_and_closes_the_case(route):
    sev, case, dispatch = route["sev"], route["case"], route["dispatch"]

    late = cases.case_receive(actor=sev.keeper, case=case)
    services.voucher_line_add(actor=sev.keeper, voucher=late, serial=SERIALS[4])
    services.voucher_submit(actor=sev.keeper, voucher=late)
    services.voucher_approve(actor=sev.commander, voucher=late)

    case.refresh_from_db()
    weapon = Weapon.objects.get(serial=SERIALS[4])
    assert late.dispatch == dispatch
    assert list(late.lines.values_list("serial", flat=True)) == [SERIALS[4]]
    assert case.state == Discrepancy.State.CLOSED
    assert case.resolution == Discrepancy.Resolution.FOUND
    assert (weapon.status, weapon.site, weapon.location, weapon.on_hold) == (
        "in_store",
        sev.site,
        sev.rack,
        False,
    )
    assert not Weapon.objects.filter(status="in_transit").exists()
    assert list(transit.in_transit_list(user=route["national"])) == []
    with pytest.raises(ValidationError):  # nothing left to receive
        services.voucher_create(
            actor=sev.keeper,
            site=sev.site,
            kind="transfer_receipt",
            dispatch=dispatch,
            location=sev.rack,
        )


def test_written_off_by_the_sender_as_lost_in_transit_approved_above_both_sites(route, make):
    kti, sev, case = route["kti"], route["sev"], route["case"]
    _ready(case, sev.commander, kti.keeper)
    # A commander above KTI only (its organisation) is not above SEV.
    org_commander = make.user("site_commander", kti.site.organisation, username="org-kti")

    with pytest.raises(PermissionDeniedError):
        cases.case_write_off(actor=sev.keeper, case=case, reason="lost")
    voucher = cases.case_write_off(actor=kti.keeper, case=case, reason="lost")
    with pytest.raises(PermissionDeniedError) as err:
        services.voucher_approve(actor=org_commander, voucher=voucher)
    services.voucher_approve(actor=route["national"], voucher=voucher)

    case.refresh_from_db()
    weapon = Weapon.objects.get(serial=SERIALS[4])
    assert err.value.code == "above_site"
    assert (voucher.site, voucher.kind, voucher.reason) == (kti.site, "loss", "lost")
    assert Voucher.objects.get(pk=voucher.pk).state == Voucher.State.POSTED
    assert (case.state, case.resolution) == ("closed", Discrepancy.Resolution.WRITTEN_OFF)
    assert (weapon.status, weapon.site, weapon.destination, weapon.on_hold) == (
        "lost",
        kti.site,
        None,
        False,
    )
    assert not Weapon.objects.filter(status="in_transit").exists()
    assert list(transit.in_transit_list(user=route["national"])) == []


def test_a_late_arrival_cancels_the_write_off_still_awaiting_approval(route):
    kti, sev, case = route["kti"], route["sev"], route["case"]
    _ready(case, sev.commander, kti.keeper)
    write_off = cases.case_write_off(actor=kti.keeper, case=case, reason="lost")

    late = cases.case_receive(actor=sev.keeper, case=case)
    services.voucher_line_add(actor=sev.keeper, voucher=late, serial=SERIALS[4])
    services.voucher_submit(actor=sev.keeper, voucher=late)
    services.voucher_approve(actor=sev.commander, voucher=late)

    case.refresh_from_db()
    assert Voucher.objects.get(pk=write_off.pk).state == Voucher.State.CANCELLED
    assert case.resolution == Discrepancy.Resolution.FOUND


def test_a_late_receipt_missing_it_again_keeps_the_one_case(route):
    sev, case = route["sev"], route["case"]

    late = cases.case_receive(actor=sev.keeper, case=case)
    services.voucher_submit(actor=sev.keeper, voucher=late)
    services.voucher_approve(actor=sev.commander, voucher=late)

    assert Discrepancy.objects.filter(weapon__serial=SERIALS[4]).count() == 1
    assert Discrepancy.objects.get(pk=case.pk).state == Discrepancy.State.OPEN
