"""The programme's edit pages as a national commission (its own country only) and as the
programme staff: SOPs and their validation, trainings and participants, model installations
and their works, narrative sections. Bad input shows its message and saves nothing."""

from pssm.programme.models import (
    ActivityFocus,
    ModelInstallation,
    Narrative,
    Participation,
    Sop,
    SopVersion,
    TrainingEvent,
    TrainingPerson,
)
from pssm.sites.models import Country, Organisation


def test_a_commission_records_and_validates_an_sop_of_its_country(programme, client, make):
    client.force_login(
        make.user("national_authority", Country.objects.get(code="NE"), language="en")
    )

    foreign = client.post(
        "/programme/sops/new/", {"country": "ML", "code": "X", "title_fr": "x", "title_en": "x"}
    )
    created = client.post(
        "/programme/sops/new/",
        {"country": "NE", "code": "pos-mun", "title_fr": "Munitions", "title_en": "Ammunition"},
    )
    sop = Sop.objects.get(country__code="NE", code="POS-MUN")
    version = client.post(
        f"/programme/sops/{sop.pk}/versions/new/",
        {
            "number": "1.0",
            "language": "fr",
            "issued_date": "2019-01-10",
            "items": "chapter | 1 | Storage | Stockage\ncheck | 1.1 | Keys kept | Clés tenues",
        },
    )
    v = SopVersion.objects.get(sop=sop)
    bad = client.post(
        f"/programme/sops/versions/{v.pk}/validate/",
        {
            "decided_date": "2019-02-01",
            "decision": "Validated",
            "signatory": "S",
            "signatory_title": "Minister",
            "institutions": "Armed forces | many",
        },
    )
    ok = client.post(
        f"/programme/sops/versions/{v.pk}/validate/",
        {
            "decided_date": "2019-02-01",
            "decision": "Validated",
            "signatory": "S",
            "signatory_title": "Minister",
            "workshop": "NE-2018-SOP",
            "institutions": "Armed forces | 12\nGendarmerie | 4",
        },
    )

    assert foreign.status_code == 200 and not Sop.objects.filter(code="X").exists()
    assert created.status_code == 302 and version.status_code == 302
    assert v.items.count() == 2
    assert bad.status_code == 200 and b"number of participants" in bad.content
    assert ok.status_code == 302
    v.refresh_from_db()
    assert v.status == "validated"
    assert v.validation.workshop.code == "NE-2018-SOP"
    assert [i.participants for i in v.validation.institutions.all()] == [12, 4]


def test_a_commission_cannot_open_another_countrys_version(programme, client, make):
    client.force_login(make.user("national_authority", Country.objects.get(code="NE")))
    mali = SopVersion.objects.filter(sop__country__code="ML").first()

    assert client.get(f"/programme/sops/versions/{mali.pk}/validate/").status_code == 404


def test_a_training_with_a_trainer_also_trainee_shows_the_error(programme, client, make):
    client.force_login(make.user("programme_staff", None, language="en"))
    make.user("storekeeper", None, username="amina")
    persons = TrainingPerson.objects.count()

    client.post(
        "/programme/trainings/new/",
        {
            "country": "NG",
            "code": "TOT-NG-2019",
            "title_fr": "F",
            "title_en": "F",
            "course": "ToT",
            "is_trainer_course": "on",
            "place": "Abuja",
            "start_date": "2019-03-04",
            "end_date": "2019-03-08",
        },
    )
    event = TrainingEvent.objects.get(code="TOT-NG-2019")
    url = f"/programme/trainings/{event.pk}/participants/"
    client.post(
        url, {"full_name": "Chinedu Okeke", "institution": "Nigerian Army", "role": "trainer"}
    )
    again = client.post(
        url,
        {
            "full_name": "chinedu okeke",
            "institution": "Nigerian Army",
            "role": "trainee",
            "result": "passed",
            "score": "80",
        },
    )
    linked = client.post(
        url,
        {
            "full_name": "Amina Bello",
            "institution": "Nigeria Police",
            "role": "trainee",
            "result": "passed",
            "score": "81",
            "username": "magasinier",
        },
    )
    refused_persons = TrainingPerson.objects.count()
    client.post(
        url,
        {
            "full_name": "Amina Bello",
            "institution": "Nigeria Police",
            "role": "trainee",
            "result": "passed",
            "score": "81",
            "username": "amina",
        },
    )

    assert again.status_code == 200 and b"both trainer and trainee" in again.content
    assert b"already linked to the trained person Moussa Traor" in linked.content
    assert refused_persons == persons + 1  # Chinedu only: Amina was not half-saved
    parts = Participation.objects.filter(event=event)
    assert sorted(parts.values_list("role", flat=True)) == ["trainee", "trainer"]
    trainee = parts.get(role="trainee")
    assert trainee.certificate_number == f"TOT-NG-2019-{trainee.pk:05d}"
    assert trainee.person.user.username == "amina"


def test_installations_and_works_are_checked(programme, client, make):
    client.force_login(make.user("programme_staff", None, language="en"))
    inst = ModelInstallation.objects.get(code="MI-NG-03")

    not_done = client.post(
        f"/programme/installations/{inst.pk}/edit/",
        {
            "country": "NG",
            "code": "MI-NG-03",
            "name": inst.name,
            "status": "done",
            "planned_date": "2018-12-15",
        },
    )
    negative = client.post(
        f"/programme/installations/{inst.pk}/works/",
        {
            "description": "Fence",
            "contractor": "C",
            "start_date": "2019-01-01",
            "budget_amount": "-3",
            "currency": "EUR",
        },
    )
    done = client.post(
        f"/programme/installations/{inst.pk}/edit/",
        {
            "country": "NG",
            "code": "MI-NG-03",
            "name": inst.name,
            "status": "done",
            "site": "NG-KAD",
            "planned_date": "2018-12-15",
            "done_date": "2019-04-01",
        },
    )
    make.site(Organisation.objects.get(code="NG-CN"), code="MAI")
    free = client.post(
        f"/programme/installations/{inst.pk}/edit/",
        {
            "country": "NG",
            "code": "MI-NG-03",
            "name": inst.name,
            "status": "done",
            "site": "NG-MAI",
            "planned_date": "2018-12-15",
            "done_date": "2019-04-01",
        },
    )

    assert not_done.status_code == 200 and b"needs its site" in not_done.content
    assert negative.status_code == 200 and b"cannot be negative" in negative.content
    assert not inst.works.exists()
    assert done.status_code == 200 and b"already the model installation MI-NG-02" in done.content
    assert free.status_code == 302
    inst.refresh_from_db()
    assert inst.status == "done" and inst.site.code == "NG-MAI"


def test_narratives_need_both_languages(programme, client, make):
    client.force_login(make.user("programme_staff", None, language="en"))

    half = client.post(
        "/programme/evaluation/narrative/",
        {"section": "challenges", "country": "TD", "text_fr": "x", "text_en": " "},
    )
    full = client.post(
        "/programme/evaluation/narrative/",
        {"section": "challenges", "country": "TD", "text_fr": "Défis", "text_en": "Challenges"},
    )

    assert half.status_code == 200
    assert full.status_code == 302
    assert Narrative.objects.get(country__code="TD").text_en == "Challenges"


def test_the_viewer_opens_no_edit_page(programme, client, make):
    client.force_login(make.user("programme_viewer", None))

    for url in [
        "/programme/sops/new/",
        "/programme/trainings/new/",
        "/programme/installations/new/",
        "/programme/evaluation/narrative/",
    ]:
        assert client.get(url).status_code == 403, url


def test_the_lists_are_edited_by_a_grant_everywhere_only(programme, client, make):
    client.force_login(make.user("national_authority", Country.objects.get(code="NE")))
    refused = client.post(
        "/programme/lists/",
        {"kind": "focus", "code": "pss", "label_fr": "Sécurité physique", "label_en": "PSS"},
    )
    client.force_login(make.user("programme_staff", None, language="en"))
    added = client.post(
        "/programme/lists/",
        {"kind": "focus", "code": "pss", "label_fr": "Sécurité physique", "label_en": "PSS"},
    )

    assert refused.status_code == 403
    assert added.status_code == 302
    assert ActivityFocus.objects.get(code="pss").label_fr == "Sécurité physique"
