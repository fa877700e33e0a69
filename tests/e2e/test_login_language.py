"""A user signs in, sees the dashboard in French, switches to English and back."""

from pathlib import Path

from tests.conftest import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_login_switch_language_and_see_dashboard(live_server, make, browser):
    site = make.site(code="KTI", is_model_installation=True)
    make.user("site_commander", site, username="commandant")
    page = browser.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Se connecter"
    page.fill("#id_username", "commandant")
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("h1:has-text('Tableau de bord')")
    assert "Installations modèles" in page.content()
    page.screenshot(path=str(SHOTS / "dashboard-fr.png"), full_page=True)

    page.select_option("#language-select", "en")
    page.wait_for_selector("h1:has-text('Dashboard')")
    assert "Model installations" in page.content()
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(SHOTS / "dashboard-en.png"), full_page=True)

    page.goto(f"{live_server.url}/geo/sites/")
    assert page.locator("h1").inner_text() == "Sites"
    assert "ML-KTI" in page.content()

    page.select_option("#language-select", "fr")
    page.wait_for_selector("a:has-text('Tableau de bord')")
    assert page.locator("html").get_attribute("lang") == "fr"

    page.click("#logout")
    page.wait_for_selector("h1:has-text('Se connecter')")
