# ruff: noqa: E501
"""Inspections through the services, the pages and the API."""

from datetime import date, timedelta

import pytest

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.inspections import services
from pssm.inspections.models import Inspection
from pssm.journal.models import JournalEntry


@pytest.fixture
def ctx(make):
    site = make.site(code="KTI", kind="ammunition_depot", is_model_installation=True)
    return {
        "site": site,
        "inspector": make.user("inspector", site.organisation.country, username="insp"),
        "keeper": make.user("storekeeper", site, username="keeper"),
        "template": services.checklist_seed(),
    }


def answers(template, exceptions=(), evidence=True):
    return {
        q.code: {
            "answer": dict(exceptions).get(q.code, "yes"),
            "evidence": "seen" if evidence and q.evidence_required else "",
        }
        for q in template.questions.all()
    }


def test_two_inspections_show_the_site_improving(ctx):
    first = services.inspection_start(
        actor=ctx["inspector"], site=ctx["site"], inspected_on=date.today() - timedelta(days=365)
    )
    services.answers_record(
        actor=ctx["inspector"],
        inspection=first,
        answers=answers(ctx["template"], {"LIC-01": "no", "SEC-06": "no"}),
    )
    first = services.inspection_close(actor=ctx["inspector"], inspection=first)
    second = services.inspection_start(actor=ctx["inspector"], site=ctx["site"])
    services.answers_record(
        actor=ctx["inspector"],
        inspection=second,
        answers=answers(ctx["template"], {"SEC-06": "no"}),
    )
    second = services.inspection_close(actor=ctx["inspector"], inspection=second)

    assert first.level == 0 and first.failed_criticals["1"] == ["LIC-01"]
    assert second.level == 2 and second.score_ratio > first.score_ratio
    assert JournalEntry.objects.filter(kind="inspection.closed").count() == 2


def test_closing_needs_every_answer_and_its_evidence(ctx):
    insp = services.inspection_start(actor=ctx["inspector"], site=ctx["site"])
    services.answers_record(
        actor=ctx["inspector"], inspection=insp, answers={"LIC-01": {"answer": "yes"}}
    )
    with pytest.raises(ValidationError) as err:
        services.inspection_close(actor=ctx["inspector"], inspection=insp)
    assert "SEC-01" in str(err.value)

    services.answers_record(
        actor=ctx["inspector"], inspection=insp, answers=answers(ctx["template"], evidence=False)
    )
    with pytest.raises(ValidationError) as err:
        services.inspection_close(actor=ctx["inspector"], inspection=insp)
    assert "LIC-01" in str(err.value) and err.value.details["evidence"]
    assert Inspection.objects.get(pk=insp.pk).state == "open"


def test_a_closed_inspection_is_not_changed_and_only_inspectors_record(ctx):
    insp = services.inspection_start(actor=ctx["inspector"], site=ctx["site"])
    services.answers_record(
        actor=ctx["inspector"], inspection=insp, answers=answers(ctx["template"])
    )
    services.inspection_close(actor=ctx["inspector"], inspection=insp)

    with pytest.raises(ConflictError):
        services.answers_record(
            actor=ctx["inspector"], inspection=insp, answers={"LIC-01": {"answer": "no"}}
        )
    with pytest.raises(PermissionDeniedError):
        services.inspection_start(actor=ctx["keeper"], site=ctx["site"])


def test_corrective_actions_are_followed_to_closure(ctx):
    insp = services.inspection_start(actor=ctx["inspector"], site=ctx["site"])
    action = services.corrective_action_add(
        actor=ctx["inspector"],
        inspection=insp,
        description="Change the padlocks",
        owner="Security officer",
        due_date=date.today() + timedelta(days=30),
        question_code="SEC-04",
    )
    closed = services.corrective_action_close(actor=ctx["inspector"], action=action, note="Done")

    assert closed.closed_at is not None
    with pytest.raises(ConflictError):
        services.corrective_action_close(actor=ctx["inspector"], action=action, note="again")


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Fermer et noter"), ("en", "Close and score")]
)
def test_the_inspection_page_in_both_languages(ctx, client, language, text):
    from pssm.accounts.models import User

    User.objects.filter(pk=ctx["inspector"].pk).update(preferred_language=language)
    client.force_login(ctx["inspector"])

    created = client.post(
        "/inspections/new/", {"site": ctx["site"].code, "inspected_on": date.today().isoformat()}
    )
    insp = Inspection.objects.get()
    page = client.get(f"/inspections/{insp.pk}/")
    saved = client.post(
        f"/inspections/{insp.pk}/",
        {f"a_{q.code}": "yes" for q in ctx["template"].questions.all()}
        | {f"e_{q.code}": "seen" for q in ctx["template"].questions.all()},
    )
    closed = client.post(f"/inspections/{insp.pk}/close/")

    assert created.status_code == 302 and page.status_code == 200
    assert text in page.content.decode()
    assert saved.status_code == 302 and closed.status_code == 302
    insp.refresh_from_db()
    assert insp.state == "closed" and insp.level == 3


def test_the_api_records_and_closes(ctx, api_client):
    api_client.force_authenticate(ctx["inspector"])

    created = api_client.post("/api/v1/inspections/", {"site": ctx["site"].code}, format="json")
    pk = created.json()["id"]
    bad = api_client.post(
        f"/api/v1/inspections/{pk}/answers/",
        {"answers": {"LIC-01": {"answer": "maybe"}}},
        format="json",
    )
    api_client.post(
        f"/api/v1/inspections/{pk}/answers/",
        {"answers": answers(ctx["template"], {"SEC-06": "no"})},
        format="json",
    )
    closed = api_client.post(f"/api/v1/inspections/{pk}/close/")

    assert created.status_code == 201
    assert bad.status_code == 400
    assert closed.status_code == 200 and closed.json()["level"] == 2


def test_changing_an_answer_keeps_its_evidence(ctx):
    insp = services.inspection_start(actor=ctx["inspector"], site=ctx["site"])
    services.answers_record(
        actor=ctx["inspector"],
        inspection=insp,
        answers={"LIC-01": {"answer": "partly", "evidence": "licence seen"}},
    )

    services.answers_record(
        actor=ctx["inspector"], inspection=insp, answers={"LIC-01": {"answer": "yes"}}
    )

    answer = insp.answers.get()
    assert (answer.answer, answer.evidence) == ("yes", "licence seen")


def test_a_critical_question_is_not_applicable_only_where_allowed_and_justified(ctx, client):
    inspection = services.inspection_start(actor=ctx["inspector"], site=ctx["site"])

    with pytest.raises(ValidationError) as err:  # ACC-02 (critical for level 1) may not be
        services.answers_record(
            actor=ctx["inspector"], inspection=inspection, answers={"ACC-02": {"answer": "na"}}
        )
    assert "ACC-02" in err.value.details and "cannot be answered not applicable" in str(err.value)
    with pytest.raises(ValidationError) as err:  # LIC-01 may be, with a justification
        services.answers_record(
            actor=ctx["inspector"],
            inspection=inspection,
            answers={"LIC-01": {"answer": "na", "note": "n/a"}},
        )
    assert "at least 15 characters" in str(err.value)
    assert not inspection.answers.exists()  # nothing was written
    justified = "Armoury only: no explosive storehouse on this site."
    services.answers_record(
        actor=ctx["inspector"],
        inspection=inspection,
        answers={
            **answers(ctx["template"]),
            "LIC-01": {"answer": "na", "note": justified},
        },
    )
    closed = services.inspection_close(actor=ctx["inspector"], inspection=inspection)

    assert closed.level == 3
    client.force_login(ctx["inspector"])
    page = client.get(f"/inspections/{closed.pk}/").content.decode()  # the inspector's French
    assert "Sans objet, car :" in page and justified in page
    assert "Seuils propres à PSSM (50 / 70 / 90 %" in page and "non valeurs UN" in page
    q = ctx["template"].questions.get(code="FIR-01")
    assert q.source_clause == "IATG 02.50" and not q.na_allowed
