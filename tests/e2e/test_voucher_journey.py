"""A storekeeper prepares an issue voucher, a commander approves it, the weapon is found by a
mistyped serial and the voucher prints as PDF."""

from tests.conftest import PASSWORD


def sign_in(page, url, username, heading="Tableau de bord"):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector(f"h1:has-text('{heading}')")


def test_voucher_from_draft_to_posted_with_a_second_approver(live_server, make, browser):
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    kti.receive("AK-470015")
    page = browser.new_page()

    sign_in(page, live_server.url, kti.keeper.username)
    page.goto(f"{live_server.url}/movements/vouchers/new/?site=ML-KTI&kind=issue")
    page.fill("#id_custodian_unit", "Section d'intervention")
    page.click("button:has-text('Ouvrir le brouillon')")
    page.wait_for_selector("text=ouvert en brouillon")
    page.fill("#id_serial", "ak 47OO15")
    page.click("#add-line")
    page.wait_for_selector("a:has-text('AK-470015')")
    page.click("#submit-voucher")
    page.wait_for_selector("text=Soumis")
    assert page.locator("#approve-voucher").count() == 0  # the preparer cannot approve
    voucher_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, kti.commander.username)
    page.goto(voucher_url)
    page.click("#approve-voucher")
    page.wait_for_selector("text=Bon approuvé et comptabilisé")
    assert "Comptabilisé" in page.content()

    page.goto(f"{live_server.url}/registry/weapons/?serial=AK47-0O15")
    assert page.locator("td:has-text('Perçue')").count() == 1
    pdf = page.request.get(voucher_url + "pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
