"""On a phone (390 × 844), in French: the menu folds, lists are cards, the checklist fits the
screen, the global search finds a part of a serial and a person's page says what they hold;
no page shows English or a raw code (the French page check, issue 18). Screenshots of the
main pages at 390 px and at desktop width go to var/screenshots/."""

from pathlib import Path

from pssm.inspections import services as inspections
from pssm.movements import services as movements
from pssm.registry import catalogue
from pssm.registry import services as registry_services
from pssm.registry.models import WeaponType
from tests.conftest import PASSWORD
from tests.i18n.french_check import leftovers, visible_text

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _depot(make):
    site = make.site(code="KTI", kind="armoury")
    building = make.building(site, code="ARM01", kind="armoury_room")
    rack = make.location(building, code="R01")
    keeper = make.user("storekeeper", site, username="magasinier")
    commander = make.user("site_commander", site, username="commandant")
    make.user("inspector", site.organisation.country, username="inspecteur")
    catalogue.seed(WeaponType)
    ak = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    receipt = movements.voucher_create(
        actor=keeper, site=site, kind="receipt", reason="acquisition", location=rack
    )
    movements.voucher_lines_add(
        actor=keeper,
        voucher=receipt,
        items=[{"serial": f"56-1-01190{i:02d}", "weapon_type": ak} for i in range(12)],
    )
    movements.voucher_submit(actor=keeper, voucher=receipt)
    movements.voucher_approve(actor=commander, voucher=receipt)
    person = registry_services.person_create(
        actor=keeper,
        site=site,
        service_number="KTI-1001",
        first_name="Moussa",
        last_name="Traoré",
        rank="Sergent",
    )
    issue = movements.voucher_create(actor=keeper, site=site, kind="issue", custodian=person)
    movements.voucher_line_add(actor=keeper, voucher=issue, serial="56-1-0119003")
    movements.voucher_submit(actor=keeper, voucher=issue)
    movements.voucher_approve(actor=commander, voucher=issue)
    return site, person


def _sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("h1")


def _check_page(page, name, shots, width):
    """The page fits the screen, speaks French only, and is photographed."""
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert page.locator("html").get_attribute("lang") == "fr"
    overflow = page.evaluate("document.documentElement.scrollWidth")
    if overflow > width:
        wide = page.evaluate(
            f"[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
            f".right > {width}).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"
        )
        raise AssertionError(f"{name}: {overflow} px wide on a {width} px screen: {wide}")
    assert overflow <= width, f"{name}: {overflow} px wide on a {width} px screen"
    left = leftovers(visible_text(page.content()), allowed={"magasinier", "commandant"})
    assert not left, f"{name}: {left}"


def test_phone_journey_in_french_with_nothing_left_in_english(
    live_server,
    make,
    browser,
):
    site, person = _depot(make)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = phone.new_page()
    base = live_server.url
    _sign_in(page, base, "magasinier")

    # The menu is folded behind one button and unfolds on a tap.
    assert not page.locator("#main-menu").is_visible()
    page.click("#menu-toggle")
    assert page.locator("#main-menu").is_visible()
    assert page.get_attribute("#menu-toggle", "aria-expanded") == "true"
    page.click("#menu-toggle")
    _check_page(page, "dashboard", SHOTS, 390)

    # The weapon list is a pile of cards, each cell named by its column.
    page.goto(f"{base}/registry/weapons/")
    assert (
        not page.locator("table.list thead").first.is_visible()
        or page.evaluate("getComputedStyle(document.querySelector('.cards thead')).position")
        == "absolute"
    )
    label = page.evaluate(
        "getComputedStyle(document.querySelector('.cards td'), '::before').content"
    )
    assert "série" in label  # « Numéro de série »
    _check_page(page, "weapons", SHOTS, 390)

    # The global search finds serials by a part of four characters.
    page.fill("#global-q", "0119")
    page.press("#global-q", "Enter")
    page.wait_for_selector("h1:has-text('Rechercher'), h1:has-text('Recherche')")
    assert page.locator("text=56-1-0119003").count() >= 1
    _check_page(page, "search", SHOTS, 390)

    # A person's page: what they hold and since when.
    page.goto(f"{base}/registry/persons/{person.pk}/")
    assert page.locator("h2:has-text('Détient 1 arme')").count() == 1
    assert page.locator("text=56-1-0119003").count() == 2  # held now, and in the history
    assert "TRAORÉ" in page.inner_text("h1")
    _check_page(page, "person", SHOTS, 390)

    for name, path in (
        ("persons", "/registry/persons/"),
        ("overdue", "/registry/overdue/"),
        ("vouchers", "/movements/vouchers/"),
        ("help", "/help/"),
    ):
        page.goto(f"{base}{path}")
        _check_page(page, name, SHOTS, 390)
    page.goto(f"{base}/help/storekeeper/")
    assert "Guide du magasinier" in page.inner_text("h1")
    _check_page(page, "guide", SHOTS, 390)
    phone.close()

    # The inspector's checklist can be answered on the phone: every answer is on screen.
    inspection = inspections.inspection_start(actor=make_user_lookup("inspecteur"), site=site)
    phone = browser.new_context(viewport=PHONE, is_mobile=True)
    page = phone.new_page()
    _sign_in(page, base, "inspecteur")
    page.goto(f"{base}/inspections/{inspection.pk}/")
    first = page.locator("select[name^='a_']").first
    box = first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    _check_page(page, "checklist", SHOTS, 390)
    phone.close()

    # The same main pages at desktop width.
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    _sign_in(page, base, "magasinier")
    assert page.locator("#main-menu").is_visible() and not page.locator("#menu-toggle").is_visible()
    for name, path in (
        ("weapons", "/registry/weapons/"),
        ("person", f"/registry/persons/{person.pk}/"),
    ):
        page.goto(f"{base}{path}")
        _check_page(page, name, SHOTS, 1280)
    desktop.close()


def make_user_lookup(username):
    from pssm.accounts.models import User

    return User.objects.get(username=username)
