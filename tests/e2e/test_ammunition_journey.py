"""A storekeeper receives detonators into a storehouse of demolition charges: the commander's
approval is refused with the rule named; the QD report shows the plan in English."""

from tests.e2e.test_voucher_journey import sign_in


def test_incompatible_receipt_is_refused_in_the_browser(live_server, make, browser):
    from tests.ammunition.conftest import Depot

    depot = Depot(make)
    depot.receive("TNT-1", 500, "CHG-DEMO-TNT-400", location=depot.s2)
    page = browser.new_page()

    sign_in(page, live_server.url, depot.keeper.username)
    page.goto(f"{live_server.url}/movements/vouchers/new/?site={depot.site.code}&kind=receipt")
    page.select_option("#id_reason", "acquisition")
    page.select_option("#id_location", label=str(depot.s2))
    page.click("button:has-text('Ouvrir le brouillon')")
    page.wait_for_selector("text=ouvert en brouillon")
    page.fill("#id_lot_number", "DET-2026-1")
    page.fill("#id_quantity", "100")
    page.select_option("#id_nature", "DET-NONEL")
    page.click("#add-lot")
    page.wait_for_selector("td:has-text('DET-2026-1')")
    page.click("#submit-voucher")
    page.wait_for_selector("text=Soumis")
    voucher_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, depot.commander.username)
    page.goto(voucher_url)
    page.click("#approve-voucher")
    page.wait_for_selector("li.error:has-text('Stockage incompatible')")
    assert "CG.COND.1" in page.content()
    assert "Soumis" in page.content()  # still waiting, nothing posted

    page.goto(f"{live_server.url}/ammunition/safety/{depot.site.code}/")
    assert page.locator("svg.plan").count() == 1
    assert "Rapport de distances de sécurité" in page.content()
