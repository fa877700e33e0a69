"""The inspection report PDF read back as text (issue 18, build item 3): the site, the
checklist, the inspector and the site commander by name, the date of the inspection and of
its closing, the score in the user's number format, the count of each answer, the corrective
actions, the date and time of printing and the signature blocks of the inspector and of the
commander who receives it, in French and in English."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from pssm.accounts.models import User
from pssm.inspections import services

from .test_inspections import answers


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def closed(make):
    site = make.site(code="KTI", kind="ammunition_depot", is_model_installation=True)
    inspector = make.user("inspector", site.organisation.country, username="insp")
    commander = make.user("site_commander", site, username="cdt")
    User.objects.filter(pk=inspector.pk).update(first_name="Fatoumata", last_name="Keita")
    User.objects.filter(pk=commander.pk).update(first_name="Aminata", last_name="Diarra")
    template = services.checklist_seed()
    inspector.refresh_from_db()
    inspection = services.inspection_start(
        actor=inspector, site=site, inspected_on=date(2026, 3, 12)
    )
    services.answers_record(
        actor=inspector,
        inspection=inspection,
        answers=answers(template, {"LIC-01": "no", "SEC-06": "partly"}),
    )
    services.corrective_action_add(
        actor=inspector,
        inspection=inspection,
        description="Faire renouveler la licence d'explosifs",
        owner="Chef du dépôt",
        due_date=date(2026, 6, 30),
        question_code="LIC-01",
    )
    inspection = services.inspection_close(actor=inspector, inspection=inspection)
    return {"inspection": inspection, "inspector": inspector, "template": template}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Inspection report",
                "March 12, 2026",
                "Inspector",
                "Received by (site commander)",
                "Critical questions failed for level 1",
                "Corrective actions",
                "June 30, 2026",
                "Printed on",
                "Partly 1",
                "No 1",
            ],
        ),
        (
            "fr",
            [
                "Rapport d'inspection",
                "12 mars 2026",
                "Inspecteur",
                "Reçu par (chef de site)",
                "Questions critiques non satisfaites pour le niveau 1",
                "Actions correctives",
                "30 juin 2026",
                "Imprimé le",
                "En partie 1",
                "Non 1",
            ],
        ),
    ],
)
def test_the_inspection_report_reads_in_the_users_language(client, closed, language, words):
    inspection, inspector = closed["inspection"], closed["inspector"]
    User.objects.filter(pk=inspector.pk).update(preferred_language=language)
    client.force_login(inspector)

    answer = client.get(f"/inspections/{inspection.pk}/report.pdf")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _text(answer.content)
    for word in words:
        assert word in text, word
    assert (
        inspection.site.name in text
        and closed["template"].title_en[:20] in text
        or (closed["template"].title_fr[:20] in text)
    )
    assert "Fatoumata Keita" in text and "Aminata Diarra" in text
    assert "Faire renouveler la licence d'explosifs" in text and "LIC-01" in text
    decimal = "," if language == "fr" else "."
    assert re.search(rf"\d+{re.escape(decimal)}\d %", text)  # the score, 93,8 % in French
    assert re.search(r"\d{4},? \d{2}:\d{2} \(\w+\)", text)  # closed and printed, to the minute
    assert text.count("Signature") >= 2
    assert "inspection.closed" not in text and "physical_security" not in text
