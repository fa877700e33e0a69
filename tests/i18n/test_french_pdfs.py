"""Every PDF in French with nothing left over (issue 18, "French and English with nothing left
over"): on the demonstration data, each printable the product makes (vouchers of every kind,
count sheets, weapon labels, inspection reports, discrepancy cases, destruction certificates,
quantity-distance reports, answers to trace requests, national reports, the programme's
activity sheet, certificate and evaluation report, the journal checkpoint) is rendered for
a French user, its text read back, and must show none of the project's own English labels
and no raw code, with the check of the French pages (:mod:`.french_check`), nor a date or a
number printed as stored (``2026-11-22``, ``18,500,000.00``, ``94.8 %``).

A second test keeps the list whole: every page whose code speaks of PDF must be rendered here."""

from __future__ import annotations

import inspect
import io
from collections import defaultdict
from datetime import date

from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from pypdf import PdfReader

from pssm.accounts.models import User

from .french_check import document_leftovers

# The views that answer a PDF, by URL name; test_every_pdf_view_is_rendered keeps it whole.
RENDERED = {
    "movements:voucher_pdf",
    "movements:destruction_certificate",
    "movements:case_pdf",
    "ammunition:qd_report_pdf",
    "inspections:inspection_pdf",
    "inspections:count_sheet",
    "inspections:weapon_labels",
    "programme:activity_sheet",
    "programme:certificate",
    "programme:evaluation",
    "tracing:request_pdf",
    "reports:report_download",
}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _urls() -> dict[str, list[str]]:
    """For each PDF view, the addresses of a few realistic documents of the demonstration."""
    from pssm.inspections.models import Count, Inspection
    from pssm.movements.models import Destruction, Discrepancy, Voucher
    from pssm.programme.models import Activity, Participation
    from pssm.reports.models import Report
    from pssm.sites.models import Building
    from pssm.tracing.models import TraceRequest

    one_per_kind = {}
    for pk, kind in Voucher.objects.order_by("pk").values_list("pk", "kind"):
        one_per_kind.setdefault(kind, pk)
    storehouse_sites = (
        Building.objects.filter(kind="explosive_storehouse")
        .values_list("site__code", flat=True)
        .distinct()
    )
    weapon_sites = Count.objects.values_list("site__code", flat=True).distinct()
    certificate = Participation.objects.exclude(certificate_number="").order_by("pk").first()
    urls = {
        "movements:voucher_pdf": [
            reverse("movements:voucher_pdf", args=[pk]) for pk in one_per_kind.values()
        ],
        "movements:destruction_certificate": [
            reverse("movements:destruction_certificate", args=[d.pk])
            for d in Destruction.objects.filter(voucher__state="posted")
        ],
        "movements:case_pdf": [
            reverse("movements:case_pdf", args=[pk])
            for pk in Discrepancy.objects.values_list("pk", flat=True)[:4]
        ],
        "ammunition:qd_report_pdf": [
            reverse("ammunition:qd_report_pdf", args=[code]) for code in storehouse_sites
        ],
        "inspections:inspection_pdf": [
            reverse("inspections:inspection_pdf", args=[pk])
            for pk in Inspection.objects.values_list("pk", flat=True)[:4]
        ],
        "inspections:count_sheet": [
            reverse("inspections:count_sheet", args=[pk])
            for pk in Count.objects.values_list("pk", flat=True)
        ],
        "inspections:weapon_labels": [
            reverse("inspections:weapon_labels", args=[code]) for code in weapon_sites[:1]
        ],
        "programme:activity_sheet": [
            reverse("programme:activity_sheet", args=[code])
            for code in Activity.objects.order_by("pk").values_list("code", flat=True)[:2]
        ],
        "programme:certificate": (
            [reverse("programme:certificate", args=[certificate.pk])] if certificate else []
        ),
        "programme:evaluation": [
            reverse("programme:evaluation")
            + f"?format=pdf&from=2020-01-01&to={date.today().isoformat()}&lang=fr"
        ],
        "tracing:request_pdf": [
            reverse("tracing:request_pdf", args=[pk])
            for pk in TraceRequest.objects.values_list("pk", flat=True)
        ],
        "reports:report_download": [
            reverse("reports:report_download", args=[pk, "pdf"]) + "?lang=fr"
            for pk in Report.objects.values_list("pk", flat=True)
        ],
    }
    return urls


def test_every_pdf_in_french_has_no_english_label_and_no_raw_code(db):
    from pssm.journal.pdf import checkpoint_pdf
    from pssm.journal.signing import checkpoint_make

    call_command("demo", "--quiet-logins", verbosity=0)
    client = Client()
    client.post("/accounts/login/", {"username": "admin", "password": "pssm-demo-2026"})
    client.post("/accounts/language/", {"language": "fr", "next": "/"})
    allowed = set(User.objects.values_list("username", flat=True))
    problems: dict[str, set[str]] = defaultdict(set)
    rendered = defaultdict(int)

    for name, urls in _urls().items():
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 200, url
            assert answer["Content-Type"] == "application/pdf", url
            rendered[name] += 1
            for found in document_leftovers(pdf_text(answer.content), allowed=allowed):
                problems[found].add(url)
    with translation.override("fr"):
        point = checkpoint_make(user=User.objects.get(username="admin"))
        for found in document_leftovers(pdf_text(checkpoint_pdf(point)), allowed=allowed):
            problems[found].add("pssm journal checkpoint --pdf")

    assert set(rendered) == RENDERED, RENDERED - set(rendered)  # demo data for each of them
    report = "\n".join(f"{p}  (e.g. {sorted(urls)[0]})" for p, urls in sorted(problems.items()))
    assert not problems, f"French PDFs with English or codes left:\n{report}"


def _views(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _views(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p.callback


def test_every_pdf_view_is_rendered():
    speaks_of_pdf = set()
    for name, view in _views(get_resolver().url_patterns):
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if "pdf" in source.lower():
            speaks_of_pdf.add(name)

    assert speaks_of_pdf == RENDERED


def test_the_document_check_finds_iso_dates_and_english_numbers():
    text = (
        "Prévue le 2026-11-22\nBudget 18,500,000.00 XOF\nNote 94.8 %\n"
        "MNE 1 653,279 kg, HD 1.2.1 : 77,877 kg\nKalashnikov AK-47 (7.62x39 mm), HD 1.1, 93,8 %\n"
        "Certificat TOT-ML-2017-00003"
    )

    found = document_leftovers(text)

    assert found == ["date: '2026-11-22'", "number: '18,500,000.00'", "number: '94.8'"]
