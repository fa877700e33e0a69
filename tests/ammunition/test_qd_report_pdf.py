"""The quantity-distance report PDF read back as text (issue 18, build item 3): the site, the
storehouses and exposed sites by name, hazard divisions in words, masses and distances in the
user's number format (never ``65.000000 kg``), the date and time of printing, the rule set and
licence references, and the signature blocks of the technician and the approving authority,
in French and in English."""

import io
import re

import pytest
from pypdf import PdfReader

from pssm.accounts.models import User


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pdf(client, depot, user, language) -> str:
    User.objects.filter(pk=user.pk).update(
        preferred_language=language, first_name="Ibrahim", last_name="Coulibaly"
    )
    client.force_login(user)
    answer = client.get(f"/ammunition/safety/{depot.site.code}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    return _text(answer.content)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            {
                "title": "Quantity-distance report",
                "hd": "HD 1.1 (mass explosion hazard)",
                "type": "Earth-covered magazine",
                "relationship": "Inhabited building",
                "status": "met",
                "printed": "Printed on",
                "prepared": "Prepared by (ammunition technician)",
                "authority": "Approving authority",
            },
        ),
        (
            "fr",
            {
                "title": "Rapport de distances de sécurité",
                "hd": "HD 1.1 (risque d'explosion en masse)",
                "type": "Magasin merlonné (recouvert de terre)",
                "relationship": "Bâtiment habité",
                "status": "respectée",
                "printed": "Imprimé le",
                "prepared": "Établi par (technicien munitions)",
                "authority": "Autorité d'approbation",
            },
        ),
    ],
)
def test_the_qd_report_pdf_reads_in_the_users_language(depot, client, language, words):
    depot.receive("M82-9", 100, "MORT-82-HE")

    text = _pdf(client, depot, depot.technician, language)

    for word in words.values():
        assert word in text, word
    limit = r"HD 1.4 at most 10,000 kg" if language == "en" else r"HD 1.4 au plus 10\s000 kg"
    assert re.search(limit, text)  # the licence limit with the language's grouping
    assert depot.site.name in text and "Village" in text
    assert f"Building ESH01 ({depot.esh1.code})" in text
    assert re.search(r"\b65 kg\b", text) and re.search(r"\b500 m\b", text)
    assert "65.000" not in text and "500.0" not in text and "inhabited_building" not in text
    assert re.search(r"\d{4},? \d{2}:\d{2} \(\w+\)", text)  # date and time of printing
    assert re.search(r"pssm-explosives \d{4}\.\d", text)  # the rule set and its edition
    assert "KTI-L1" in text  # the licence
    assert "Ibrahim COULIBALY" in text or "Ibrahim Coulibaly" in text
    assert text.count("Signature") >= 2


def test_the_technician_is_named_only_when_a_technician_prints_it(depot, client):
    depot.receive("M82-9", 100, "MORT-82-HE")

    text = _pdf(client, depot, depot.keeper, "en")

    assert "Printed on" in text and "Coulibaly" in text  # who printed it
    prepared = text.split("Prepared by (ammunition technician)", 1)[1]
    assert "Coulibaly" not in prepared.split("Approving authority", 1)[0]
