"""The national authority signs in (in French), opens the national dashboard, generates the
PoA/ITI report of the year, reads it, follows a figure to the records behind it, downloads
the PDF and signs the report off; the sign-off is journaled."""

import json


def test_the_national_authority_generates_reads_and_signs_a_poa_report(live_server, make, browser):
    from pssm.journal.models import JournalEntry
    from pssm.reports.models import Report
    from tests.e2e.test_voucher_journey import sign_in
    from tests.reports.conftest import Nation

    nation = Nation(make)
    page = browser.new_page()

    sign_in(page, live_server.url, nation.authority.username)
    assert page.get_attribute("html", "lang") == "fr"
    page.goto(f"{live_server.url}/reports/")
    page.wait_for_selector("#chart-category")
    assert page.locator("svg.chart").count() >= 8
    page.click("#reports-link")
    page.select_option("#id_kind", "poa")
    page.select_option("#id_country", "ML")
    page.select_option("#id_language", "fr")
    page.click("#generate-report")
    page.wait_for_selector("#sign-state")
    report = Report.objects.get()
    assert report.kind == "poa" and report.language == "fr"
    losses = page.inner_text("#fig-losses_reason")
    assert "1" in losses
    page.click("#fig-losses_reason a >> nth=0")
    page.wait_for_selector("#records")
    assert page.locator("#records tbody tr").count() == 1
    assert "HOME-1" in page.inner_text("#records") or "SEGH-0" in page.inner_text("#records")
    page.go_back()
    href = page.get_attribute("#download-pdf", "href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.fill("#sign-note", "Rapport validé par la commission.")
    page.click("#sign-report")
    page.wait_for_selector(f"#sign-state:has-text('{nation.authority.username}')")

    report.refresh_from_db()
    assert report.is_signed and report.signed_by == nation.authority
    entry = JournalEntry.objects.filter(kind="report.signed").latest("seq")
    assert json.loads(entry.payload)["note"] == "Rapport validé par la commission."
    assert page.locator("#sign-report").count() == 0
