"""Sign-off by the national authority (journaled, refused to anyone else), the PDF and XLSX in
French and English, the command line, the national dashboard and the regional aggregates."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from pssm.domain import reporting
from pssm.domain.errors import ConflictError, PermissionDeniedError
from pssm.journal.models import JournalEntry
from pssm.reports import selectors, services
from pssm.reports.models import Report


def _generate(nation, kind="poa", language="fr"):
    period = reporting.year_period(nation.today.year)
    return services.report_generate(
        actor=nation.authority,
        kind=kind,
        country=nation.country,
        period_start=period.start,
        period_end=period.end,
        language=language,
    )


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_national_authority_signs_a_report_off_and_it_is_journaled(nation):
    report = _generate(nation)

    signed = services.report_sign(actor=nation.authority, report=report, note="Validé.")

    assert signed.signed_by == nation.authority and signed.signed_at is not None
    entry = JournalEntry.objects.filter(kind="report.signed").latest("seq")
    payload = json.loads(entry.payload)
    assert payload["number"] == report.number
    assert payload["figures_sha256"] == report.figures_sha256
    assert entry.actor == nation.authority.username and entry.scope_country == "ML"


@pytest.mark.parametrize("who", ["commander", "viewer", "system", "admin"])
def test_a_sign_off_without_the_national_role_is_refused_and_changes_nothing(nation, make, who):
    from pssm.accounts.authz import SystemActor

    report = _generate(nation)
    actor = {
        "commander": nation.kti.commander,
        "viewer": nation.viewer,
        "system": SystemActor("system:test"),
        "admin": make.user("administrator", None, username="admin-t"),
    }[who]
    before = JournalEntry.objects.count()

    with pytest.raises(PermissionDeniedError) as exc:
        services.report_sign(actor=actor, report=report)

    assert "national authority" in str(exc.value)
    report.refresh_from_db()
    assert report.signed_at is None and JournalEntry.objects.count() == before


def test_a_national_authority_of_another_country_cannot_sign(nation, make):
    other = make.user("national_authority", make.country("NE", "Niger"), username="ne-auth")
    report = _generate(nation)

    with pytest.raises(PermissionDeniedError):
        services.report_sign(actor=other, report=report)
    with pytest.raises(PermissionDeniedError):
        _generate_as(other, nation)


def _generate_as(actor, nation):
    return services.report_generate(
        actor=actor,
        kind="stock",
        country=nation.country,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )


def test_a_report_is_signed_once(nation):
    report = _generate(nation)
    services.report_sign(actor=nation.authority, report=report)

    with pytest.raises(ConflictError):
        services.report_sign(actor=nation.authority, report=report)


def test_a_site_commander_cannot_generate_national_figures(nation):
    with pytest.raises(PermissionDeniedError):
        _generate_as(nation.kti.commander, nation)


@pytest.mark.parametrize("language, title", [("fr", None), ("en", "Losses and thefts")])
def test_the_report_comes_out_as_pdf_in_each_language(nation, client, language, title):
    report = _generate(nation)
    client.force_login(nation.authority)

    response = client.get(f"/reports/reports/{report.pk}/pdf/?lang={language}")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert report.number in text
    if title:
        assert title in text


def test_the_report_comes_out_as_xlsx_with_the_address_of_each_figure(nation, client):
    from openpyxl import load_workbook

    report = _generate(nation, kind="stock")
    client.force_login(nation.authority)

    response = client.get(f"/reports/reports/{report.pk}/xlsx/?lang=en")

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [r for ws in book.worksheets for r in ws.iter_rows(values_only=True)]
    assert any(r and r[0] == "Annual national stock report" for r in rows)
    rifles = [r for r in rows if r and r[0] == "Assault rifles"]
    assert rifles and rifles[0][1] == 15 + 4 - 2 - 2  # at home, from abroad, destroyed, exported
    links = [c for r in rows for c in r if isinstance(c, str) and c.startswith("/reports/records/")]
    assert links and all("source=holdings" in link for link in links)


def test_the_report_page_links_each_figure_to_its_records_and_offers_the_sign_off(nation, client):
    report = _generate(nation)
    client.force_login(nation.authority)

    page = client.get(f"/reports/reports/{report.pk}/").content.decode()

    assert "/reports/records/ML/?source=losses" in page
    assert 'id="sign-report"' in page
    client.force_login(nation.kti.commander)
    assert client.get(f"/reports/reports/{report.pk}/").status_code in {403, 404}


def test_a_report_is_generated_and_signed_from_the_pages(nation, client):
    client.force_login(nation.authority)
    year = nation.today.year

    response = client.post(
        "/reports/reports/",
        {
            "kind": "poa",
            "country": "ML",
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
            "language": "fr",
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/reports/{report.pk}/"
    client.post(f"/reports/reports/{report.pk}/sign/", {"note": "ok"})
    report.refresh_from_db()
    assert report.is_signed


def test_a_period_ending_before_it_starts_is_shown_on_the_form(nation, client):
    client.force_login(nation.authority)

    response = client.post(
        "/reports/reports/",
        {
            "kind": "poa",
            "country": "ML",
            "period_start": "2026-12-31",
            "period_end": "2026-01-01",
            "language": "en",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "ends" in response.content.decode() or "termine" in response.content.decode()
    assert not Report.objects.exists()


def test_the_command_prints_the_figures_as_json_and_writes_nothing(nation):
    out = io.StringIO()
    before = JournalEntry.objects.count()

    call_command(
        "report", "att", "--country", "ML", "--year", str(nation.today.year), "--json", stdout=out
    )

    data = json.loads(out.getvalue())
    assert data["kind"] == "att" and data["nil"] is False
    assert JournalEntry.objects.count() == before and not Report.objects.exists()


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_the_command_writes_the_report_file(nation, tmp_path, fmt, magic):
    target = tmp_path / f"r.{fmt}"

    call_command(
        "report",
        "unroca",
        "--country",
        "ML",
        "--year",
        str(nation.today.year),
        "--format",
        fmt,
        "--lang",
        "en",
        "--out",
        str(target),
        stdout=io.StringIO(),
    )

    assert target.read_bytes().startswith(magic)
    assert Report.objects.get().kind == "unroca"


def test_the_command_refuses_a_year_before_the_register(nation):
    with pytest.raises(SystemExit) as exc:
        call_command("report", "poa", "--country", "ML", "--year", "1980", stderr=io.StringIO())
    assert exc.value.code == 2


def test_the_regional_figures_carry_no_serial_and_no_name(nation):
    data = selectors.regional_figures(
        country="ML", period_start=date(nation.today.year, 1, 1), period_end=nation.today
    )

    text = json.dumps(data)
    assert data["format"] == "pssm.regional-figures/1"
    assert data["stock"]["total"] == 10 + 5 + 4 + 3 - 2 - 2  # less destroyed and exported
    assert {"att_category": "VIII.SA.4", "counterpart_state": "RS", "quantity": 4} in data[
        "imports"
    ]
    assert data["exports"] == [
        {"att_category": "VIII.SA.4", "counterpart_state": "NE", "quantity": 2}
    ]
    for secret in ("HOME-", "RS-0", "SEGH", "KTI", "SEG", nation.authority.username, "Section"):
        assert secret not in text


def test_the_regional_figures_download_and_command(nation, client, tmp_path):
    client.force_login(nation.viewer)  # the programme sees aggregates

    response = client.get(f"/reports/regional/?country=ML&year={nation.today.year}")
    bad = client.get("/reports/regional/?country=ML&start=2026-12-31&end=2026-01-01")

    assert response.status_code == 200
    assert json.loads(response.content)["losses"] == {"lost": 1, "stolen": 1}
    assert bad.status_code == 400
    target = tmp_path / "regional.json"
    call_command(
        "regional_figures",
        "--country",
        "ML",
        "--year",
        str(nation.today.year),
        "--out",
        str(target),
        stdout=io.StringIO(),
    )
    assert json.loads(target.read_text())["destructions"] == {"cutting": 2}


def test_the_national_dashboard_draws_its_charts_with_tables_and_links(nation, client):
    client.force_login(nation.authority)

    page = client.get("/reports/").content.decode()

    for key in (
        "category",
        "status",
        "organisation",
        "site",
        "movements",
        "losses",
        "discrepancies",
        "destructions",
        "overdue",
        "compliance",
    ):
        assert f'id="chart-{key}"' in page and f'id="table-{key}"' in page
    assert "<svg" in page and "/registry/weapons/?category=assault_rifle" in page
    assert "/tracing/requests/?overdue=1" in page
    assert "<script" not in page.split("<main>")[1]


def test_the_dashboard_needs_a_national_role(nation, client):
    client.force_login(nation.kti.keeper)

    assert client.get("/reports/").status_code == 403


def test_the_programme_viewer_sees_figures_but_not_the_records(nation, client):
    report = _generate(nation)
    client.force_login(nation.viewer)
    year = nation.today.year

    page = client.get(f"/reports/reports/{report.pk}/")
    records = client.get(f"/reports/records/ML/?source=losses&start={year}-01-01&end={year}-12-31")

    assert page.status_code == 200 and "/reports/records/" not in page.content.decode()
    assert records.status_code == 403


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_sites(
    nation, make, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(nation.authority)
    with CaptureQueriesContext(connection) as first:
        client.get("/reports/")
    for n in range(3):
        site = make.site(make.organisation(nation.country, code=f"XTRA{n}"), code=f"XS{n}")
        make.location(make.building(site, code="ARM01", kind="armoury_room"), code="R01")

    with django_assert_max_num_queries(len(first)):
        client.get("/reports/")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_chart_exports_its_figures(nation, client, fmt):
    client.force_login(nation.authority)

    response = client.get(f"/reports/?chart=site&format={fmt}")
    missing = client.get(f"/reports/?chart=nothing&format={fmt}")

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = body.decode().splitlines()
        # French CSV; 17 at KTI less 2 destroyed and 2 exported
        assert rows[1:] == ["ML-KTI;13", "ML-SEG;5"]
    else:
        assert body.startswith(b"PK")
    assert missing.status_code == 404
