"""The programme through its services, pages and commands: the demo across six countries,
bad input refused with nothing saved, the IATI export validated against the official schema,
the evaluation report without serials or names, and who sees and edits what."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from lxml import etree

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.programme import iati, report, selectors, services, training
from pssm.programme.models import (
    Activity,
    ModelInstallation,
    Participation,
    SopVersion,
    TemplateReview,
    TrainingPerson,
)
from pssm.sites.models import Country


def _countries():
    return sorted(Country.objects.values_list("code", flat=True))


def test_the_demo_holds_the_programme_across_six_countries(programme):
    codes = _countries()

    assert codes == ["BF", "ML", "MR", "NE", "NG", "TD"]
    assert ModelInstallation.objects.count() == 18
    assert set(Activity.objects.values_list("code", flat=True)) >= {"ML-2017-SOP", "RG-2018-EVAL"}
    dakar = Activity.objects.get(code="RG-2018-EVAL")
    assert (
        dakar.is_evaluation and dakar.place.startswith("Dakar") and len(dakar.country_codes()) == 6
    )
    validated = SopVersion.objects.filter(status="validated").values_list(
        "sop__country__code", flat=True
    )
    assert set(validated) == {"ML", "NE"}
    cascade, _persons = selectors.cascade_for(countries=codes)
    assert cascade.depth() >= 3
    assert TemplateReview.objects.filter(closed_at__isnull=True).count() == 1
    assert TrainingPerson.objects.get(user__username="magasinier").participations.count() == 2
    rows = {r.code: r for r in selectors.installation_rows(codes)}
    with_history = {r.country for r in rows.values() if len(r.history) >= 2}
    assert with_history == {"BF", "MR", "NE", "NG", "TD"}  # Mali's come from its own demo
    levels = {code: [level for _d, level, _p in r.history] for code, r in rows.items() if r.history}
    assert levels["MI-NE-01"][-1] > levels["MI-NE-01"][0]


def test_a_person_trained_twice_is_held_once(programme, system):
    mali = Country.objects.get(code="ML")

    again = training.person_record(
        actor=system, country=mali, full_name="  sidi MAIGA ", institution="Gendarmerie nationale"
    )

    assert again.full_name == "Sidi Maïga"
    assert Participation.objects.filter(person=again).count() == 2


def _activity_values(**changes):
    values = {
        "code": "ML-2019-X",
        "countries": ["ML"],
        "title_en": "Workshop",
        "title_fr": "Atelier",
        "status": "1",
        "start_date": date(2019, 2, 1),
        "end_date": date(2019, 2, 3),
        "budget_amount": "1000",
        "currency": "XOF",
        "orgs": [{"name": "European Union", "role": "funding"}],
        "description_en": "d",
        "description_fr": "d",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_date": date(2019, 1, 31)}, "end_date"),
        ({"budget_amount": "-5"}, "budget_amount"),
        ({"currency": "francs"}, "currency"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"orgs": [{"name": "EU", "role": "owner"}]}, "orgs"),
    ],
)
def test_bad_activities_are_refused_and_nothing_is_saved(programme, system, changes, field):
    before = Activity.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=system, programme=programme, **_activity_values(**changes))

    assert field in exc.value.details
    assert Activity.objects.count() == before


def test_a_taken_code_is_a_conflict(programme, system):
    with pytest.raises(ConflictError):
        services.activity_save(
            actor=system, programme=programme, **_activity_values(code="ML-2017-SOP")
        )


def test_a_trainer_who_is_also_a_trainee_of_the_event_is_refused(programme, system):
    event = Participation.objects.filter(role="trainer").first().event
    trainer = event.participants.filter(role="trainer").first().person
    count = event.participants.count()

    with pytest.raises(ValidationError):
        training.participants_record(
            actor=system, event=event, rows=[{"person": trainer, "role": "trainee"}]
        )

    assert event.participants.count() == count


def test_a_version_is_not_validated_without_its_record(programme, system):
    version = SopVersion.objects.get(sop__country__code="BF")

    with pytest.raises(ValidationError) as exc:
        services.sop_version_status(actor=system, version=version, status="validated")

    version.refresh_from_db()
    assert version.status == "under_review"
    assert "validation" in exc.value.details
    with pytest.raises(ValidationError):
        services.sop_version_validate(
            actor=system,
            version=version,
            decision="ok",
            decided_date=date(2018, 7, 1),
            signatory="x",
            signatory_title="Minister",
            institutions=[],
        )
    version.refresh_from_db()
    assert version.status == "under_review"


def test_validating_a_new_version_lists_the_templates_to_review(programme, system):
    review = TemplateReview.objects.get()

    services.template_review_close(actor=system, review=review)

    review.link.refresh_from_db()
    assert review.link.version == review.new_version
    assert review.old_version.status == "superseded"
    with pytest.raises(ConflictError):
        services.template_review_close(actor=system, review=review)


def test_the_iati_export_validates_against_the_official_schema(programme, tmp_path):
    out = tmp_path / "iati.xml"

    call_command("programme", "iati", "--out", str(out))

    tree = etree.parse(str(out))
    assert iati.iati_errors(tree) == []
    acts = tree.findall("iati-activity")
    assert len(acts) == 1 + Activity.objects.count()
    assert {s.get("code") for s in tree.iter("sector")} == {"15240"}
    bamako = next(a for a in acts if a.findtext("iati-identifier").endswith("ML-2017-SOP"))
    assert {p.get("role") for p in bamako.iter("participating-org")} == {"1", "2", "4"}
    assert bamako.find("budget/value").text == "18500000.00"
    assert len(bamako.findall("transaction")) == 2
    assert len(acts[0].findall("result/indicator")) >= 6
    sops = next(
        r for r in acts[0].findall("result") if r.findtext("title/narrative") == "Validated SOPs"
    )
    actuals = {
        (a.find("dimension").get("value") if a.find("dimension") is not None else ""): a.get(
            "value"
        )
        for a in sops.iter("actual")
    }
    assert actuals == {"": "66.7", "BF": "0.0", "ML": "100.0", "NE": "100.0"}


def test_an_iati_export_missing_a_mandatory_element_is_refused(programme, system, tmp_path):
    services.activity_save(
        actor=system, programme=programme, **_activity_values(description_en="", description_fr="")
    )
    out = tmp_path / "iati.xml"

    with pytest.raises(SystemExit):
        call_command("programme", "iati", "--out", str(out))

    assert not out.exists()


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


@pytest.mark.parametrize(
    "lang, heading", [("en", "Regional summary"), ("fr", "Synthèse régionale")]
)
def test_the_evaluation_report_names_only_contact_points(programme, lang, heading):
    data = report.evaluation_report(
        programme=programme,
        countries=_countries(),
        start=date(2017, 1, 1),
        end=date(2018, 12, 31),
        lang=lang,
        fmt="docx",
    )

    text = _docx_text(data)
    assert "Aïssatou Diallo" in text  # the contact point
    for person in TrainingPerson.objects.all():
        assert person.full_name not in text
    assert "Ibrahim Maïga" not in text and "Mamadou Keïta" not in text  # signatories: offices
    assert "Dakar" in text and "Mali (ML)" in text and "Niger (NE)" in text
    if lang == "en":
        assert heading in text


def test_the_evaluation_command_writes_a_pdf(programme, tmp_path):
    out = tmp_path / "evaluation.pdf"

    call_command(
        "programme",
        "evaluation",
        "--from",
        "2017-01-01",
        "--to",
        "2018-12-31",
        "--lang",
        "en",
        "--out",
        str(out),
    )

    assert out.read_bytes().startswith(b"%PDF")


def test_the_programme_viewer_sees_every_page_and_edits_nothing(programme, client, make):
    client.force_login(make.user("programme_viewer", None, username="viewer", language="en"))
    part = Participation.objects.filter(result="passed").first()
    pages = [
        "/programme/",
        "/programme/indicators/MI-RRPL2/",
        "/programme/activities/",
        "/programme/activities/ML-2017-SOP/",
        "/programme/activities/ML-2017-SOP/sheet.pdf",
        "/programme/sops/",
        "/programme/trainings/",
        "/programme/installations/",
        "/programme/evaluation/",
        f"/programme/certificates/{part.pk}.pdf",
        "/programme/activities/?format=csv",
        "/programme/activities/?format=xlsx&q=Bamako",
    ]

    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get("/programme/activities/new/").status_code == 403
    assert client.post("/programme/activities/new/", {"code": "X"}).status_code == 403
    assert client.get("/programme/activities/ML-2017-SOP/edit/").status_code == 403
    assert not Activity.objects.filter(code="X").exists()


def test_the_csv_export_cannot_carry_a_formula(programme, system, client, make):
    services.activity_save(
        actor=system, programme=programme, **_activity_values(title_en="=HYPERLINK(1)", code="F")
    )
    client.force_login(make.user("programme_viewer", None, username="viewer", language="en"))

    body = b"".join(client.get("/programme/activities/?format=csv&q=F").streaming_content)

    assert b",'=HYPERLINK(1)," in body


def test_a_national_commission_edits_only_its_own_country(programme, make):
    niger = Country.objects.get(code="NE")
    commission = make.user("national_authority", niger)
    bamako = Activity.objects.get(code="ML-2017-SOP")

    with pytest.raises(PermissionDeniedError):
        services.activity_save(
            actor=commission,
            programme=programme,
            activity=bamako,
            code=bamako.code,
            countries=["ML"],
            title_en="x",
            title_fr="x",
            status="3",
            start_date=bamako.start_date,
            end_date=bamako.end_date,
        )
    services.activity_save(
        actor=commission, programme=programme, **_activity_values(code="NE-X", countries=["NE"])
    )
    from pssm.programme import access

    assert access.countries_for(commission) == ["NE"]


def test_a_storekeeper_does_not_see_the_programme(programme, client, make):
    client.force_login(make.user("storekeeper", None, username="sk"))

    assert client.get("/programme/").status_code == 403


def test_the_programme_staff_edit_through_the_form(programme, client, make):
    client.force_login(make.user("programme_staff", None, username="staffer", language="en"))

    bad = client.post(
        "/programme/activities/new/",
        {
            "code": "NG-2019-W",
            "title_fr": "A",
            "title_en": "A",
            "status": "1",
            "start_date": "2019-05-02",
            "end_date": "2019-05-01",
            "countries": "NG",
            "budget_amount": "10",
            "currency": "NGN",
            "orgs": "funding | European Union | | 40",
        },
    )
    ok = client.post(
        "/programme/activities/new/",
        {
            "code": "NG-2019-W",
            "title_fr": "A",
            "title_en": "A",
            "status": "1",
            "start_date": "2019-05-01",
            "end_date": "2019-05-02",
            "countries": "NG",
            "budget_amount": "10",
            "currency": "NGN",
            "orgs": "funding | European Union | | 40",
        },
    )

    assert bad.status_code == 200 and b"before the start date" in bad.content
    assert ok.status_code == 302
    act = Activity.objects.get(code="NG-2019-W")
    assert act.orgs.get().role == "funding"
