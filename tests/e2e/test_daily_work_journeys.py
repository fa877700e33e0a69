"""Daily work at the depot in the browser (issue 18, "Done when"): a transfer found short to
its settlement, the commander's queue, a 20-weapon transfer entered by pasting, a count with
a duplicate scan undone, and a voucher PDF read back. Each journey leaves screenshots at
desktop and phone widths in var/screenshots/."""

import io
from pathlib import Path

from pypdf import PdfReader

from tests.e2e.test_voucher_journey import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    """The page as it is now, at desktop and at phone width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _english(*users):
    from pssm.accounts.models import User

    User.objects.filter(pk__in=[u.pk for u in users]).update(preferred_language="en")


def test_a_transfer_found_short_is_settled_and_nothing_stays_in_transit(live_server, make, browser):
    from pssm.movements.models import Discrepancy
    from pssm.registry.models import Weapon
    from tests.movements.conftest import Armoury

    kti, sev = Armoury(make, "KTI"), Armoury(make, "SEV")
    serials = ["SF-001", "SF-002", "SF-003"]
    kti.receive(*serials)
    dispatch = kti.post("transfer", serials, destination=sev.site)
    national = make.user("national_authority", kti.site.organisation.country, username="dnac")
    _english(kti.keeper, sev.keeper, sev.commander, national)
    page = browser.new_page(viewport=DESKTOP)

    # Sévaré's storekeeper receives two of the three by scanning them.
    sign_in(page, live_server.url, sev.keeper.username, heading="Dashboard")
    page.wait_for_selector("#queue-incoming")
    shoot(page, "shortfall-1-incoming-queue")
    page.goto(
        f"{live_server.url}/movements/vouchers/new/?site={sev.site.code}&kind=transfer_receipt"
    )
    page.select_option("#id_dispatch", label=dispatch.number)
    page.select_option("#id_location", index=1)
    page.click("#open-draft")
    page.wait_for_selector("#entry-form")
    for serial in serials[:2]:
        page.fill("[data-entry-field]", serial)
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#entry-answers li:has-text('{serial}')")
    page.click("#submit-voucher")
    receipt_url = page.url
    page.click("#logout")
    sign_in(page, live_server.url, sev.commander.username, heading="Dashboard")
    page.goto(receipt_url)
    page.click("#approve-voucher")
    page.wait_for_selector("a:has-text('DC-')")
    page.click("#logout")

    # The sender sees the case and the transfer still in transit.
    sign_in(page, live_server.url, kti.keeper.username, heading="Dashboard")
    page.wait_for_selector("#queue-case a:has-text('DC-')")
    page.goto(f"{live_server.url}/movements/in-transit/")
    page.wait_for_selector(f"#in-transit td:has-text('{serials[2]}')")
    shoot(page, "shortfall-2-in-transit-sender")
    page.goto(f"{live_server.url}/movements/cases/?state=active")
    page.click("a:has-text('DC-')")
    case_url = page.url
    page.fill("#i-note", "The escort's list shows two weapons; the rack at KTI was checked.")
    page.click("#investigate")
    page.click("#logout")

    # Sévaré's commander recounts; Kati writes it off as lost in transit.
    sign_in(page, live_server.url, sev.commander.username, heading="Dashboard")
    page.goto(case_url)
    page.check("input[name=confirmed][value=yes]")
    page.click("#recount")
    page.wait_for_selector("text=gap confirmed")
    page.click("#logout")
    sign_in(page, live_server.url, kti.keeper.username, heading="Dashboard")
    page.goto(case_url)
    shoot(page, "shortfall-3-case-write-off")
    page.select_option("#w-reason", "lost")
    page.click("#write-off")
    page.wait_for_url("**/movements/vouchers/*/")
    write_off_url = page.url
    page.click("#logout")

    # The national authority, above both sites, approves it from the queue.
    sign_in(page, live_server.url, national.username, heading="Dashboard")
    page.wait_for_selector("#queue-approve")
    page.goto(write_off_url)
    page.click("#approve-voucher")
    page.wait_for_selector("text=Posted")
    page.goto(f"{live_server.url}/movements/in-transit/")
    page.wait_for_selector("#in-transit td.muted")
    shoot(page, "shortfall-4-nothing-in-transit")
    page.goto(case_url)
    assert "Written off" in page.content()

    case = Discrepancy.objects.get()
    assert (case.state, case.origin_site) == ("closed", kti.site)
    assert not Weapon.objects.filter(status="in_transit").exists()
    assert Weapon.objects.get(serial=serials[2]).status == "lost"


def test_the_commander_approves_from_the_queue(live_server, make, browser):
    from pssm.movements import services
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    kti.receive("Q-001")
    loss = services.voucher_create(actor=kti.keeper, site=kti.site, kind="loss", reason="lost")
    services.voucher_line_add(actor=kti.keeper, voucher=loss, serial="Q-001")
    services.voucher_submit(actor=kti.keeper, voucher=loss)
    _english(kti.commander)
    page = browser.new_page(viewport=DESKTOP)

    sign_in(page, live_server.url, kti.commander.username, heading="Dashboard")
    item = page.locator(f"#queue-approve a:has-text('{loss.number}')")
    shoot(page, "queue-commander")
    item.click()
    page.click("#approve-voucher")
    page.wait_for_selector("text=Posted")
    page.goto(f"{live_server.url}/")

    assert page.locator(f"#queue-approve a:has-text('{loss.number}')").count() == 0


def test_a_twenty_weapon_transfer_is_entered_by_pasting(live_server, make, browser):
    from pssm.movements.models import Voucher
    from tests.movements.conftest import Armoury

    kti, sev = Armoury(make, "KTI"), Armoury(make, "SEV")
    serials = [f"PASTE-{n:02d}" for n in range(20)]
    kti.receive(*serials)
    _english(kti.keeper)
    page = browser.new_page(viewport=DESKTOP)

    sign_in(page, live_server.url, kti.keeper.username, heading="Dashboard")
    page.goto(f"{live_server.url}/movements/vouchers/new/?site={kti.site.code}&kind=transfer")
    page.select_option("#id_destination", label=str(sev.site))
    page.click("#open-draft")
    page.wait_for_selector("#entry-form")
    page.evaluate("window.__sameDocument = true")
    page.fill("[data-entry-field]", "\n".join(serials))
    page.click("#add-line")
    page.wait_for_selector("#line-count:text('20')")
    shoot(page, "paste-20-weapons")

    assert page.evaluate("window.__sameDocument") is True  # no page load
    assert page.evaluate("document.activeElement.matches('[data-entry-field]')")
    assert page.input_value("[data-entry-field]") == ""
    assert Voucher.objects.get(kind="transfer").lines.count() == 20


def test_a_duplicate_scan_is_flagged_and_undone(live_server, make, browser):
    from pssm.inspections.models import CountScan
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    kti.receive("DUP-1", "DUP-2")
    _english(kti.keeper)
    page = browser.new_page(viewport=DESKTOP)

    sign_in(page, live_server.url, kti.keeper.username, heading="Dashboard")
    page.goto(f"{live_server.url}/inspections/counts/site/{kti.site.code}/")
    page.fill("#c-w", "Lt Diarra")
    page.click("#start-count")
    page.wait_for_selector("#scan")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#s-loc", label=kti.rack.code)
    for serial in ("DUP-1", "DUP-2", "DUP-1"):
        page.fill("#s-serial", serial)
        page.click("#scan")
        page.wait_for_selector(f"#scan-answer :text('{serial}')")
    page.wait_for_selector("#scan-answer [role=alert]")
    shoot(page, "count-duplicate-flagged")
    page.click("#scan-list li:has-text('DUP-2') [data-undo-scan]")
    page.wait_for_selector("#scan-total:text('1')")
    shoot(page, "count-scan-undone")

    assert page.evaluate("window.__sameDocument") is True
    assert list(CountScan.objects.values_list("serial", flat=True)) == ["DUP-1"]


def test_a_voucher_pdf_reads_back_with_names_date_and_signature_blocks(live_server, make, browser):
    from pssm.movements import services
    from pssm.registry.services import person_create
    from tests.movements.conftest import Armoury

    kti = Armoury(make, "KTI")
    kti.receive("PDF-E1", "PDF-E2")
    person = person_create(
        actor=kti.keeper,
        site=kti.site,
        service_number="ML-0777",
        first_name="Awa",
        last_name="Keïta",
        rank="Adjudante",
    )
    issue = services.voucher_create(
        actor=kti.keeper,
        site=kti.site,
        kind="issue",
        custodian=person,
        order_reference="Note de service 45",
    )
    services.voucher_lines_add(
        actor=kti.keeper, voucher=issue, items=[{"serial": "PDF-E1"}, {"serial": "PDF-E2"}]
    )
    services.voucher_submit(actor=kti.keeper, voucher=issue)
    services.voucher_approve(actor=kti.commander, voucher=issue)
    _english(kti.keeper)
    page = browser.new_page(viewport=DESKTOP)

    sign_in(page, live_server.url, kti.keeper.username, heading="Dashboard")
    page.goto(f"{live_server.url}/movements/vouchers/{issue.pk}/")
    shoot(page, "voucher-before-pdf")
    answer = page.request.get(f"{live_server.url}/movements/vouchers/{issue.pk}/pdf/")

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
    assert answer.headers["content-type"] == "application/pdf"
    assert "Adjudante KEÏTA Awa (ML-0777)" in text and "person:" not in text
    assert "Note de service 45" in text and "Approved and posted on" in text
    for role in ("Issued by (storekeeper)", "Received by (recipient)", "Approved by"):
        assert role in text
    assert text.count("Signature: ") == 3
