"""A storekeeper prepares the receipt of detonators into a storehouse of demolition charges.
The draft already says, in words and figures, that posting would be refused and why; the
commander is offered no approve button, sees the reason and sends the voucher back to draft;
the storekeeper finds it as a draft with that reason. The QD report shows the plan."""

from tests.e2e.test_voucher_journey import sign_in


def test_safety_is_shown_at_draft_time_and_the_voucher_is_sent_back(live_server, make, browser):
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
    check = page.locator("#safety-check")
    assert "Stockage incompatible" in check.inner_text()  # seen while preparing
    assert "CG.COND.1" in check.inner_text()
    page.click("#submit-voucher")
    page.wait_for_selector("text=Soumis")
    voucher_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, depot.commander.username)
    page.goto(voucher_url)
    assert page.locator("#approve-voucher").count() == 0  # it would be refused
    assert "Stockage incompatible" in page.locator("#safety-check").inner_text()
    page.fill("#send-back-reason", "Détonateurs à stocker au magasin 1, séparés des charges.")
    page.click("#send-back")
    page.wait_for_selector("text=renvoyé à son auteur")
    page.click("#logout")

    sign_in(page, live_server.url, depot.keeper.username)
    page.goto(voucher_url)
    assert "Brouillon" in page.content()
    assert "séparés des charges" in page.locator("#sent-back").inner_text()
    assert page.locator("#add-lot").count() == 1  # the draft can be corrected

    page.goto(f"{live_server.url}/ammunition/safety/{depot.site.code}/")
    assert page.locator("svg.plan").count() == 1
    assert "Rapport de distances de sécurité" in page.content()
