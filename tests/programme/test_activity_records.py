"""An activity's attachments, transactions and links, and the activity list's queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pssm.domain.errors import ValidationError
from pssm.programme import services
from pssm.programme.models import Activity, Attachment


def test_an_attachment_is_stored_and_given_back_and_a_script_is_refused(programme, client, make):
    client.force_login(make.user("programme_staff", None, language="en"))
    url = "/programme/activities/ML-2017-SOP/files/"
    pdf = SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 agenda", content_type="application/pdf")
    html = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")

    client.post(url, {"kind": "agenda", "title": "Agenda", "file": pdf})
    refused = client.post(url, {"kind": "report", "title": "X", "file": html}, follow=True)

    item = Attachment.objects.get()
    assert (item.kind, item.size, item.filename) == ("agenda", 15, "agenda.pdf")
    got = client.get(f"{url}{item.pk}/")
    assert got.content == b"%PDF-1.4 agenda"
    assert got["Content-Type"] == "application/pdf"
    assert b"cannot be attached" in refused.content


def test_transactions_add_to_the_spending_and_a_negative_one_is_refused(programme, client, make):
    client.force_login(make.user("programme_staff", None, language="en"))
    url = "/programme/activities/NE-2018-SOP/transactions/"

    client.post(url, {"kind": "4", "transaction_date": "2018-03-20", "amount": "11 500 000"})
    bad = client.post(
        url, {"kind": "4", "transaction_date": "2018-03-21", "amount": "-1"}, follow=True
    )
    page = client.get("/programme/activities/NE-2018-SOP/")

    activity = Activity.objects.get(code="NE-2018-SOP")
    assert [str(t.amount) for t in activity.transactions.all()] == ["11500000.00"]
    assert b"cannot be negative" in bad.content
    assert "11,500,000.00 XOF" in page.content.decode()


def test_links_are_resolved_within_the_activity_countries(programme, system):
    bamako = Activity.objects.get(code="ML-2017-SOP")
    values = {
        "programme": programme,
        "activity": bamako,
        "code": bamako.code,
        "countries": ["ML"],
        "title_en": bamako.title_en,
        "title_fr": bamako.title_fr,
        "status": "3",
        "start_date": bamako.start_date,
        "end_date": bamako.end_date,
        "description_en": "d",
    }

    services.activity_save(
        actor=system,
        links={
            "sop_versions": ["POS-PSSM/2.0"],
            "trainings": ["TOT-ML-2017"],
            "installations": ["MI-ML-01"],
        },
        **values,
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_save(actor=system, links={"trainings": ["TOT-NE-2018"]}, **values)

    assert [str(v) for v in bamako.sop_versions.all()] == ["POS-PSSM v2.0"]
    assert bamako.sop_versions.get().sop.country.code == "ML"
    assert [t.code for t in bamako.trainings.all()] == ["TOT-ML-2017"]
    assert "trainings" in refused.value.details


def test_the_activity_list_does_not_query_per_row(
    programme, client, make, system, django_assert_max_num_queries
):
    client.force_login(make.user("programme_viewer", None, language="en"))
    client.get("/programme/activities/")
    for i in range(12):
        services.activity_save(
            actor=system,
            programme=programme,
            code=f"BF-{i}",
            countries=["BF", "NE"],
            title_en="T",
            title_fr="T",
            status="1",
            start_date=programme.start_date,
            end_date=programme.start_date,
            types=["capacity"],
            focuses=["ammunition"],
        )

    with django_assert_max_num_queries(14):
        response = client.get("/programme/activities/")

    assert response.status_code == 200
