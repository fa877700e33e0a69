"""The voucher PDF people sign, read back as text (issue 18, build item 3): names and labels,
never ids or ledger codes; date and time; the order reference and remarks; totals per type;
a signature block for every person the procedure names."""

import io
import re

from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from pssm.movements import pdf, selectors, services
from pssm.registry.services import person_create


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _issue(kti, serials):
    person = person_create(
        actor=kti.keeper,
        site=kti.site,
        service_number="ML-0042",
        first_name="Moussa",
        last_name="Traoré",
        rank="Sergent",
    )
    voucher = services.voucher_create(
        actor=kti.keeper,
        site=kti.site,
        kind="issue",
        custodian=person,
        order_reference="Ordre de mission 12/CEM",
        notes="Patrouille de Sévaré",
    )
    services.voucher_lines_add(
        actor=kti.keeper, voucher=voucher, items=[{"serial": s} for s in serials]
    )
    services.voucher_submit(actor=kti.keeper, voucher=voucher)
    return services.voucher_approve(actor=kti.commander, voucher=voucher)


def _render(voucher, language="en") -> str:
    voucher = selectors.voucher_get(user=voucher.prepared_by, pk=voucher.pk)
    with translation.override(language):
        return _text(pdf.voucher_pdf(voucher, selectors.voucher_lines(voucher), "https://x/v/1"))


def test_an_issue_voucher_names_the_holder_and_has_every_signature_block(kti):
    kti.receive("PDF-1", "PDF-2", "PDF-3")
    voucher = _issue(kti, ["PDF-1", "PDF-2", "PDF-3"])

    text = _render(voucher)

    assert "Sergent TRAORÉ Moussa (ML-0042)" in text
    assert (
        "person:" not in text and "in_store" not in text and "issued" not in text.split("Kind")[0]
    )
    assert kti.site.name in text and kti.site.code + "\n" not in text
    assert "Ordre de mission 12/CEM" in text and "Patrouille de Sévaré" in text
    assert re.search(r"Approved and posted on .*\d{4}", text)
    assert "Kalashnikov AKM" in text and "3 weapon(s)" in text
    for role in ("Issued by (storekeeper)", "Received by (recipient)", "Approved by"):
        assert role in text
    assert text.count("Signature: ") == 3
    assert kti.keeper.username in text and kti.commander.username in text


def test_a_transfer_names_the_destination_and_signs_for_escort_and_receiver(kti, seg):
    kti.receive("PDF-T1")
    dispatch = kti.post("transfer", ["PDF-T1"], destination=seg.site)

    text = _render(dispatch)

    assert f"in transit from {kti.site.name} to {seg.site.name}" in text
    assert "Escort" in text and f"Received at {seg.site.name} by" in text
    assert text.count("Signature: ") == 4


def test_the_pdf_uses_the_users_number_and_date_format(kti):
    serials = [f"N{n:04d}" for n in range(1001)]
    with translation.override("fr"):
        kti.receive(*serials)
    from pssm.movements.models import Voucher

    receipt = Voucher.objects.filter(kind="receipt").get()

    text = _render(receipt, language="fr")

    assert re.search(r"1\s001 ", text)  # 1 001 with the French grouping
    assert re.search(r"\d{1,2} \w+ \d{4} \d{2}:\d{2}", text)  # 2 décembre 2026 10:31


def test_the_pdf_page_answers_a_pdf(client, kti):
    kti.receive("PDF-W")
    client.force_login(kti.keeper)
    receipt = selectors.voucher_list(user=kti.keeper).get()

    answer = client.get(reverse("movements:voucher_pdf", args=[receipt.pk]))

    assert answer["Content-Type"] == "application/pdf"
    assert "PDF-W" in _text(answer.content)


def test_a_case_pdf_reads_back_with_the_recount_the_note_and_its_signatures(client, route):
    from pssm.movements import cases

    sev, kti, case = route["sev"], route["kti"], route["case"]
    cases.case_recount(actor=sev.commander, case=case, confirmed=True)
    cases.case_investigate(actor=kti.keeper, case=case, note="The escort counted four weapons.")
    client.force_login(kti.keeper)

    with translation.override("en"):
        answer = client.get(
            reverse("movements:case_pdf", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )

    text = _text(answer.content)
    assert answer["Content-Type"] == "application/pdf"
    assert case.number in text and kti.site.name in text and sev.site.name in text
    assert "The escort counted four weapons." in text and case.serial in text
    assert text.count("Signature") >= 4
