"""The programme viewer, in English, reads the programme dashboard with its charts, drills
down into an indicator, looks at the model installations' map and downloads the regional
evaluation report."""

from pathlib import Path

from pssm.programme import demo
from tests.conftest import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_programme_viewer_dashboard_and_report_in_english(live_server, make, browser):
    mali = make.country()
    org = make.organisation(mali, code="FAMA")
    make.site(org, code="KTI", is_model_installation=True, latitude="12.7441", longitude="-8.0726")
    make.site(org, code="BKOGN", is_model_installation=True)
    make.user("storekeeper", None, username="magasinier")
    demo.load(PASSWORD)
    make.user("programme_viewer", None, username="viewer", language="en")
    page = browser.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("h1:has-text('Dashboard')")
    page.click("nav a:has-text('Programme')")
    page.wait_for_selector("h1:has-text('Programme dashboard')")
    card = page.locator("#indicator-SOP-VAL")
    assert "66.7 %" in card.inner_text() and "(2 / 3)" in card.inner_text()
    assert page.locator("svg.chart").count() >= 8
    page.screenshot(path=str(SHOTS / "programme-dashboard-en.png"), full_page=True)

    card.locator("h2 a").click()
    page.wait_for_selector("h1:has-text('Validated SOPs')")
    assert "POS-PSSM" in page.locator("#drill-ML").inner_text()

    page.click("a:has-text('Model installations')")
    page.wait_for_selector("#installation-map svg")
    assert page.locator("#installation-map circle").count() >= 12
    assert "RRPL level" in page.locator("#inst-MI-ML-01").inner_text()
    assert page.locator("#inst-MI-NE-01 svg.chart circle").count() == 2  # before and after
    page.screenshot(path=str(SHOTS / "programme-installations-en.png"), full_page=True)

    page.click("a:has-text('Evaluation report')")
    page.wait_for_selector("h1:has-text('Evaluation report')")
    page.fill("#e-from", "2017-01-01")
    page.fill("#e-to", "2018-12-31")
    page.select_option("#e-lang", "en")
    with page.expect_download() as info:
        page.click("#make-report")
    download = info.value
    assert download.suggested_filename == "evaluation-2017-01-01-2018-12-31-en.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert "programme/activities/new" not in page.content()  # a viewer edits nothing
