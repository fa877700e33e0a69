"""A blind count in the browser finds a missing weapon; the case is recounted by another
person, investigated and written off, approved by the national authority (in English)."""

from tests.e2e.test_voucher_journey import sign_in


def test_a_missing_weapon_is_followed_to_its_write_off_in_the_browser(live_server, make, browser):
    from pssm.accounts.models import User
    from pssm.movements.models import Discrepancy
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    kti.receive("AK-1", "AK-2")
    clerk = make.user("storekeeper", kti.site, username="clerk")
    national = make.user("national_authority", kti.site.organisation.country, username="dnac")
    User.objects.filter(pk=national.pk).update(preferred_language="en")
    page = browser.new_page()

    sign_in(page, live_server.url, kti.keeper.username)
    page.goto(f"{live_server.url}/inspections/counts/site/{kti.site.code}/")
    page.fill("#c-w", "Lt Diarra")
    page.click("#start-count")
    page.wait_for_selector("#scan")
    page.select_option("#s-loc", label=kti.rack.code)
    page.fill("#s-serial", "AK-1")
    page.click("#scan")
    page.wait_for_selector("li:has-text('AK-1')")
    assert "AK-2" not in page.content()  # blind
    count_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, kti.commander.username)
    page.goto(count_url)
    page.click("#close-count")
    page.wait_for_selector("text=DC-")
    page.click("a:has-text('DC-')")
    case_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, clerk.username)
    page.goto(case_url)
    page.check("input[name=confirmed][value=yes]")
    page.click("#recount")
    page.wait_for_selector("text=écart confirmé")
    page.fill("#i-note", "Not found anywhere; the rack padlock was forced.")
    page.click("#investigate")
    page.select_option("#w-reason", "stolen")
    page.click("#write-off")
    page.wait_for_selector("text=approbation au-dessus du site")
    voucher_url = page.url
    page.click("#logout")

    sign_in(page, live_server.url, national.username, heading="Dashboard")
    page.goto(voucher_url)
    page.click("#approve-voucher")
    page.wait_for_selector("text=Posted")
    page.goto(case_url)
    assert "Written off" in page.content()
    case = Discrepancy.objects.get()
    assert (case.state, case.resolution, case.weapon.status) == ("closed", "written_off", "stolen")
    page.goto(f"{live_server.url}/inspections/compliance/")
    assert "Compliance" in page.content() and "KTI" in page.content()
