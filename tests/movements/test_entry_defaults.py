"""Sensible defaults (issue 18, build item 4): the only site preselected, a return goes back
to the location the weapon was issued from, and persons are found as one types."""

from django.urls import reverse

from pssm.movements import services
from pssm.movements.forms import StartForm
from pssm.registry.models import Weapon
from pssm.registry.services import person_create


def test_the_only_site_is_preselected_and_several_are_not(kti, make):
    several = make.user("storekeeper", kti.site.organisation, username="org-keeper")
    make.site(kti.site.organisation, code="KTI2")

    assert StartForm(user=kti.keeper)["site"].value() == kti.site.code
    assert StartForm(user=several)["site"].value() is None


def _issued(kti, serial):
    kti.receive(serial)
    issue = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 2"
    )
    services.voucher_line_add(actor=kti.keeper, voucher=issue, serial=serial)
    services.voucher_submit(actor=kti.keeper, voucher=issue)
    services.voucher_approve(actor=kti.commander, voucher=issue)


def test_a_return_goes_back_to_the_rack_it_was_issued_from(kti):
    _issued(kti, "RT-1")
    back = services.voucher_create(actor=kti.keeper, site=kti.site, kind="return")

    line = services.voucher_line_add(actor=kti.keeper, voucher=back, serial="RT-1")
    services.voucher_submit(actor=kti.keeper, voucher=back)
    services.voucher_approve(actor=kti.commander, voucher=back)

    assert line.location == kti.rack  # the receipt put it in R01
    assert Weapon.objects.get(serial="RT-1").location == kti.rack


def test_a_location_chosen_on_the_return_still_wins(kti):
    _issued(kti, "RT-2")
    back = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="return", location=kti.rack2
    )

    services.voucher_line_add(actor=kti.keeper, voucher=back, serial="RT-2")
    services.voucher_submit(actor=kti.keeper, voucher=back)
    services.voucher_approve(actor=kti.commander, voucher=back)

    assert Weapon.objects.get(serial="RT-2").location == kti.rack2


def test_persons_are_found_by_name_or_service_number_as_one_types(client, kti, seg):
    for site, number, last in ((kti.site, "ML-1001", "Diallo"), (kti.site, "ML-1002", "Touré")):
        person_create(
            actor=kti.keeper, site=site, service_number=number, first_name="A", last_name=last
        )
    person_create(
        actor=seg.keeper,
        site=seg.site,
        service_number="ML-2001",
        first_name="B",
        last_name="Diallo",
    )
    client.force_login(kti.keeper)
    url = reverse("movements:person_options")

    by_name = client.get(url, {"site": kti.site.code, "q": "dial"}).content.decode()
    by_number = client.get(url, {"site": kti.site.code, "q": "1002"}).content.decode()
    other_site = client.get(url, {"site": seg.site.code, "q": "dial"}).content.decode()

    assert "DIALLO A (ML-1001)" in by_name and "ML-2001" not in by_name and "TOURÉ" not in by_name
    assert "TOURÉ A (ML-1002)" in by_number
    assert "ML-2001" not in other_site  # a site the storekeeper does not see
