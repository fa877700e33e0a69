"""A storekeeper plans the destruction of two rifles, adds them on the voucher, finds one
missing on the day and records the destruction before two witnesses (a first attempt with one
witness is refused and keeps what was typed); the commander approves; the rifle is destroyed,
the missing one is a discrepancy case, and the certificate downloads as a PDF."""

from django.utils import timezone

from tests.e2e.test_voucher_journey import sign_in


def test_a_destruction_from_plan_to_certificate(live_server, make, browser):
    from pssm.movements.models import Discrepancy
    from pssm.registry.models import Weapon
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    kti.receive("DX-1001", "DX-1002")
    today = timezone.localdate().isoformat()
    page = browser.new_page()

    sign_in(page, live_server.url, kti.keeper.username)
    page.goto(f"{live_server.url}/movements/destructions/")
    page.select_option("#id_site", kti.site.code)
    page.select_option("#id_method", "cutting")
    page.fill("#id_place", "Aire de destruction de Kati")
    page.fill("#id_planned_date", today)
    page.click("#plan-destruction")
    page.wait_for_selector("text=Destruction planifiée")
    for serial in ("DX-1001", "DX-1002"):
        page.fill("#id_serial", serial)
        page.click("#add-line")
        page.wait_for_selector(f"td:has-text('{serial}')")
    page.click("#destruction-record")
    page.select_option("select[aria-label='DX-1002']", "0")  # not found on the day
    page.fill("#destroyed-on", today)
    page.fill("#w-name-0", "Cne Diarra")
    page.fill("#w-org-0", "1er Bataillon")
    page.click("#record-destruction")
    page.wait_for_selector("text=témoins")
    assert page.input_value("#w-name-0") == "Cne Diarra"  # nothing typed is lost
    assert page.input_value("select[aria-label='DX-1002']") == "0"
    page.fill("#w-name-1", "M. Keita")
    page.fill("#w-org-1", "Commission nationale")
    page.check("#w-out-1")
    page.click("#record-destruction")
    page.wait_for_selector("text=soumise à l'approbation")
    voucher_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, kti.commander.username)
    page.goto(voucher_url)
    # The approver sees what was recorded on the day before approving it.
    assert "1 sur 2 armes" in page.inner_text("#destroyed-planned")
    assert "M. Keita" in page.inner_text("#witnesses")
    page.click("#approve-voucher")
    page.wait_for_selector("text=Comptabilisé")
    page.click("#destruction-record")
    href = page.get_attribute("#certificate", "href")
    pdf = page.request.get(f"{live_server.url}{href}")

    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert Weapon.objects.get(serial="DX-1001").status == "destroyed"
    assert Weapon.objects.get(serial="DX-1002").status == "in_store"
    assert Discrepancy.objects.filter(serial="DX-1002", kind="missing").exists()
